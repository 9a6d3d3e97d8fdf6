"""The one command table: every command has its row, and what is derived from the table
(permissions, reason rule, move and record triggers, events, updates) is what the domain
promised before the table existed, written out here by hand. Each area module declares
its own triggers and event kinds; a new command needs its area module only (and its CLI
function and words, outside the domain)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import tomllib
from datetime import timedelta
from importlib.resources import files
from types import ModuleType

import pytest

from parcours.domain import commands as c
from parcours.domain.commands import (
    MOVE_TRIGGERS,
    RECORD_TRIGGERS,
    SPECS,
    STAFF_COMMANDS,
    Command,
    Shape,
    event_named,
    spec_of,
    trigger_named,
)
from parcours.domain.commands.alerts import AlertTrigger
from parcours.domain.commands.barriers import BarrierTrigger
from parcours.domain.events import EVENT_KINDS, EVENT_OF_TRIGGER
from parcours.domain.guards import GUARDS
from parcours.domain.outcome import criterion_label
from parcours.domain.permissions import PERMISSIONS, REASON_REQUIRED
from parcours.domain.programme import GUARD_NAMES, ProgrammeDefinition
from parcours.domain.vocabulary import (
    BarrierKind,
    ContractType,
    EventKind,
    ExitReason,
    Role,
    Stage,
    Trigger,
)
from tests.domain.helpers import ATP, PROGRAMME_IDS, PROGRAMMES, drive_to
from tests.support import meta

OLD_MOVES = {
    "complete_intake", "sign_contract", "start_coaching", "jobdating_hired",
    "jobdating_training", "jobdating_no_match", "enrol_training", "complete_training",
    "drop_training", "start_mission", "end_mission", "suspend", "drop_out", "reenter", "exit",
}  # fmt: skip
OLD_RECORDS = {
    "assign_referent", "record_contact", "assess_french", "open_barrier", "work_on_barrier",
    "resolve_barrier", "waive_barrier", "schedule_appointment", "attend_appointment",
    "miss_appointment", "give_consent", "withdraw_consent", "acknowledge_alert",
    "snooze_alert", "record_notification_failure",
}  # fmt: skip
OLD_STAFF = (OLD_MOVES | OLD_RECORDS | {"refer", "resume", "retry_notification"}) - {
    "assign_referent",
    "record_notification_failure",
}
OLD_PERMISSIONS = {
    Role.STAFF: OLD_STAFF,
    Role.COORDINATOR: OLD_STAFF | {"assign_referent"},
    Role.PARTNER: {"refer", "record_contact", "start_mission", "end_mission"},
    Role.AUDITOR: set(),
    Role.SYSTEM: {"record_notification_failure"},
}
OLD_EVENTS = {
    "refer": "referred", "complete_intake": "intake_completed",
    "assign_referent": "referent_assigned", "record_contact": "contact_recorded",
    "assess_french": "french_assessed", "open_barrier": "barrier_opened",
    "work_on_barrier": "barrier_worked_on", "resolve_barrier": "barrier_resolved",
    "waive_barrier": "barrier_waived", "sign_contract": "contract_signed",
    "start_coaching": "coaching_started", "jobdating_hired": "jobdating_hired",
    "jobdating_training": "jobdating_oriented_to_training",
    "jobdating_no_match": "jobdating_no_match", "enrol_training": "training_enrolled",
    "complete_training": "training_completed", "drop_training": "training_dropped",
    "start_mission": "mission_started", "end_mission": "mission_ended",
    "schedule_appointment": "appointment_scheduled",
    "attend_appointment": "appointment_attended", "miss_appointment": "appointment_missed",
    "give_consent": "consent_given", "withdraw_consent": "consent_withdrawn",
    "suspend": "suspended", "resume": "resumed", "drop_out": "dropped_out",
    "reenter": "reentered", "exit": "exited", "acknowledge_alert": "alert_acknowledged",
    "snooze_alert": "alert_snoozed", "record_notification_failure": "notification_failed",
    "raise_alert": "alert_raised", "reopen_alert": "alert_reopened",
}  # fmt: skip


def command_classes() -> set[type[Command]]:
    """The commands a request sends: the leaves of `Command`'s tree (a class with
    subclasses, as `BarrierFollowUp`, only gives them the fields they share)."""
    found: set[type[Command]] = set()
    pending = list(Command.__subclasses__())
    while pending:
        cls = pending.pop()
        subclasses = cls.__subclasses__()
        if not subclasses:
            found.add(cls)
        pending.extend(subclasses)
    return found


HELPERS = {"base", "editing", "roles"}
"""The modules every area builds on: the row type, the effects' helpers, the role sets."""
AREAS: list[ModuleType] = [
    importlib.import_module(f"{c.__name__}.{found.name}")
    for found in pkgutil.iter_modules(c.__path__)
    if found.name not in HELPERS
]
"""Every area module of the table, found on disk: a new one is checked without a list."""


