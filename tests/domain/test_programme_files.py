"""Malformed programme files: each fault is one line, "source: key.path: message", naming
the file. The shipped files parse, and a copy of them parses to the same definition.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from parcours.domain.errors import DomainError, InvalidProgramme
from parcours.domain.programme import (
    GUARD_NAMES,
    MOVE_TRIGGERS,
    RECORD_TRIGGERS,
    load_programme_text,
    parse_programme,
)
from parcours.domain.vocabulary import Stage
from parcours.programmes import (
    CATALOGUE_DIR,
    UnknownProgramme,
    catalogue,
    get_programme,
    load_programme_file,
)
from tests.domain.helpers import ATP, ND

ATP_TEXT = (CATALOGUE_DIR / "atp-cergy.v1.toml").read_text(encoding="utf-8")
STAGES = ", ".join(repr(s.value) for s in list(Stage)[:-1]) + f" or {Stage.EXITED.value!r}"
KNOWN_TRIGGERS = ", ".join(sorted(MOVE_TRIGGERS | RECORD_TRIGGERS))
KNOWN_GUARDS = ", ".join(sorted(GUARD_NAMES))


def edited(old: str, new: str) -> str:
    """The ATP file with the first occurrence of `old` replaced."""
    assert old in ATP_TEXT
    return ATP_TEXT.replace(old, new, 1)


CASES = [
    pytest.param(
        "name = \n",
        "(file): not valid TOML: Invalid value (at line 1, column 8)",
        id="toml-syntax-error",
    ),
    pytest.param(
        edited('[title]\nfr = "', '[title]\nfr = "unterminated\n'),
        "(file): not valid TOML: Illegal character '\\n' (at line 16, column 19)",
        id="toml-unterminated-string",
    ),
    pytest.param(
        edited('name = "atp-cergy"\n', ""),
        "name: Field required",
        id="missing-required-key",
    ),
    pytest.param(
        edited("[timers]\nintake_within_days = 15\n", "[timers]\n"),
        "timers.intake_within_days: Field required",
        id="missing-nested-key",
    ),
    pytest.param(
        edited("version = 1", 'version = "one"'),
        "version: Input should be a valid integer, unable to parse string as an integer",
        id="wrong-type",
    ),
    pytest.param(
        edited("no_contact_days = 30", 'no_contact_days = "thirty"'),
        "timers.no_contact_days: Input should be a valid integer, "
        "unable to parse string as an integer",
        id="wrong-type-nested",
    ),
    pytest.param(
        edited('stages = [\n  "referred"', 'stages = "referred"\nunused = [\n  "referred"'),
        "stages: Input should be a valid list",
        id="wrong-type-list",
    ),
    pytest.param(
        edited('dest = "barrier_work"', 'dest = "nowhere"'),
        f"moves[0].dest: Input should be {STAGES}",
        id="unknown-stage-as-move-dest",
    ),
    pytest.param(
        edited('source = ["referred"]', 'source = ["nowhere"]'),
        "(top level): move 'complete_intake' has source 'nowhere', not in stages",
        id="unknown-stage-as-move-source",
    ),
    pytest.param(
        edited('source = ["@active"]', 'source = ["@busy"]'),
        "(top level): move 'suspend' names unknown stage group '@busy'",
        id="unknown-stage-group",
    ),
    pytest.param(
        edited('"referred", "barrier_work", "contracted",', '"referred", "barrier_work",'),
        "(top level): stage group 'active' names 'contracted', not in stages",
        id="stage-group-outside-stages",
    ),
    pytest.param(
        edited('guards = ["eligibility_met"]', 'guards = ["eligibility_met", "is_lucky"]'),
        f"moves[0].guards: unknown guard 'is_lucky'; known: {KNOWN_GUARDS}",
        id="unknown-guard",
    ),
    pytest.param(
        edited('trigger = "complete_intake"', 'trigger = "teleport"'),
        f"moves[0].trigger: unknown trigger 'teleport'; known: {KNOWN_TRIGGERS}",
        id="unknown-trigger",
    ),
    pytest.param(
        edited(
            'trigger = "record_contact"\nsource = ["@open"]',
            'trigger = "resume"\nsource = ["@open"]',
        ),
        f"moves[16].trigger: unknown trigger 'resume'; known: {KNOWN_TRIGGERS}",
        id="derived-resume-is-not-a-trigger",
    ),
    pytest.param(
        edited('event = "intake_completed"', 'event = "party"'),
        "routes[0].event: unknown event 'party'; use an event kind, alert_raised:<rule> or *",
        id="bad-route-event",
    ),
    pytest.param(
        edited('event = "alert_raised:post_hire_checkin"', 'event = "alert_raised:bogus"'),
        "routes[8].event: unknown event 'alert_raised:bogus'; "
        "use an event kind, alert_raised:<rule> or *",
        id="bad-route-alert-rule",
    ),
    pytest.param(
        edited('partners = ["referrer"]', 'partners = ["plumber"]'),
        "routes[0].partners[0]: Input should be 'referrer', 'temp_agency', 'training_body', "
        "'social_action_fund', 'career_advisor', 'employer' or 'evaluator'",
        id="bad-route-partner",
    ),
    pytest.param(
        edited("no_contact_days = 30", "no_contact_days = -30"),
        "timers.no_contact_days: Input should be greater than 0",
        id="negative-duration",
    ),
    pytest.param(
        edited("alert_escalation_days = 7", "alert_escalation_days = 0"),
        "timers.alert_escalation_days: Input should be greater than 0",
        id="zero-duration",
    ),
    pytest.param(
        edited("[7, 30, 90, 180, 365, 540]", "[-7, 30]"),
        "timers.post_hire_checkin_days: must be positive day counts in increasing order, each once",
        id="negative-checkin-day",
    ),
    pytest.param(
        edited("[7, 30, 90, 180, 365, 540]", "[30, 7]"),
        "timers.post_hire_checkin_days: must be positive day counts in increasing order, each once",
        id="checkin-days-out-of-order",
    ),
    pytest.param(
        edited("[7, 30, 90, 180, 365, 540]", "[]"),
        "timers.post_hire_checkin_days: List should have at least 1 item after validation, not 0",
        id="no-checkin-day",
    ),
    pytest.param(
        edited("months = 24", "months = -24"),
        "accompaniment.months: Input should be greater than 0",
        id="negative-accompaniment",
    ),
    pytest.param(
        edited('starts_on = "contract_signed"', 'starts_on = "birthday"'),
        "accompaniment.starts_on: Input should be 'referral', 'intake_completed' "
        "or 'contract_signed'",
        id="bad-accompaniment-start",
    ),
    pytest.param(
        edited("version = 1", 'version = 1\ncolour = "blue"'),
        "colour: Extra inputs are not permitted",
        id="unknown-key",
    ),
    pytest.param(
        edited('initial_stage = "referred"', 'initial_stage = "exited"').replace(
            ', "exited",\n]', ",\n]", 1
        ),
        "(top level): initial_stage 'exited' is not in stages",
        id="initial-stage-not-in-stages",
    ),
    pytest.param(
        edited(
            'trigger = "record_contact"\nsource = ["@open"]',
            'trigger = "record_contact"\nsource = ["@open"]\ndest = "exited"',
        ),
        "(top level): move 'record_contact' records only and cannot have a dest",
        id="record-move-with-dest",
    ),
    pytest.param(
        edited(
            'trigger = "start_coaching"\nsource = ["contracted"]\ndest = "coaching"\n',
            'trigger = "start_coaching"\nsource = ["contracted"]\n',
        ),
        "(top level): move 'start_coaching' changes the stage and needs a dest",
        id="stage-move-without-dest",
    ),
    pytest.param(
        edited('name = "atp-cergy"', 'name = "ATP Cergy"'),
        "name: String should match pattern '^[a-z][a-z0-9-]{1,40}$'",
        id="bad-name",
    ),
    pytest.param(
        edited("positive_exit_rate = 0.6", "positive_exit_rate = 1.5"),
        "targets.positive_exit_rate: Input should be less than or equal to 1",
        id="rate-over-one",
    ),
]


def assert_one_line(err: DomainError, source: str, expected: str) -> None:
    message = str(err)
    assert message == f"{source}: {expected}"
    assert "\n" not in message
    assert "\r" not in message
    assert message.startswith(f"{source}: ")
    assert isinstance(err, InvalidProgramme)
    assert err.rule == "programme_file"


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_malformed_programme_file(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "broken.v1.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidProgramme) as refused:
        load_programme_file(path)
    assert_one_line(refused.value, str(path), expected)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_malformed_programme_text_names_its_source(text: str, expected: str) -> None:
    with pytest.raises(InvalidProgramme) as refused:
        load_programme_text(text, source="inline")
    assert_one_line(refused.value, "inline", expected)


def test_parse_programme_reports_the_first_fault_only() -> None:
    data = tomllib.loads(ATP_TEXT)
    data["version"] = 0
    data["timers"] = {**data["timers"], "no_contact_days": -1}
    with pytest.raises(InvalidProgramme) as refused:
        parse_programme(data, source="memory")
    assert_one_line(refused.value, "memory", "version: Input should be greater than or equal to 1")


def test_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    missing = tmp_path / "missing.v1.toml"
    with pytest.raises(InvalidProgramme) as refused:
        load_programme_file(missing)
    assert_one_line(refused.value, str(missing), "(file): no such file")

    with pytest.raises(InvalidProgramme) as refused:
        load_programme_file(tmp_path)
    assert_one_line(refused.value, str(tmp_path), "(file): is a folder, not a file")

    latin1 = tmp_path / "latin1.v1.toml"
    latin1.write_bytes(ATP_TEXT.encode("latin-1", errors="replace"))
    with pytest.raises(InvalidProgramme) as refused:
        load_programme_file(latin1)
    assert_one_line(refused.value, str(latin1), "(file): not UTF-8 text")


def test_the_shipped_programmes_parse(tmp_path: Path) -> None:
    assert set(catalogue()) == {"atp-cergy", "nouveau-depart"}
    assert get_programme("atp-cergy", 1) is ATP
    assert get_programme("nouveau-depart") is ND
    copy = tmp_path / "atp-cergy.v1.toml"
    copy.write_text(ATP_TEXT, encoding="utf-8")
    assert load_programme_file(copy) == ATP
    assert ATP.key == "atp-cergy@1"


def test_unknown_programmes_and_versions() -> None:
    with pytest.raises(
        UnknownProgramme,
        match=r"^no programme named 'x'; known programmes: "
        r"atp-cergy, nouveau-depart$",
    ):
        get_programme("x")
    with pytest.raises(
        UnknownProgramme,
        match=r"^programme 'atp-cergy' has no version 9; "
        r"versions: 1$",
    ):
        get_programme("atp-cergy", 9)
