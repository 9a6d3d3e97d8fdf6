"""Staff commands and the ONE table that says everything about them.

Each area module holds its commands (frozen dataclasses, wire formats), their effects and
their rows. `SPECS` joins the rows; permissions, the move and record triggers, the event
of each trigger, the programme files' valid triggers, the workflow's updates and the
CLI's lists are all derived from it. To add a command: in its area module, its member in
the area's `Trigger` subclass (its value and the event it records), its dataclass, effect
and row; then its CLI function and its words (the README, "Contributing: adding a staff command").
"""

from __future__ import annotations

from parcours.domain.commands import (
    alerts,
    appointments,
    barriers,
    consent,
    corrections,
    intake,
    lifecycle,
    missions,
    training,
)
from parcours.domain.commands.alerts import (
    AcknowledgeAlert,
    RecordNotificationFailure,
    SnoozeAlert,
)
from parcours.domain.commands.appointments import (
    AttendAppointment,
    MissAppointment,
    ScheduleAppointment,
)
from parcours.domain.commands.barriers import (
    OpenBarrier,
    ResolveBarrier,
    WaiveBarrier,
    WorkOnBarrier,
)
from parcours.domain.commands.base import Command, CommandSpec, Context, Details, Shape
from parcours.domain.commands.consent import GiveConsent, WithdrawConsent
from parcours.domain.commands.corrections import CorrectEvent
from parcours.domain.commands.intake import (
    AssessFrench,
    AssignReferent,
    CompleteIntake,
    RecordContact,
    Refer,
    SignContract,
    StartCoaching,
)
from parcours.domain.commands.lifecycle import DropOut, Exit, ReEnter, Resume, Suspend
from parcours.domain.commands.missions import EndMission, RecordJobDating, StartMission
from parcours.domain.commands.training import CompleteTraining, DropTraining, EnrolTraining
from parcours.domain.vocabulary import EventKind, Trigger

__all__ = [
    "CORRECTION_EVENTS",
    "JOBDATING_TRIGGERS",
    "MOVE_TRIGGERS",
    "RECORD_TRIGGERS",
    "SPECS",
    "STAFF_COMMANDS",
    "AcknowledgeAlert",
    "AssessFrench",
    "AssignReferent",
    "AttendAppointment",
    "Command",
    "CommandSpec",
    "CompleteIntake",
    "CompleteTraining",
    "Context",
    "CorrectEvent",
    "Details",
    "DropOut",
    "DropTraining",
    "EndMission",
    "EnrolTraining",
    "Exit",
    "GiveConsent",
    "MissAppointment",
    "OpenBarrier",
    "ReEnter",
    "RecordContact",
    "RecordJobDating",
    "RecordNotificationFailure",
    "Refer",
    "ResolveBarrier",
    "Resume",
    "ScheduleAppointment",
    "Shape",
    "SignContract",
    "SnoozeAlert",
    "StartCoaching",
    "StartMission",
    "Suspend",
    "WaiveBarrier",
    "WithdrawConsent",
    "WorkOnBarrier",
    "event_named",
    "spec_of",
    "trigger_named",
]

SPECS: tuple[CommandSpec, ...] = (
    *intake.SPECS,
    *barriers.SPECS,
    *missions.SPECS,
    *training.SPECS,
    *appointments.SPECS,
    *consent.SPECS,
    *lifecycle.SPECS,
    *alerts.SPECS,
    *corrections.SPECS,
)
"""The command table: one row per trigger."""

_SPEC_OF: dict[str, CommandSpec] = {row.trigger: row for row in SPECS}
_EVENT_NAMED: dict[str, EventKind] = {
    row.event: row.event for row in SPECS if row.event is not None
}


def spec_of(trigger: str) -> CommandSpec:
    """The row of a trigger (a `Trigger` or its string value)."""
    try:
        return _SPEC_OF[trigger]
    except KeyError:
        raise ValueError(f"{trigger!r} is not a trigger of the command table") from None


def trigger_named(value: str) -> Trigger:
    """The `Trigger` member whose value this is (`Trigger` itself has none: the areas do)."""
    return spec_of(value).trigger


def event_named(value: str) -> EventKind:
    """The `EventKind` whose value this is, from the rows that record one."""
    try:
        return _EVENT_NAMED[value]
    except KeyError:
        raise ValueError(f"{value!r} is not an event kind of the command table") from None


def _triggers(shape: Shape) -> frozenset[Trigger]:
    return frozenset(row.trigger for row in SPECS if row.shape is shape)


MOVE_TRIGGERS = _triggers(Shape.MOVE)
"""Triggers that move a participant between stages (`resume` is derived from `suspend`)."""

RECORD_TRIGGERS = _triggers(Shape.RECORD)
"""Triggers that record something without changing the stage (internal transitions)."""

STAFF_COMMANDS: tuple[type[Command], ...] = tuple(
    dict.fromkeys(
        row.command for row in SPECS if row.command is not None and row.shape is not Shape.START
    )
)
"""Every command that arrives as a workflow update (Refer starts the workflow instead)."""

JOBDATING_TRIGGERS = tuple(row.trigger for row in SPECS if row.command is RecordJobDating)
"""The three triggers of a job dating, one per outcome."""

CORRECTION_EVENTS = frozenset(row.event for row in SPECS if row.shape is Shape.CORRECTION)
"""The events that correct an earlier one (`details["seq"]` names it)."""
