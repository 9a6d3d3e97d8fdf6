"""The two instants of an event, and the bounds an effective instant must keep.

Every event has the instant it happened (its effective instant: `--on`, else the date the
command itself carries, else now) and the instant parcours recorded it. The state, the
stage's "since", the alerts and the audit's "as it happened" read the effective one.

An effective instant is refused, naming its bound, when it is:
- after now, beyond `CLOCK_SKEW` (the clocks of the staff's machine and of the service
  may differ by a few minutes; for the same reason, an action dated within `CLOCK_SKEW`
  of now is not "before" an event less than `CLOCK_SKEW` older than it);
- before the current stage began (before the referral, or the re-entry, in the first
  stage): what is entered late is entered in the stage it happened in;
- for a change of stage, before the last event staff recorded: a stage closes on what
  happened in it, so the stages' order and the events' order agree;
- before the event it follows: a barrier's follow-up before its last change, an
  appointment's outcome before the appointment or its scheduling, an alert's handling
  before it was raised or last handled, a consent's change before its last change, a
  French assessment or a referent before the previous one, a training completed before
  it starts.

With these bounds, folding only the events that happened by an instant, in the order they
were recorded, is a pathway the rules accept: what `audit at` answers "as it happened".
The validators ask them (`Pathway.check`); they never run on replay.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from parcours.domain.commands import (
    AcknowledgeAlert,
    AssessFrench,
    AssignReferent,
    Command,
    CompleteTraining,
    GiveConsent,
    ScheduleAppointment,
    SnoozeAlert,
    WithdrawConsent,
    spec_of,
)
from parcours.domain.commands.appointments import AppointmentOutcome
from parcours.domain.commands.barriers import BarrierFollowUp
from parcours.domain.commands.corrections import as_it_stands
from parcours.domain.errors import MoveRefused
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.domain.vocabulary import Role

CLOCK_SKEW = timedelta(minutes=5)
"""How far after now an instant may be: the clocks of two machines rarely agree exactly."""


def effective_instant(command: Command, meta: RequestMeta, now: datetime) -> datetime:
    """When what `command` records happened: its own date, else the request's, else now."""
    return command.happened_at() or meta.effective_at or now


def _day(instant: datetime) -> str:
    return instant.isoformat()


def _refused(code: str, message: str, bound: datetime, **values: str) -> MoveRefused:
    return MoveRefused(
        f"{message} ({_day(bound)})",
        rule="instant_bound",
        code=code,
        values={"bound": _day(bound), **values},
    )


