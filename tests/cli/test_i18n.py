"""Both catalogues say the same things: same keys, same placeholders."""

from __future__ import annotations

import string

import pytest

from parcours.adapters.readmodel import OutboxStatus
from parcours.app.read_log import ReadCommand
from parcours.cli.app import build_app
from parcours.cli.i18n import Text, choose_language
from parcours.domain.events import CREATED_BY, EVENT_KINDS
from parcours.domain.programme import MOVE_TRIGGERS, RECORD_TRIGGERS
from parcours.domain.vocabulary import (
    AlertRule,
    AlertStatus,
    AppointmentKind,
    AppointmentPlace,
    AppointmentStatus,
    BarrierKind,
    BarrierStatus,
    ChannelKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
    Stage,
)
from parcours.locale import catalogue


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_french_and_english_have_the_same_keys_and_placeholders() -> None:
    english, french = catalogue("en"), catalogue("fr")
    assert set(english) == set(french)
    for key, text in english.items():
        assert placeholders(text) == placeholders(french[key]), key


def test_every_action_and_alert_rule_has_words() -> None:
    for trigger in MOVE_TRIGGERS | RECORD_TRIGGERS | {"resume"}:
        assert f"command.{trigger}" in catalogue("en")
    for kind in EVENT_KINDS:
        assert f"event.{kind}" in catalogue("fr")
        assert f"event.{kind}" in catalogue("en")
    for rule in AlertRule:
        assert f"rule.{rule.value}" in catalogue("fr")


def test_every_value_shown_to_people_has_words_in_both_languages() -> None:
    """Actions, partner kinds, outbox statuses, channels... are shown by label, never raw."""
    from parcours.domain.permissions import PERMISSIONS

    wanted = [f"action.{t}" for t in MOVE_TRIGGERS | RECORD_TRIGGERS | {"resume"}]
    wanted += [f"action.{t}" for triggers in PERMISSIONS.values() for t in triggers]
    for prefix, values in (
        ("partner_kind", PartnerKind),
        ("outbox", OutboxStatus),
        ("channel", ChannelKind),
        ("barrier_kind", BarrierKind),
        ("barrier_status", BarrierStatus),
        ("appointment_status", AppointmentStatus),
        ("appointment_kind", AppointmentKind),
        ("appointment_place", AppointmentPlace),
        ("contract_type", ContractType),
        ("jobdating_outcome", JobDatingOutcome),
        ("alert_status", AlertStatus),
        ("french_level", FrenchLevel),
        ("exit_reason", ExitReason),
        ("stage", Stage),
        ("audit.reads.command", ReadCommand),  # `audit reads`: which command read a file
    ):
        wanted += [f"{prefix}.{value.value}" for value in values]
    wanted += [f"act.created.{key}" for key in CREATED_BY.values()]  # "New barrier: b1."
    for lang in ("en", "fr"):
        missing = sorted(key for key in wanted if key not in catalogue(lang))
        assert missing == [], (lang, missing)


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        (["--lang", "fr", "show"], {}, "fr"),
        (["--lang=en"], {"PARCOURS_LANG": "fr"}, "en"),
        ([], {"PARCOURS_LANG": "fr"}, "fr"),
        ([], {"LANG": "fr_FR.UTF-8"}, "fr"),
        ([], {"LC_ALL": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),
        ([], {}, "en"),
        (["--lang", "de"], {"PARCOURS_LANG": "fr"}, "fr"),  # refused, in French
        (["--lang", "fr", "show", "--lang=en"], {}, "en"),  # the last, as Click takes it
        ([], {"PARCOURS_LANG": "de", "LANG": "fr_FR.UTF-8"}, "fr"),
    ],
)
def test_language_choice(argv: list[str], env: dict[str, str], expected: str) -> None:
    assert choose_language(argv, env) == expected


def test_help_is_built_in_each_language() -> None:
    assert build_app("fr").info.help == Text("fr")("help.root")
    assert build_app("en").info.help == Text("en")("help.root")


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [("en", "Why (recorded", "Pourquoi"), ("fr", "Pourquoi (enregistré", "Why (recorded")],
)
def test_shared_options_speak_one_language(lang: str, said: str, not_said: str) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        build_app(lang), ["contract", "sign", "--help"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    assert said in result.stdout
    assert not_said not in result.stdout
