"""What each command records in the state, once the machine has accepted the move.

A dict from command type to handler, so routing is data. Handlers return the event's
details: ids, kinds and dates only, never free text about the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parcours.domain import commands as c
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.outcome import classify_exit
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import (
    Alert,
    Appointment,
    Barrier,
    Consent,
    ExitOutcome,
    JobDating,
    Mission,
    PathwayState,
    RequestMeta,
    Training,
)
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    AppointmentStatus,
    BarrierStatus,
    Stage,
)


@dataclass(frozen=True)
class Context:
    programme: ProgrammeDefinition
    meta: RequestMeta
    now: datetime
    before: Stage


Details = dict[str, str]
Handler = Callable[[PathwayState, Any, Context], Details]


def _iso(instant: datetime | None) -> str:
    return "" if instant is None else instant.isoformat()


def _touch(state: PathwayState, instant: datetime) -> None:
    """A meeting with the person: resets the no-contact clock."""
    if state.last_contact_at is None or instant > state.last_contact_at:
        state.last_contact_at = instant


def find_barrier(state: PathwayState, barrier_id: str) -> Barrier:
    for barrier in state.barriers:
        if barrier.barrier_id == barrier_id:
            return barrier
    listed = ", ".join(b.barrier_id for b in state.barriers)
    raise UnknownReference(
        f"no barrier {barrier_id!r} on this pathway (barriers: {listed or 'none yet'})",
        code="unknown_barrier",
        values={"barrier": barrier_id, "known": listed},
    )


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


def find_alert(state: PathwayState, alert_id: str) -> Alert:
    for alert in state.alerts:
        if alert.alert_id == alert_id:
            return alert
    raise UnknownReference(
        f"no alert {alert_id!r} on this pathway",
        code="unknown_alert",
        values={"alert": alert_id},
    )


def _intake(state: PathwayState, cmd: c.CompleteIntake, ctx: Context) -> Details:
    state.intake_completed_at = cmd.presented_at
    state.eligibility_criteria_met = list(cmd.criteria_met)
    _touch(state, cmd.presented_at)
    accompaniment = ctx.programme.accompaniment
    if accompaniment is not None and accompaniment.starts_on == "intake_completed":
        state.accompaniment_starts_at = cmd.presented_at
    return {"presented_at": _iso(cmd.presented_at)}


def _assign(state: PathwayState, cmd: c.AssignReferent, ctx: Context) -> Details:
    state.referent = cmd.referent
    return {"referent": cmd.referent}


def _contact(state: PathwayState, cmd: c.RecordContact, ctx: Context) -> Details:
    _touch(state, cmd.contacted_at)
    return {"contacted_at": _iso(cmd.contacted_at)}


def _french(state: PathwayState, cmd: c.AssessFrench, ctx: Context) -> Details:
    state.french_level = cmd.level
    return {"level": cmd.level.value}


def _open_barrier(state: PathwayState, cmd: c.OpenBarrier, ctx: Context) -> Details:
    barrier_id = f"b{len(state.barriers) + 1}"
    state.barriers.append(
        Barrier(barrier_id, cmd.kind, BarrierStatus.OPEN, ctx.now, aid_requested=cmd.aid_requested)
    )
    return {"barrier_id": barrier_id, "kind": cmd.kind.value, "aid": str(cmd.aid_requested)}


def _work_barrier(state: PathwayState, cmd: c.WorkOnBarrier, ctx: Context) -> Details:
    barrier = find_barrier(state, cmd.barrier_id)
    barrier.status = BarrierStatus.IN_PROGRESS
    return {"barrier_id": barrier.barrier_id, "kind": barrier.kind.value}


def _resolve_barrier(state: PathwayState, cmd: c.ResolveBarrier, ctx: Context) -> Details:
    barrier = find_barrier(state, cmd.barrier_id)
    barrier.status, barrier.closed_at = BarrierStatus.RESOLVED, ctx.now
    return {"barrier_id": barrier.barrier_id, "kind": barrier.kind.value}


def _waive_barrier(state: PathwayState, cmd: c.WaiveBarrier, ctx: Context) -> Details:
    barrier = find_barrier(state, cmd.barrier_id)
    barrier.status, barrier.closed_at = BarrierStatus.WAIVED, ctx.now
    barrier.waiver_reason = ctx.meta.reason
    return {"barrier_id": barrier.barrier_id, "kind": barrier.kind.value}


def _contract(state: PathwayState, cmd: c.SignContract, ctx: Context) -> Details:
    state.contract_signed_at = cmd.signed_at
    _touch(state, cmd.signed_at)
    accompaniment = ctx.programme.accompaniment
    if accompaniment is not None and accompaniment.starts_on == "contract_signed":
        state.accompaniment_starts_at = cmd.signed_at
    return {"signed_at": _iso(cmd.signed_at)}


def _coaching(state: PathwayState, cmd: c.StartCoaching, ctx: Context) -> Details:
    _touch(state, cmd.started_at)
    return {"started_at": _iso(cmd.started_at)}


def _jobdating(state: PathwayState, cmd: c.RecordJobDating, ctx: Context) -> Details:
    state.job_datings.append(JobDating(cmd.held_at, cmd.outcome, cmd.agency))
    _touch(state, cmd.held_at)
    return {"outcome": cmd.outcome.value, "agency": cmd.agency, "held_at": _iso(cmd.held_at)}


def _enrol(state: PathwayState, cmd: c.EnrolTraining, ctx: Context) -> Details:
    training_id = f"t{len(state.trainings) + 1}"
    state.trainings.append(
        Training(
            training_id,
            cmd.title,
            cmd.provider,
            cmd.starts_at,
            cmd.ends_at,
            paid=cmd.paid,
            diploma_module=cmd.diploma_module,
        )
    )
    _touch(state, ctx.now)
    return {
        "training_id": training_id,
        "provider": cmd.provider,
        "starts_at": _iso(cmd.starts_at),
        "ends_at": _iso(cmd.ends_at),
    }


def _complete_training(state: PathwayState, cmd: c.CompleteTraining, ctx: Context) -> Details:
    training = state.current_training()
    assert training is not None  # the machine only allows this from the training stage
    training.completed_at = cmd.completed_at
    return {"training_id": training.training_id}


def _drop_training(state: PathwayState, cmd: c.DropTraining, ctx: Context) -> Details:
    training = state.current_training()
    assert training is not None
    training.dropped_at = cmd.dropped_at
    return {"training_id": training.training_id}


def _start_mission(state: PathwayState, cmd: c.StartMission, ctx: Context) -> Details:
    mission_id = f"m{len(state.missions) + 1}"
    state.missions.append(
        Mission(
            mission_id,
            cmd.agency,
            cmd.employer,
            cmd.starts_at,
            cmd.contract_type,
            cmd.weekly_hours,
            ends_at=cmd.ends_at,
            sector_hiring=cmd.sector_hiring,
        )
    )
    _touch(state, cmd.starts_at)
    return {
        "mission_id": mission_id,
        "contract_type": cmd.contract_type.value,
        "agency": cmd.agency,
        "employer": cmd.employer,
        "starts_at": _iso(cmd.starts_at),
        "ends_at": _iso(cmd.ends_at),
    }


def _end_mission(state: PathwayState, cmd: c.EndMission, ctx: Context) -> Details:
    mission = state.current_mission()
    assert mission is not None
    mission.ended_at = cmd.ended_at
    return {"mission_id": mission.mission_id}


def _schedule(state: PathwayState, cmd: c.ScheduleAppointment, ctx: Context) -> Details:
    appointment_id = f"a{len(state.appointments) + 1}"
    state.appointments.append(
        Appointment(appointment_id, cmd.at, cmd.kind, cmd.place, late_slot=cmd.late_slot)
    )
    return {
        "appointment_id": appointment_id,
        "kind": cmd.kind.value,
        "place": cmd.place.value,
        "at": _iso(cmd.at),
    }


def _attend(state: PathwayState, cmd: c.AttendAppointment, ctx: Context) -> Details:
    appointment = find_appointment(state, cmd.appointment_id)
    appointment.status, appointment.recorded_at = AppointmentStatus.ATTENDED, ctx.now
    _touch(state, appointment.at)
    return {"appointment_id": appointment.appointment_id}


def _miss(state: PathwayState, cmd: c.MissAppointment, ctx: Context) -> Details:
    appointment = find_appointment(state, cmd.appointment_id)
    appointment.status, appointment.recorded_at = AppointmentStatus.MISSED, ctx.now
    return {"appointment_id": appointment.appointment_id}


def _give_consent(state: PathwayState, cmd: c.GiveConsent, ctx: Context) -> Details:
    state.consents = [x for x in state.consents if x.partner_kind != cmd.partner_kind]
    state.consents.append(Consent(cmd.partner_kind, cmd.given_at, expires_at=cmd.expires_at))
    return {"partner_kind": cmd.partner_kind.value, "expires_at": _iso(cmd.expires_at)}


def _withdraw_consent(state: PathwayState, cmd: c.WithdrawConsent, ctx: Context) -> Details:
    for consent in state.consents:
        if consent.partner_kind == cmd.partner_kind and consent.withdrawn_at is None:
            consent.withdrawn_at = cmd.withdrawn_at
    return {"partner_kind": cmd.partner_kind.value}


def _suspend(state: PathwayState, cmd: c.Suspend, ctx: Context) -> Details:
    state.suspended_from = ctx.before
    return {"from": ctx.before.value}


def _resume(state: PathwayState, cmd: c.Resume, ctx: Context) -> Details:
    state.suspended_from = None
    _touch(state, cmd.resumed_at)
    return {"to": state.stage.value}


def _drop_out(state: PathwayState, cmd: c.DropOut, ctx: Context) -> Details:
    """Dropping out closes what was under way, so no stale alert or rule outlives it."""
    state.suspended_from = None
    details = {"from": ctx.before.value}
    training = state.current_training()
    if training is not None:
        training.dropped_at = cmd.noticed_at
        details["training_id"] = training.training_id
    mission = state.current_mission()
    if mission is not None:
        mission.ended_at = cmd.noticed_at
        details["mission_id"] = mission.mission_id
    return details


def _reenter(state: PathwayState, cmd: c.ReEnter, ctx: Context) -> Details:
    state.sessions.append(state.session)
    state.session = cmd.session
    state.referred_at = cmd.reentered_at
    state.intake_completed_at = None
    return {"session": cmd.session}


def _exit(state: PathwayState, cmd: c.Exit, ctx: Context) -> Details:
    positive, label = classify_exit(state, ctx.programme, cmd.exited_at)
    state.outcome = ExitOutcome(cmd.reason, positive, label, cmd.exited_at)
    return {"reason": cmd.reason.value, "positive": str(positive), "rule": label}


def _ack(state: PathwayState, cmd: c.AcknowledgeAlert, ctx: Context) -> Details:
    alert = find_alert(state, cmd.alert_id)
    alert.status, alert.snoozed_until = AlertStatus.ACKNOWLEDGED, None
    alert.handled_by, alert.handled_at = ctx.meta.actor.actor_id, ctx.now
    return {"alert_id": alert.alert_id, "rule": alert.rule.value}


def _snooze(state: PathwayState, cmd: c.SnoozeAlert, ctx: Context) -> Details:
    alert = find_alert(state, cmd.alert_id)
    alert.status, alert.snoozed_until = AlertStatus.SNOOZED, cmd.until
    alert.handled_by, alert.handled_at = ctx.meta.actor.actor_id, ctx.now
    return {"alert_id": alert.alert_id, "until": _iso(cmd.until)}


def _notification_failed(
    state: PathwayState, cmd: c.RecordNotificationFailure, ctx: Context
) -> Details:
    alert_id = f"{AlertRule.NOTIFICATION_FAILED.value}:{cmd.notification_key}"
    if all(a.alert_id != alert_id for a in state.alerts):
        state.alerts.append(
            Alert(
                alert_id,
                AlertRule.NOTIFICATION_FAILED,
                cmd.partner_kind.value,
                cmd.failed_at,
                ctx.now,
                AlertAudience.COORDINATOR,
            )
        )
    return {"alert_id": alert_id, "partner_kind": cmd.partner_kind.value}


EFFECTS: dict[type[c.Command], Handler] = {
    c.CompleteIntake: _intake,
    c.AssignReferent: _assign,
    c.RecordContact: _contact,
    c.AssessFrench: _french,
    c.OpenBarrier: _open_barrier,
    c.WorkOnBarrier: _work_barrier,
    c.ResolveBarrier: _resolve_barrier,
    c.WaiveBarrier: _waive_barrier,
    c.SignContract: _contract,
    c.StartCoaching: _coaching,
    c.RecordJobDating: _jobdating,
    c.EnrolTraining: _enrol,
    c.CompleteTraining: _complete_training,
    c.DropTraining: _drop_training,
    c.StartMission: _start_mission,
    c.EndMission: _end_mission,
    c.ScheduleAppointment: _schedule,
    c.AttendAppointment: _attend,
    c.MissAppointment: _miss,
    c.GiveConsent: _give_consent,
    c.WithdrawConsent: _withdraw_consent,
    c.Suspend: _suspend,
    c.Resume: _resume,
    c.DropOut: _drop_out,
    c.ReEnter: _reenter,
    c.Exit: _exit,
    c.AcknowledgeAlert: _ack,
    c.SnoozeAlert: _snooze,
    c.RecordNotificationFailure: _notification_failed,
}


def _open_barrier_ref(state: PathwayState, barrier_id: str) -> Barrier:
    barrier = find_barrier(state, barrier_id)
    if barrier.status in (BarrierStatus.RESOLVED, BarrierStatus.WAIVED):
        raise MoveRefused(
            f"barrier {barrier_id} is already {barrier.status.value}; open a new one if needed",
            rule="barrier_closed",
            code="barrier_closed",
            values={"barrier": barrier_id, "barrier_status": barrier.status.value},
        )
    return barrier


def _scheduled_ref(state: PathwayState, appointment_id: str) -> Appointment:
    appointment = find_appointment(state, appointment_id)
    if appointment.status is not AppointmentStatus.SCHEDULED:
        raise MoveRefused(
            f"appointment {appointment_id} is already recorded as {appointment.status.value}",
            rule="appointment_recorded",
            code="appointment_recorded",
            values={
                "appointment": appointment_id,
                "appointment_status": appointment.status.value,
            },
        )
    return appointment


def _open_alert_ref(state: PathwayState, alert_id: str) -> Alert:
    alert = find_alert(state, alert_id)
    if alert.status is AlertStatus.ACKNOWLEDGED:
        raise MoveRefused(
            f"alert {alert_id} is already acknowledged",
            rule="alert_acknowledged",
            code="alert_acknowledged",
            values={"alert": alert_id},
        )
    return alert


REFERENCES: dict[type[c.Command], Callable[[PathwayState, Any], object]] = {
    c.WorkOnBarrier: lambda s, cmd: _open_barrier_ref(s, cmd.barrier_id),
    c.ResolveBarrier: lambda s, cmd: _open_barrier_ref(s, cmd.barrier_id),
    c.WaiveBarrier: lambda s, cmd: _open_barrier_ref(s, cmd.barrier_id),
    c.AttendAppointment: lambda s, cmd: _scheduled_ref(s, cmd.appointment_id),
    c.MissAppointment: lambda s, cmd: _scheduled_ref(s, cmd.appointment_id),
    c.AcknowledgeAlert: lambda s, cmd: _open_alert_ref(s, cmd.alert_id),
    c.SnoozeAlert: lambda s, cmd: _open_alert_ref(s, cmd.alert_id),
}
"""Checks run before a move is accepted, so an unknown or closed id never reaches history."""
