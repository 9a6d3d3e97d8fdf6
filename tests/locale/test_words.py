"""Values typed by their name: a key, or its name in either language, whatever its case,
accents and inclusive ending; nothing else."""

from __future__ import annotations

from enum import StrEnum

import pytest

from parcours.domain import vocabulary as v
from parcours.locale import catalogue
from parcours.locale.words import catalogue_kind, named, value_named

EXIT_REASONS = [r.value for r in v.ExitReason]


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("moved_away", "moved_away"),
        ("MOVED_AWAY", "moved_away"),
        ("déménagement", "moved_away"),
        ("Demenagement", "moved_away"),
        ("  décrochage ", "dropped_out"),
        ("fin de l'accompagnement", "accompaniment_ended"),
        ("emploi", "employment"),
    ],
)
def test_an_exit_reason_is_named_by_its_key_or_its_name(typed: str, value: str) -> None:
    assert named("exit_reason", EXIT_REASONS, typed) == value


@pytest.mark.parametrize("typed", ["demenagment", "employement", "", "moved away please"])
def test_a_slip_names_nothing(typed: str) -> None:
    assert named("exit_reason", EXIT_REASONS, typed) is None


def test_names_in_both_languages_and_inclusive_endings() -> None:
    kinds = [k.value for k in v.BarrierKind]
    assert named("barrier_kind", kinds, "logement") == "housing"
    assert named("barrier_kind", kinds, "Housing") == "housing"
    stages = [s.value for s in v.Stage]
    for typed in ("Orienté·e", "orientee", "oriente", "REFERRED"):
        assert named("stage", stages, typed) == "referred"


def test_job_dating_outcomes_and_french_levels_by_name() -> None:
    outcomes = [o.value for o in v.JobDatingOutcome]
    assert named("jobdating_outcome", outcomes, "sans suite") == "no_match"
    assert named("jobdating_outcome", outcomes, "Embauche") == "hired"
    levels = [level.value for level in v.FrenchLevel]
    assert named("french_level", levels, "a1") == "A1"
    assert named("french_level", levels, "langue maternelle") == "native"
    assert named("french_level", levels, "aucun") == "none"


@pytest.mark.parametrize(
    ("kind", "values", "typed", "value"),
    [
        ("jobdating_outcome", v.JobDatingOutcome, "recrutée", "hired"),
        ("jobdating_outcome", v.JobDatingOutcome, "Recrute", "hired"),
        ("barrier_kind", v.BarrierKind, "papiers", "administrative"),
        ("barrier_kind", v.BarrierKind, "Transports", "mobility"),
        ("barrier_kind", v.BarrierKind, "dettes", "finances"),
        ("barrier_kind", v.BarrierKind, "garde", "childcare"),
        ("barrier_kind", v.BarrierKind, "garde d'enfant", "childcare"),
        ("barrier_kind", v.BarrierKind, "Garde d\u2019enfants", "childcare"),  # typographic
        ("role", v.Role, "conseillère", "staff"),
        ("role", v.Role, "Conseiller", "staff"),
        ("role", v.Role, "référente", "staff"),
    ],
)
def test_other_words_french_staff_use_name_their_value(
    kind: str, values: type[StrEnum], typed: str, value: str
) -> None:
    """Words a French trial typed and had refused ("recrutée", "papiers", "conseillère")."""
    assert named(kind, [v.value for v in values], typed) == value


@pytest.mark.parametrize(
    "kinds",
    [
        v.BarrierKind,
        v.ContractType,
        v.AppointmentKind,
        v.AppointmentPlace,
        v.FrenchLevel,
        v.PartnerKind,
        v.JobDatingOutcome,
        v.ExitReason,
    ],
)
def test_each_value_a_caseload_cell_takes_has_a_name_in_both_catalogues(
    kinds: type[StrEnum],
) -> None:
    """`value_named` finds a value's names under `catalogue_kind`: a kind spelt otherwise
    in the catalogue would read no French name at all."""
    for lang in ("en", "fr"):
        words = catalogue(lang)
        assert all(f"{catalogue_kind(kinds)}.{v.value}" in words for v in kinds), lang
    for value in kinds:
        assert (
            value_named(kinds, catalogue("fr")[f"{catalogue_kind(kinds)}.{value.value}"]) == value
        )