def members_declared_in(area: ModuleType) -> set[Trigger]:
    """The members of the `Trigger` subclasses the area module itself declares."""
    return {
        member
        for value in vars(area).values()
        if isinstance(value, type)
        and issubclass(value, Trigger)
        and value.__module__ == area.__name__
        for member in value
    }


def all_triggers() -> list[Trigger]:
    return [member for area_enum in Trigger.__subclasses__() for member in area_enum]


def test_one_row_per_trigger_and_the_table_joins_every_area() -> None:
    triggers = [row.trigger for row in SPECS]
    assert len(triggers) == len(set(triggers))
    assert set(triggers) >= set(OLD_EVENTS) | {"retry_notification"}
    assert sorted(area.__name__.rpartition(".")[2] for area in AREAS) == [
        "alerts", "appointments", "barriers", "consent", "corrections", "intake", "lifecycle",
        "missions", "training",
    ]  # fmt: skip
    from_areas = [row for area in AREAS for row in area.SPECS]
    assert len(SPECS) == len(from_areas)
    assert set(SPECS) == set(from_areas)


def test_each_area_declares_exactly_the_triggers_of_its_own_rows_and_their_events() -> None:
    for area in AREAS:
        declared = members_declared_in(area)
        assert declared == {row.trigger for row in area.SPECS}, area
        events = {row.event for row in area.SPECS if row.event is not None}
        assert {t.records for t in declared if t.records is not None} == events, area


def test_the_area_enums_are_the_whole_vocabulary_and_no_value_is_declared_twice() -> None:
    """`Trigger` has no members of its own: its subclasses, one in each area module, are
    every trigger there is, and each names the event it records (all but a service)."""
    assert not list(Trigger)
    triggers = all_triggers()
    events = [t.records for t in triggers if t.records is not None]
    assert len({str(t) for t in triggers}) == len(triggers)
    assert len(set(events)) == len(events)
    assert all(isinstance(e, EventKind) for e in events)
    assert set(triggers) == {row.trigger for row in SPECS}
    assert set(events) == EVENT_KINDS
    assert [t for t in triggers if t.records is None] == ["retry_notification"]
    with pytest.raises(ValueError, match="'retry_notification' records no event"):
        _ = AlertTrigger.RETRY_NOTIFICATION.event
    assert {enum.__module__ for enum in Trigger.__subclasses__()} == {a.__name__ for a in AREAS}


def catalogue_file(lang: str) -> dict[str, object]:
    return tomllib.loads((files("parcours.locale") / f"{lang}.toml").read_text("utf-8"))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_trigger_and_event_of_the_table_has_its_words(lang: str) -> None:
    """What the CLI shows of a command: `action.<trigger>` for what someone may send (the
    allowed-action lists, refusals), `event.<kind>` for the timeline."""
    words = catalogue_file(lang)
    wanted = {f"action.{row.trigger}" for row in SPECS if row.roles}
    wanted |= {f"event.{row.event}" for row in SPECS if row.event is not None}
    assert sorted(wanted - set(words)) == []


def test_every_command_class_has_exactly_one_row_but_job_dating_and_corrections() -> None:
    """A job dating has one row per outcome; a correction one for a void, one to restate."""
    rows_of: dict[type[Command], int] = {}
    for row in SPECS:
        if row.command is not None:
            rows_of[row.command] = rows_of.get(row.command, 0) + 1
    assert set(rows_of) == command_classes()
    for shared in {cls for row in rows_of for cls in row.__mro__[1:]} - {Command, object}:
        assert "TRIGGER" not in vars(shared), shared  # a base of commands sends nothing
    assert rows_of.pop(c.RecordJobDating) == 3
    assert rows_of.pop(c.CorrectEvent) == 2
    assert set(rows_of.values()) == {1}
    for row in SPECS:
        if row.command is not None and row.command not in (c.RecordJobDating, c.CorrectEvent):
            assert row.command.TRIGGER is row.trigger