def not_after_now(instant: datetime, now: datetime) -> MoveRefused | None:
    """An instant later than now beyond the allowed clock skew is refused."""
    if instant <= now + CLOCK_SKEW:
        return None
    minutes = str(int(CLOCK_SKEW.total_seconds() // 60))
    return _refused(
        "instant_in_future",
        f"it cannot be dated after now, give or take {minutes} minutes",
        now,
        minutes=minutes,
    )


def check_instants(
    state: PathwayState, command: Command, meta: RequestMeta, now: datetime
) -> MoveRefused | None:
    """The refusal the command's instants earn on this pathway: None when they keep their
    bounds. Asked by `Pathway.check` only (the validators), never on replay."""
    effective = effective_instant(command, meta, now)
    own = command.happened_at()
    if own is not None and meta.effective_at is not None and own != meta.effective_at:
        return _refused(
            "instant_mismatch",
            "the request's date and the command's own date differ; send one date",
            own,
            effective=_day(meta.effective_at),
        )
    # An action dated now (no `--on`) may come from a clock a little behind the one that
    # dated the event before it: within the skew, it is not "before" that event.
    lenient = effective + CLOCK_SKEW if effective >= now - CLOCK_SKEW else effective
    return (
        not_after_now(effective, now)
        or _not_before_stage(state, lenient)
        or _not_before_last_event(state, command, lenient)
        or _not_before_followed(state, command, lenient)
        or _own_dates(state, command, now)
    )


def _not_before_stage(state: PathwayState, effective: datetime) -> MoveRefused | None:
    if effective >= state.stage_since:
        return None
    if state.stage_since <= state.referred_at:
        return _before_entry(state)
    return _refused(
        "instant_before_stage",
        "it cannot be dated before the pathway entered its current stage",
        state.stage_since,
        stage=state.stage.value,
    )


def _before_entry(state: PathwayState) -> MoveRefused:
    """Before the referral, or before the re-entry that restarted the pathway (whose date
    the state's `referred_at` is then)."""
    if state.sessions:
        return _refused(
            "instant_before_reentry", "it cannot be dated before the re-entry", state.referred_at
        )
    return _refused(
        "instant_before_referral", "it cannot be dated before the referral", state.referred_at
    )


def _staff_events(state: PathwayState) -> Iterable[PathwayEvent]:
    return (e for e in as_it_stands(state.timeline) if e.role is not Role.SYSTEM)


def _not_before_last_event(
    state: PathwayState, command: Command, effective: datetime
) -> MoveRefused | None:
    """A change of stage closes the stage: not before anything staff recorded in it."""
    if not spec_of(command.trigger).moves:
        return None
    last = max((e.at for e in _staff_events(state)), default=None)
    if last is None or effective >= last:
        return None
    return _refused(
        "instant_before_last_event",
        "a change of stage cannot be dated before the last event recorded",
        last,
    )


def _last_about(state: PathwayState, key: str, value: str, kinds: Iterable[str] = ()) -> datetime:
    """When the last event about `value` (its `key` detail) happened; the referral if none."""
    wanted = set(kinds)
    instants = [
        e.at
        for e in as_it_stands(state.timeline)
        if e.details.get(key) == value and (not wanted or e.kind in wanted)
    ]
    return max(instants, default=state.referred_at)


def _last_of(state: PathwayState, kind: str) -> datetime:
    return max(
        (e.at for e in as_it_stands(state.timeline) if e.kind == kind), default=state.referred_at
    )


Bound = tuple[str, str, datetime, dict[str, str]]
"""A bound an instant keeps: its code's end, its sentence, the instant, the sentence's values."""


def _not_before_followed(
    state: PathwayState, command: Command, effective: datetime
) -> MoveRefused | None:
    """Not before the event the command follows (see the module's list)."""
    bound = _record_bound(state, command) or _change_bound(state, command)
    if bound is None or effective >= bound[2]:
        return None
    what, message, instant, values = bound
    return _refused(f"instant_before_{what}", message.format(**values), instant, **values)


def _record_bound(state: PathwayState, command: Command) -> Bound | None:
    """A barrier's follow-up, an appointment's outcome, an alert's handling."""
    if isinstance(command, BarrierFollowUp):
        last = _last_about(state, "barrier_id", command.barrier_id)
        message = "barrier {barrier} cannot be followed up before its last change"
        return ("barrier", message, last, {"barrier": command.barrier_id})
    if isinstance(command, AppointmentOutcome):
        return _appointment_bound(state, command.appointment_id)
    if isinstance(command, AcknowledgeAlert | SnoozeAlert):
        raised = _alert_raised(state, command.alert_id)
        last = max(raised, _last_about(state, "alert_id", command.alert_id))
        message = "alert {alert} cannot be handled before it was raised or last handled"
        return ("alert", message, last, {"alert": command.alert_id})
    return None


def _change_bound(state: PathwayState, command: Command) -> Bound | None:
    """A consent's change, a French assessment, a referent: the last one stands."""
    if isinstance(command, GiveConsent | WithdrawConsent):
        kinds = ("consent_given", "consent_withdrawn")
        last = _last_about(state, "partner_kind", command.partner_kind.value, kinds)
        message = "a consent cannot change before its last change"
        return ("consent", message, last, {"partner_kind": command.partner_kind.value})
    if isinstance(command, AssessFrench | AssignReferent):
        kind = "french_assessed" if isinstance(command, AssessFrench) else "referent_assigned"
        message = "it cannot be dated before the previous one"
        return ("previous", message, _last_of(state, kind), {})
    return None


def _alert_raised(state: PathwayState, alert_id: str) -> datetime:
    raised = (a.raised_at for a in state.alerts if a.alert_id == alert_id)
    return max(raised, default=state.referred_at)


def _appointment_bound(
    state: PathwayState, appointment_id: str
) -> tuple[str, str, datetime, dict[str, str]]:
    """An outcome is not before the appointment, nor before it was scheduled."""
    at = next((a.at for a in state.appointments if a.appointment_id == appointment_id), None)
    scheduled = _last_about(state, "appointment_id", appointment_id)
    values = {"appointment": appointment_id}
    if at is not None and at >= scheduled:
        return (
            "appointment",
            "appointment {appointment} cannot have an outcome before it takes place",
            at,
            values,
        )
    return (
        "scheduled",
        "appointment {appointment} cannot have an outcome before it was scheduled",
        scheduled,
        values,
    )


def _own_dates(state: PathwayState, command: Command, now: datetime) -> MoveRefused | None:
    """The other dates a command carries: an appointment, a consent's expiry, a training."""
    if isinstance(command, ScheduleAppointment) and command.at < state.referred_at:
        return _before_entry(state)
    if isinstance(command, GiveConsent) and command.expires_at is not None:
        bound = max(command.given_at, now)
        if command.expires_at <= bound:
            return _refused(
                "consent_expiry_past",
                "a consent must expire after it is given and after now",
                bound,
            )
    if isinstance(command, CompleteTraining):
        training = state.current_training()
        if training is not None and command.completed_at < training.starts_at:
            return _refused(
                "instant_before_training_start",
                "a training cannot be completed before it starts",
                training.starts_at,
                training=training.training_id,
            )
    return None
