"""A role is typed by its key or its name in either language (`--role coordinateur`,
`PARCOURS_ROLE=Auditeur`); another is refused listing each key with its name."""

from __future__ import annotations

import pytest

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.runtime import open_session

NO_CONFIG = {"PARCOURS_CONFIG": "/nonexistent.toml"}


@pytest.mark.parametrize(
    ("typed", "role"),
    [
        ("coordinator", "coordinator"),
        ("coordinateur", "coordinator"),
        ("Coordinateur", "coordinator"),
        ("auditeur", "auditor"),
        ("personnel", "staff"),
        ("partenaire", "partner"),
        ("AUDITOR", "auditor"),
    ],
)
def test_a_role_is_taken_by_its_key_or_its_name(typed: str, role: str) -> None:
    assert open_session("fr", "staff-1", typed, NO_CONFIG).role == role


def test_the_role_variable_is_taken_by_name_too() -> None:
    env = {**NO_CONFIG, "PARCOURS_ROLE": "Auditeur"}
    assert open_session("en", "staff-1", None, env).role == "auditor"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            "Le rôle directeur n'existe pas : utilisez l'un de staff (personnel), coordinator "
            "(coordinateur), partner (partenaire), auditor (auditeur).",
        ),
        (
            "en",
            "The role directeur does not exist: use one of staff, coordinator, partner, auditor.",
        ),
    ],
)
def test_a_role_that_is_none_is_refused_listing_each_with_its_name(lang: str, said: str) -> None:
    with pytest.raises(CliError) as refused:
        open_session(lang, "staff-1", "directeur", NO_CONFIG)
    assert refused.value.code == ExitCode.USAGE
    assert str(refused.value) == said