def test_a_row_with_a_command_has_an_effect_and_an_event_and_the_others_none() -> None:
    for row in SPECS:
        if row.command is None:
            assert row.effect is None
            assert row.shape in (Shape.AUTOMATIC, Shape.SERVICE)
        else:
            assert row.effect is not None
            assert row.event is not None
            assert row.shape not in (Shape.AUTOMATIC, Shape.SERVICE)


def test_the_derived_sets_are_the_ones_written_by_hand_before() -> None:
    """For every trigger that existed before the table, what the table derives is what was
    written by hand; a command added since is free to have its own row."""
    old = set(OLD_EVENTS) | {"retry_notification"}
    assert MOVE_TRIGGERS & old == OLD_MOVES
    assert RECORD_TRIGGERS & old == OLD_RECORDS
    derived = {role: set(triggers) & old for role, triggers in PERMISSIONS.items()}
    assert derived == OLD_PERMISSIONS
    assert {"waive_barrier", "suspend", "drop_out", "exit", "reenter"} == REASON_REQUIRED & old
    assert {t: e for t, e in EVENT_OF_TRIGGER.items() if t in old} == OLD_EVENTS
    assert EVENT_KINDS == {t.records for t in all_triggers()} - {None} >= set(OLD_EVENTS.values())
    assert set(GUARDS) == GUARD_NAMES
    assert {cls.__name__ for cls in STAFF_COMMANDS} == {
        cls.__name__ for cls in command_classes() if cls is not c.Refer
    }


def test_triggers_and_event_kinds_are_the_strings_they_always_were() -> None:
    assert trigger_named("open_barrier") is BarrierTrigger.OPEN_BARRIER
    assert isinstance(BarrierTrigger.OPEN_BARRIER, Trigger)
    assert f"{BarrierTrigger.OPEN_BARRIER}" == "open_barrier"
    assert c.OpenBarrier(BarrierKind.HOUSING).trigger == "open_barrier"
    assert spec_of("open_barrier") is spec_of(BarrierTrigger.OPEN_BARRIER)
    assert event_named("barrier_opened") is BarrierTrigger.OPEN_BARRIER.event
    assert isinstance(BarrierTrigger.OPEN_BARRIER.event, EventKind)
    assert BarrierTrigger.OPEN_BARRIER.event == "barrier_opened"
    assert spec_of("open_barrier").event is BarrierTrigger.OPEN_BARRIER.event
    for unknown in (trigger_named, event_named, spec_of):
        with pytest.raises(ValueError, match="'open_door'"):
            unknown("open_door")


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_every_trigger_of_every_programme_file_is_a_move_or_a_record_of_the_table(
    programme: ProgrammeDefinition,
) -> None:
    for move in programme.moves:
        assert spec_of(move.trigger).shape in (Shape.MOVE, Shape.RECORD)
        assert (move.dest is not None) is (spec_of(move.trigger).shape is Shape.MOVE)


def test_a_positive_exit_keeps_which_criterion_held_to_name_it_in_either_language() -> None:
    pathway, now = drive_to(ATP, Stage.AWAITING_MISSION)
    hired = c.StartMission("", "Hypermarché", now, ContractType.PERMANENT, 35)
    pathway.execute(hired, meta(), now)
    exited = now + timedelta(days=420)
    pathway.execute(c.Exit(ExitReason.EMPLOYMENT, exited), meta(reason="hired"), exited)
    outcome = pathway.state.outcome
    assert outcome is not None
    assert outcome.criterion is not None
    criterion = ATP.outcome.positive_if_any[outcome.criterion]
    assert criterion_label(ATP, outcome.criterion, "en") == outcome.rule_label
    assert criterion_label(ATP, outcome.criterion, "fr") == criterion.label.fr
    assert criterion_label(ATP, None, "fr") == ""


def test_importing_the_domain_leaves_the_transitions_logger_alone() -> None:
    code = "import logging, parcours.domain.pathway;print(logging.getLogger('transitions').level)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(0)
