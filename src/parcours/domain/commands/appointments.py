"""Appointments: scheduled, then recorded as attended or missed."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter

from parcours.domain.commands.base import Command, Context, Details, Subject, record
from parcours.domain.commands.editing import already_closed, find_by_id, iso, next_id, touch
from parcours.domain.records import Appointment, PathwayState
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    AppointmentStatus,
    Trigger,
)


def same_time(state: PathwayState, appointment_id: str) -> list[Appointment]:
    """The other appointments still to come at the time of `appointment_id`: one typed
    twice, as often as not (staff are told of it)."""
    at = {a.at for a in state.appointments if a.appointment_id == appointment_id}
    return [
        a
        for a in state.appointments
        if a.at in at
        and a.appointment_id != appointment_id
        and a.status is AppointmentStatus.SCHEDULED
    ]


class AppointmentTrigger(Trigger):
    SCHEDULE_APPOINTMENT = "schedule_appointment", "appointment_scheduled"
    ATTEND_APPOINTMENT = "attend_appointment", "appointment_attended"
    MISS_APPOINTMENT = "miss_appointment", "appointment_missed"


class ScheduleAppointment(Command, trigger=AppointmentTrigger.SCHEDULE_APPOINTMENT):
    at: datetime
    kind: AppointmentKind
    place: AppointmentPlace
    late_slot: bool = False


class AppointmentOutcome(Command):
    """A command recording how a scheduled appointment went: it names the appointment."""

    appointment_id: str


class AttendAppointment(AppointmentOutcome, trigger=AppointmentTrigger.ATTEND_APPOINTMENT):
    """The person came."""


class MissAppointment(AppointmentOutcome, trigger=AppointmentTrigger.MISS_APPOINTMENT):
    """The person did not come."""


def find_appointment(state: PathwayState, appointment_id: str) -> Appointment:
    return find_by_id(
        state.appointments, attrgetter("appointment_id"), appointment_id, "appointment"
    )


def scheduled_appointment_of(state: PathwayState, cmd: AppointmentOutcome) -> Appointment:
    """The appointment the command names, not yet recorded: an outcome is recorded once."""
    appointment = find_appointment(state, cmd.appointment_id)
    if appointment.status is not AppointmentStatus.SCHEDULED:
        status, wanted = appointment.status, cmd.appointment_id
        message = f"appointment {wanted} is already recorded as {status.value}"
        raise already_closed("appointment", wanted, status, "appointment_recorded", message)
    return appointment


SCHEDULED_APPOINTMENT = Subject(
    scheduled_appointment_of,
    lambda s: any(a.status is AppointmentStatus.SCHEDULED for a in s.appointments),
)


def _schedule(state: PathwayState, cmd: ScheduleAppointment, ctx: Context) -> Details:
    appointment_id = next_id("a", state.appointments)
    state.appointments.append(
        Appointment(appointment_id, cmd.at, cmd.kind, cmd.place, late_slot=cmd.late_slot)
    )
    return {
        "appointment_id": appointment_id,
        "kind": cmd.kind.value,
        "place": cmd.place.value,
        "at": iso(cmd.at),
    }


def _outcome(state: PathwayState, cmd: AppointmentOutcome, ctx: Context) -> Details:
    appointment = find_appointment(state, cmd.appointment_id)
    appointment.recorded_at = ctx.now
    if isinstance(cmd, AttendAppointment):
        appointment.status = AppointmentStatus.ATTENDED
        touch(state, appointment.at)
    else:
        appointment.status = AppointmentStatus.MISSED
    return {"appointment_id": appointment.appointment_id}


SPECS = (
    record(ScheduleAppointment, _schedule, creates="appointment_id"),
    record(AttendAppointment, _outcome, reference=SCHEDULED_APPOINTMENT),
    record(MissAppointment, _outcome, reference=SCHEDULED_APPOINTMENT),
)
