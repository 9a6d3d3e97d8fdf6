"""The columns of the two files, in English and French, and which of them are required.

The people file has one row per participant: identity, referrer, referral date and
session, then optionally the pathway's milestones as dated columns (intake, contract,
coaching, job-dating, drop-out, exit). The events file (or the workbook's second sheet)
has one row per dated event, any number per person, tied to the person by `key`.
A header is recognised in either language, whatever its case and spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from parcours.domain.importing.cells import CellFault


@dataclass(frozen=True)
class Column:
    name: str
    """The column's English name, also how the code names it."""
    fr: str
    required: bool = False

    def header(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.name


def _columns(*rows: tuple[str, str] | tuple[str, str, bool]) -> tuple[Column, ...]:
    return tuple(Column(*row) for row in rows)


KEY = "key"

PEOPLE: tuple[Column, ...] = _columns(
    (KEY, "cle", True),
    ("first_name", "prenom", True),
    ("last_name", "nom", True),
    ("birth_date", "date_naissance", True),
    ("referrer", "prescripteur", True),
    ("referral_date", "date_orientation", True),
    ("referral_reason", "motif_orientation"),
    ("session", "session"),
    ("referent", "referent"),
    ("phone", "telephone"),
    ("email", "courriel"),
    ("address", "adresse"),
    ("availability", "disponibilites"),
    ("skills", "competences"),
    ("languages", "langues"),
    ("intake_date", "date_accueil"),
    ("criteria", "criteres"),
    ("contract_date", "date_contrat"),
    ("coaching_date", "date_coaching"),
    ("jobdating_date", "date_job_dating"),
    ("jobdating_outcome", "issue_job_dating"),
    ("jobdating_agency", "agence_job_dating"),
    ("dropout_date", "date_decrochage"),
    ("dropout_reason", "motif_decrochage"),
    ("exit_date", "date_sortie"),
    ("exit_reason", "motif_sortie"),
    ("exit_note", "note_sortie"),
)
"""The people file: identity and referral first, then the dated milestones."""

EVENTS: tuple[Column, ...] = _columns(
    (KEY, "cle", True),
    ("event", "evenement", True),
    ("date", "date", True),
    ("kind", "type"),
    ("reason", "motif"),
    ("until", "jusqu_au"),
    ("start", "debut"),
    ("criteria", "criteres"),
    ("level", "niveau"),
    ("title", "intitule"),
    ("provider", "organisme"),
    ("agency", "agence"),
    ("employer", "employeur"),
    ("hours", "heures"),
    ("sector_hiring", "secteur_qui_recrute"),
    ("appointment_at", "date_rdv"),
    ("place", "lieu"),
    ("late", "creneau_tardif"),
    ("aid", "aide"),
    ("paid", "remuneree"),
    ("diploma_module", "module_diplome"),
    ("session", "session"),
    ("referent", "referent"),
)
"""The events file: who (`key`), what (`event`), when (`date`), then what the event needs."""

MILESTONES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("intake_date", "intake", {"criteria": "criteria"}),
    ("contract_date", "contract", {}),
    ("coaching_date", "coaching", {}),
    ("jobdating_date", "jobdating", {"kind": "jobdating_outcome", "agency": "jobdating_agency"}),
    ("dropout_date", "dropout", {"reason": "dropout_reason"}),
    ("exit_date", "exit", {"kind": "exit_reason", "reason": "exit_note"}),
)
"""The people file's dated columns: (date column, event, {event column: people column})."""

LATE_MILESTONES = frozenset({"dropout", "exit"})
"""Milestones applied after a day's events (the others before them)."""

CONTRACT_COLUMNS = frozenset({"contract_date"})
"""Columns only for a programme with an engagement contract (its template leaves them out)."""


def normalised(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def header_map(headers: Sequence[object], columns: Iterable[Column]) -> dict[int, str]:
    """Which column each position holds ({index: column name}); unknown headers are left out.

    A required column missing, or one column given twice, is a `CellFault` naming it.
    """
    by_header: dict[str, str] = {}
    for column in columns:
        by_header[normalised(column.name)] = column.name
        by_header[normalised(column.fr)] = column.name
    found: dict[int, str] = {}
    for index, header in enumerate(headers):
        name = by_header.get(normalised(str(header or "")))
        if name is not None and name in found.values():
            raise CellFault(name, "column_twice", f"the column {name} is given twice")
        if name is not None:
            found[index] = name
    return found


def missing(found: Mapping[int, str], columns: Iterable[Column]) -> list[Column]:
    """The required columns a header row lacks."""
    present = set(found.values())
    return [column for column in columns if column.required and column.name not in present]
