"""The one command table: every command has its row, and what is derived from the table
(permissions, reason rule, move and record triggers, events, updates) is what the domain
promised before the table existed, written out here by hand."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.commands import (
    MOVE_TRIGGERS,
    RECORD_TRIGGERS,
    SPECS,
    STAFF_COMMANDS,
    Command,
    Shape,
    spec_of,
)
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
    found: set[type[Command]] = set()
    pending = list(Command.__subclasses__())
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_one_row_per_trigger_and_every_trigger_has_a_row() -> None:
    triggers = [row.trigger for row in SPECS]
    assert len(triggers) == len(set(triggers))
    assert set(triggers) == set(Trigger)


def test_every_command_class_has_exactly_one_row_but_job_dating_one_per_outcome() -> None:
    rows_of: dict[type[Command], int] = {}
    for row in SPECS:
        if row.command is not None:
            rows_of[row.command] = rows_of.get(row.command, 0) + 1
    assert set(rows_of) == command_classes()
    assert rows_of.pop(c.RecordJobDating) == 3
    assert set(rows_of.values()) == {1}
    for row in SPECS:
        if row.command is not None and row.command is not c.RecordJobDating:
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
    assert MOVE_TRIGGERS == OLD_MOVES
    assert RECORD_TRIGGERS == OLD_RECORDS
    assert {role: set(triggers) for role, triggers in PERMISSIONS.items()} == OLD_PERMISSIONS
    assert {"waive_barrier", "suspend", "drop_out", "exit", "reenter"} == REASON_REQUIRED
    assert EVENT_OF_TRIGGER == OLD_EVENTS
    assert EVENT_KINDS == set(EventKind) == set(OLD_EVENTS.values())
    assert set(GUARDS) == GUARD_NAMES
    assert {cls.__name__ for cls in STAFF_COMMANDS} == {
        cls.__name__ for cls in command_classes() if cls is not c.Refer
    }


def test_triggers_and_event_kinds_are_the_strings_they_always_were() -> None:
    assert Trigger("open_barrier") == "open_barrier"
    assert f"{Trigger.OPEN_BARRIER}" == "open_barrier"
    assert c.OpenBarrier(BarrierKind.HOUSING).trigger == "open_barrier"
    assert spec_of("open_barrier") is spec_of(Trigger.OPEN_BARRIER)


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
