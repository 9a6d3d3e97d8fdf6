"""`parcours report`: a programme's figures from the read model, as one document.

Every front end (terminal, JSON, CSV, HTML) renders the same document, so the small-cell
masking is applied once, here: a count from 1 to one below the programme's threshold is
replaced by the text `<N`, and so is any figure worked out from a hidden count (a rate,
a share, a median over too few pathways). Coordinators may read the counts unmasked;
that read is logged in the read log by `log_unmasked_read` (see `app/read_log.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from parcours.app.read_log import ReadCommand, log_reads
from parcours.domain.disclosure import BREAKDOWNS, WHOLE, WITHHELD, Mask, withheld_in_report
from parcours.domain.report import (
    DIRECT_HIRE_KEY,
    Figures,
    Selection,
    Step,
    Targets,
    combined,
    partner_share,
    steps_of,
    yearly_intake,
)
from parcours.domain.sessions import check_known_session
from parcours.programmes import get_programme

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.domain.records import Actor


def log_unmasked_read(
    store: Store, actor: Actor, selection: Selection, key_id: str | None = None
) -> None:
    """Log in the read log that `actor` (proven by the credential `key_id`, when it was)
    read a programme's small counts unmasked (the programme only: no pathway, no person).
    Raises what the database raises: the caller shows nothing then."""
    programme = selection.programme
    log_reads(store, actor, ReadCommand.REPORT_UNMASKED, programme=programme, key_id=key_id)


def in_order(counts: Mapping[str, int], order: Sequence[str]) -> dict[str, int]:
    """The counts in the programme's order of stages (any other key after them)."""
    rank = {name: index for index, name in enumerate(order)}
    return dict(sorted(counts.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


FIGURES_ORDER = (
    "pathways",
    "funnel",
    "stages_now",
    "intake_by_month",
    "intake_by_year",
    "exits",
    "dropouts_by_stage",
    "jobdating_outcomes",
    "days_to_first_mission",
    "referrals_by_referrer",
    "partner_referrals",
    "trainings_by_provider",
    "missions_by_agency",
)
"""The order of a scope's figures in the document, hence in the CSV."""

BY_STAGE = ("stages_now", "dropouts_by_stage")
"""The breakdowns listed in the programme's order of stages."""


def figures_document(
    figures: Figures,
    targets: Targets,
    steps: tuple[Step, ...],
    mask: Mask,
    stages: Sequence[str] = (),
) -> dict[str, Any]:
    """One scope's figures as shown, masked by `mask` (already `within` that scope)."""
    partner, total = partner_share(figures.referrals_by_referrer, targets.partner_referrers)
    days = mask.count(len(figures.days_to_first_mission), "days_to_first_mission", "pathways")
    partner_cells = mask.counts({"partner": partner, "total": total}, "partner_referrals")
    years = mask.counts(yearly_intake(figures.intake_by_month), "intake_by_year")
    found: dict[str, Any] = {
        "pathways": mask.count(figures.pathways, "pathways"),
        "funnel": mask.counts({s.value: figures.funnel.get(s, 0) for s in steps}, "funnel"),
        "intake_by_year": {
            year: {"count": count, "target": targets.yearly_intake} for year, count in years.items()
        },
        "exits": _exits(figures, targets, mask),
        "days_to_first_mission": {
            "median": mask.derived(figures.median_days_to_first_mission, days),
            "pathways": days,
        },
        "partner_referrals": {
            **partner_cells,
            "share": mask.derived(partner / total if total else None, *partner_cells.values()),
        },
    }
    for name in BREAKDOWNS:
        values: Mapping[str, int] = getattr(figures, name)
        found[name] = mask.counts(in_order(values, stages) if name in BY_STAGE else values, name)
    found["missions_by_agency"] = _direct_hires_named(found["missions_by_agency"])
    return {name: found[name] for name in FIGURES_ORDER}


def _direct_hires_named(agencies: Mapping[str, Any]) -> dict[str, Any]:
    """Direct hires under `DIRECT_HIRE_KEY` rather than an empty key, unless an agency goes
    by that very name (then left as they were: two counts never share a key)."""
    if DIRECT_HIRE_KEY in agencies:
        return dict(agencies)
    return {(agency or DIRECT_HIRE_KEY): count for agency, count in agencies.items()}


def _exits(figures: Figures, targets: Targets, mask: Mask) -> dict[str, Any]:
    cells = mask.counts({"exits": figures.exits, "positive": figures.positive_exits}, "exits")
    return {
        **cells,
        "rate": mask.derived(figures.positive_exit_rate, *cells.values()),
        "target": targets.positive_exit_rate,
        "denominator": "exits",
    }


def _check_session(store: Store, selection: Selection) -> None:
    """The session the report is narrowed to is one the read model knows of."""
    programme, name = selection.programme, selection.session
    if name is not None:
        found = store.get_session(programme, name)
        check_known_session(found, programme, name, store.session_size(programme, name))


def report_document(
    store: Store, selection: Selection, *, unmasked: bool = False
) -> dict[str, Any]:
    """The whole report: the selection, the targets, the figures of every pathway it
    covers and of each session."""
    programme = get_programme(selection.programme)
    _check_session(store, selection)
    targets = Targets(
        programme.targets.yearly_intake,
        programme.targets.positive_exit_rate,
        tuple(programme.referrers),
    )
    sessions = store.report_figures(selection)
    whole = combined(sessions.values())
    mask = _mask(programme.reporting.small_cell_threshold, unmasked, sessions, whole, targets)
    steps = steps_of(programme.stages)
    stages = [s.value for s in programme.stages]

    def document(figures: Figures, scope: str | None = WHOLE) -> dict[str, Any]:
        return figures_document(figures, targets, steps, mask.within(scope), stages)

    return {
        "programme": programme.name,
        "version": programme.version,
        "title": {"fr": programme.title.fr, "en": programme.title.en},
        "selection": _selection(selection),
        "masking": {
            "threshold": mask.threshold,
            "masked": not mask.off,
            "hidden": mask.hidden,
            "withheld": WITHHELD,
        },
        "targets": _targets(targets),
        "steps": [s.value for s in steps],
        "total": document(whole),
        "sessions": {name: document(figures, name) for name, figures in sessions.items()},
    }


def _targets(targets: Targets) -> dict[str, Any]:
    return {
        "yearly_intake": targets.yearly_intake,
        "positive_exit_rate": targets.positive_exit_rate,
        "partner_referrers": list(targets.partner_referrers),
    }


def _selection(selection: Selection) -> dict[str, Any]:
    return {
        "session": selection.session,
        "from": selection.since.isoformat() if selection.since else None,
        "to": selection.until.isoformat() if selection.until else None,
        "calendar": str(selection.zone),
    }


def _mask(
    threshold: int,
    unmasked: bool,
    sessions: Mapping[str, Figures],
    whole: Figures,
    targets: Targets,
) -> Mask:
    """Small counts hidden, and those withheld beside them; nothing when `unmasked`."""
    if unmasked:
        return Mask(threshold, off=True)
    partners = targets.partner_referrers
    return Mask(threshold, withheld=withheld_in_report(sessions, whole, partners, threshold))
