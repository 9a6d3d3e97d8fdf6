"""Malformed programme files: each fault is one line, "source: key.path: message", naming
the file. The shipped files parse, and a copy of them parses to the same definition.
"""

from __future__ import annotations

import pickle
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
from parcours.domain.programme_data import PARTNER_FIELDS
from parcours.domain.vocabulary import Stage
from parcours.programmes import (
    CATALOGUE_DIR,
    UnknownProgramme,
    catalogue,
    get_programme,
    load_programme_file,
)
from parcours.workflows.messages import Participant, participant_fields
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
        "moves[0].source[0]: move 'complete_intake' has source 'nowhere', not in stages",
        id="unknown-stage-as-move-source",
    ),
    pytest.param(
        edited(
            'trigger = "jobdating_hired"\nsource = ["coaching", "awaiting_mission"]',
            'trigger = "jobdating_hired"\nsource = ["coaching", "nowhere"]',
        ),
        "moves[3].source[1]: move 'jobdating_hired' has source 'nowhere', not in stages",
        id="unknown-stage-as-second-move-source",
    ),
    pytest.param(
        edited(', "exited",\n]', ",\n]").replace('"dropped_out", "exited"]', '"dropped_out"]', 1),
        "moves[14].dest: move 'exit' has dest 'exited', not in stages",
        id="move-dest-outside-stages",
    ),
    pytest.param(
        edited('source = ["@active"]', 'source = ["@busy"]'),
        "moves[11].source[0]: move 'suspend' names unknown stage group '@busy'",
        id="unknown-stage-group",
    ),
    pytest.param(
        edited('"referred", "barrier_work", "contracted",', '"referred", "barrier_work",'),
        "stage_groups.active[1]: stage group 'active' names 'contracted', not in stages",
        id="stage-group-outside-stages",
    ),
    pytest.param(
        edited('guards = ["eligibility_met"]', 'guards = ["eligibility_met", "is_lucky"]'),
        f"moves[0].guards[1]: unknown guard 'is_lucky'; known: {KNOWN_GUARDS}",
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
        "timers.post_hire_checkin_days[0]: Input should be greater than 0",
        id="negative-checkin-day",
    ),
    pytest.param(
        edited("[7, 30, 90, 180, 365, 540]", "[30, 7]"),
        "timers.post_hire_checkin_days[1]: 7 does not come after 30; "
        "give the days in increasing order, each once",
        id="checkin-days-out-of-order",
    ),
    pytest.param(
        edited("[7, 30, 90, 180, 365, 540]", "[7, 30, 30, 90]"),
        "timers.post_hire_checkin_days[2]: 30 does not come after 30; "
        "give the days in increasing order, each once",
        id="checkin-day-twice",
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
        "initial_stage: 'exited' is not in stages",
        id="initial-stage-not-in-stages",
    ),
    pytest.param(
        edited(
            'trigger = "record_contact"\nsource = ["@open"]',
            'trigger = "record_contact"\nsource = ["@open"]\ndest = "exited"',
        ),
        "moves[16].dest: move 'record_contact' records only and cannot have a dest",
        id="record-move-with-dest",
    ),
    pytest.param(
        edited(
            'trigger = "start_coaching"\nsource = ["contracted"]\ndest = "coaching"\n',
            'trigger = "start_coaching"\nsource = ["contracted"]\n',
        ),
        "moves[2].dest: move 'start_coaching' changes the stage and needs a dest",
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
    pytest.param(
        edited('"coaching", "awaiting_training",', '"coaching", "coaching", "awaiting_training",'),
        "stages[4]: stage 'coaching' is listed twice",
        id="duplicate-stage",
    ),
    pytest.param(
        edited('trigger = "jobdating_training"', 'trigger = "jobdating_hired"'),
        "moves[4].source[0]: move 'jobdating_hired' from 'coaching' is already given at moves[3]",
        id="two-moves-same-trigger-and-source",
    ),
    pytest.param(
        edited(
            'source = ["@active"]\ndest = "suspended"\n',
            'source = ["@active"]\ndest = "suspended"\n\n'
            '[[moves]]\ntrigger = "suspend"\nsource = ["training"]\ndest = "suspended"\n',
        ),
        "moves[12].source[0]: move 'suspend' from 'training' is already given at moves[11]",
        id="two-moves-same-trigger-and-source-through-a-group",
    ),
    pytest.param(
        edited("evaluator = []", 'evaluator = ["notes"]'),
        "partner_fields.evaluator[0]: unknown participant field 'notes'; "
        f"known: {', '.join(sorted(PARTNER_FIELDS))}",
        id="unknown-partner-field",
    ),
]


