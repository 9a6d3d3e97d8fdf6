"""Appointments: scheduled, then recorded as attended or missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from parcours.domain.commands.base import (
    Command,
    CommandSpec,
    Context,
    Details,
    Shape,
    iso,
    spec,
    touch,
)
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.records import Appointment, PathwayState
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    AppointmentStatus,
    EventKind,
    Trigger,
)


@dataclass(frozen=True)
class ScheduleAppointment(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.SCHEDULE_APPOINTMENT
    at: datetime
    kind: AppointmentKind
    place: AppointmentPlace
    late_slot: bool = False


@dataclass(frozen=True)
class AttendAppointment(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.ATTEND_APPOINTMENT
    appointment_id: str


@dataclass(frozen=True)
class MissAppointment(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.MISS_APPOINTMENT
    appointment_id: str


def find_appointment(state: PathwayState, appointment_id: str) -> Appointment:
    for appointment in state.appointments:
        if appointment.appointment_id == appointment_id:
            return appointment
    listed = ", ".join(a.appointment_id for a in state.appointments)
    raise UnknownReference(
        f"no appointment {appointment_id!r} on this pathway (appointments: {listed or 'none yet'})",
        code="unknown_appointment",
        values={"appointment": appointment_id, "known": listed},
    )


def scheduled_appointment_of(
    state: PathwayState, cmd: AttendAppointment | MissAppointment
) -> Appointment:
    """The appointment the command names, not yet recorded: an outcome is recorded once."""
    appointment = find_appointment(state, cmd.appointment_id)
    if appointment.status is not AppointmentStatus.SCHEDULED:
        raise MoveRefused(
            f"appointment {cmd.appointment_id} is already recorded as {appointment.status.value}",
            rule="appointment_recorded",
            code="appointment_recorded",
            values={
                "appointment": cmd.appointment_id,
                "appointment_status": appointment.status.value,
            },
        )
    return appointment


def _schedule(state: PathwayState, cmd: ScheduleAppointment, ctx: Context) -> Details:
    appointment_id = f"a{len(state.appointments) + 1}"
    state.appointments.append(
        Appointment(appointment_id, cmd.at, cmd.kind, cmd.place, late_slot=cmd.late_slot)
    )
    return {
        "appointment_id": appointment_id,
        "kind": cmd.kind.value,
        "place": cmd.place.value,
        "at": iso(cmd.at),
    }


def _outcome(
    state: PathwayState, cmd: AttendAppointment | MissAppointment, ctx: Context
) -> Details:
    appointment = find_appointment(state, cmd.appointment_id)
    appointment.recorded_at = ctx.now
    if isinstance(cmd, AttendAppointment):
        appointment.status = AppointmentStatus.ATTENDED
        touch(state, appointment.at)
    else:
        appointment.status = AppointmentStatus.MISSED
    return {"appointment_id": appointment.appointment_id}


SPECS: tuple[CommandSpec, ...] = (
    spec(ScheduleAppointment, EventKind.APPOINTMENT_SCHEDULED, Shape.RECORD, _schedule),
    spec(
        AttendAppointment,
        EventKind.APPOINTMENT_ATTENDED,
        Shape.RECORD,
        _outcome,
        reference=scheduled_appointment_of,
    ),
    spec(
        MissAppointment,
        EventKind.APPOINTMENT_MISSED,
        Shape.RECORD,
        _outcome,
        reference=scheduled_appointment_of,
    ),
)