def assert_one_line(err: DomainError, source: str, expected: str) -> None:
    message = str(err)
    assert message == f"{source}: {expected}"
    assert "(top level)" not in message
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


def test_an_unknown_programme_crosses_a_process_boundary_whole() -> None:
    """A process pool sends exceptions back pickled: made again from its values."""
    with pytest.raises(UnknownProgramme) as caught:
        get_programme("atp-cergy", 9)
    again = pickle.loads(pickle.dumps(caught.value))
    assert (again.name, again.version, again.known) == ("atp-cergy", 9, "1")
    assert str(again) == str(caught.value)


# -- file names and versions in a catalogue folder ---------------------------------------


def write(folder: Path, file_name: str, text: str = ATP_TEXT) -> Path:
    path = folder / file_name
    path.write_text(text, encoding="utf-8")
    return path


def refused_catalogue(folder: Path) -> InvalidProgramme:
    with pytest.raises(InvalidProgramme) as refused:
        catalogue(folder)
    with pytest.raises(InvalidProgramme):
        get_programme("atp-cergy", folder=folder)
    return refused.value


def test_a_copy_left_at_the_old_version_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "atp-cergy.v1.toml")
    copy = write(tmp_path, "atp-cergy.v2.toml")
    assert_one_line(
        refused_catalogue(tmp_path),
        str(copy),
        "version: is 1 but the file name says 2; set version = 2 or name the file "
        "atp-cergy.v1.toml",
    )
    # `parcours programme validate` reads files the same way, so it refuses the copy too.
    with pytest.raises(InvalidProgramme) as refused:
        load_programme_file(copy)
    assert str(refused.value) == str(refused_catalogue(tmp_path))


def test_a_file_named_for_another_programme_is_refused(tmp_path: Path) -> None:
    misnamed = write(tmp_path, "atp-pontoise.v1.toml")
    assert_one_line(
        refused_catalogue(tmp_path),
        str(misnamed),
        "name: is 'atp-cergy' but the file name says 'atp-pontoise'; "
        'set name = "atp-pontoise" or name the file atp-cergy.v1.toml',
    )


@pytest.mark.parametrize("file_name", ["atp-cergy.toml", "atp-cergy.v01.toml", "ATP.v1.toml"])
def test_a_catalogue_file_not_named_name_v_version_is_refused(
    tmp_path: Path, file_name: str
) -> None:
    write(tmp_path, "atp-cergy.v1.toml")
    odd = write(tmp_path, file_name)
    assert_one_line(
        refused_catalogue(tmp_path),
        str(odd),
        "(file): a programme file is named <name>.v<version>.toml; name this one atp-cergy.v1.toml",
    )


def test_a_draft_named_otherwise_is_only_parsed(tmp_path: Path) -> None:
    assert load_programme_file(write(tmp_path, "draft.toml")) == ATP


def test_two_files_declaring_one_version_are_refused_even_without_the_name_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name check makes this impossible today (one file name per version); the
    catalogue still refuses it should files ever be found another way."""
    import parcours.programmes

    monkeypatch.setattr(parcours.programmes, "check_file_name", lambda path, programme: None)
    first = write(tmp_path, "a.toml")
    second = write(tmp_path, "b.toml")
    assert_one_line(
        refused_catalogue(tmp_path),
        str(second),
        f"version: atp-cergy version 1 is already declared by {first}",
    )


def test_a_catalogue_folder_holds_every_version(tmp_path: Path) -> None:
    write(tmp_path, "atp-cergy.v1.toml")
    write(tmp_path, "atp-cergy.v2.toml", edited("version = 1", "version = 2"))
    found = catalogue(tmp_path)
    assert {name: sorted(versions) for name, versions in found.items()} == {"atp-cergy": [1, 2]}
    assert found["atp-cergy"][1] == ATP
    # the shipped catalogue is untouched by another folder
    assert sorted(catalogue()["atp-cergy"]) == [1]
    assert get_programme("atp-cergy") is ATP


def test_partner_fields_are_the_fields_a_participant_is_sent_with() -> None:
    """A programme may name exactly the fields the pathway can send, no more, no fewer."""
    sent = participant_fields(Participant(first_name="A", last_name="B"))
    assert set(sent) == PARTNER_FIELDS
