"""Corrections: voiding an event recorded by mistake, or restating its date, by running the
pathway again from its referral (`refold.py`).

The timeline is never rewritten: the corrected event stays as it was recorded, and the
correction is an event of its own that names it (`corrections_of` pairs them for the
timeline and the trail). The state, on the other hand, becomes what it would be had the
mistake never been made: every command the pathway kept (`PathwayState.applied`) runs
again, in order and at the instant it first ran, on a fresh pathway, without the voided
event or with the restated date; alerts raised or reopened by the pathway are re-applied
as they were. A later event that is then refused, or that would record something else
(another kind or details, or a move landing in another stage), depends on the corrected
one: the correction is refused, naming every such event, and changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from parcours.domain.commands import CORRECTION_EVENTS, CorrectEvent, Shape
from parcours.domain.commands.corrections import (
    CorrectionTrigger,
    restated_instants,
    voided_seqs,
    voided_with,
)
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.entries import referral_command
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.domain.refold import ROW_OF_EVENT, Start, refold
from parcours.domain.vocabulary import Role

CORRECTABLE = frozenset({Shape.MOVE, Shape.RECORD, Shape.RESUME})
"""What people recorded may be corrected. Not the referral (a pathway opened by mistake is
closed, not emptied), nor what the pathway recorded itself (alerts raised or reopened,
notification failures: correct the event that caused them), nor a correction."""


def corrected_state(
    state: PathwayState,
    start: Start,
    command: CorrectEvent,
    meta: RequestMeta,
    now: datetime | None,
) -> PathwayState:
    """The state once `command` is applied (its own event not yet recorded); a
    `DomainError` naming the rule when it may not be. It lists no allowed actions: what
    mends a refused correction is another correction (of the events it names, or to
    another date), not a step of the pathway."""
    event = check_correctable(state, command, meta, now)
    voided, restated = voided_seqs(state.timeline), restated_instants(state.timeline)
    corrected = command.seq
    if command.restated_at is None:
        voided = voided_with(state.timeline, command.seq)
        if undoes_a_void(event, command):  # the event it voided runs again, or is refused
            corrected = int(event.details["seq"])
    else:
        restated[command.seq] = command.restated_at
    return refold(state, start, voided, restated, corrected=corrected)


def undoes_a_void(event: PathwayEvent, command: CorrectEvent) -> bool:
    """Whether `command` voids `event`, a void of an event people recorded: the void is
    undone and that event counts again. A trial voided a training drop by mistake on an
    exited pathway, which no new entry could record again. An undoing is not undone in
    turn (void the event again instead), nor is a void restated."""
    return (
        command.restated_at is None
        and event.kind == CorrectionTrigger.VOID_EVENT.event
        and event.details.get("event", "") not in CORRECTION_EVENTS
    )


def check_correctable(
    state: PathwayState, command: CorrectEvent, meta: RequestMeta, now: datetime | None
) -> PathwayEvent:
    """The event `command` corrects, if this request may correct it."""
    if not meta.reason.strip():
        why = f"{command.trigger.replace('_', ' ')} needs a reason; give one with the request"
        raise MoveRefused(
            why, rule="reason_required", code="reason_required", values={"trigger": command.trigger}
        )
    event = _event(state, command.seq)
    if event.kind == LifecycleTrigger.REFER_AGAIN.event:
        raise _refused(
            "correction_return",
            event,
            "(a return) cannot be corrected: it goes with the new pathway's referral, which "
            "cannot be corrected either (a pathway opened by mistake is exited, with a reason)",
        )
    row = ROW_OF_EVENT.get(event.kind)
    people = row is not None and row.shape in CORRECTABLE and not row.roles <= {Role.SYSTEM}
    if not (people or undoes_a_void(event, command)):
        raise _refused(
            "correction_not_correctable",
            event,
            f"({event.kind}) cannot be corrected: only what staff or partners recorded can "
            "be, and a void (voided, it is undone), not the referral, alerts, failures, a "
            "restatement (restate the event again) or an undoing (void the event again)",
            event=event.kind,
        )
    if event.seq in voided_seqs(state.timeline):
        raise _refused("correction_voided", event, "is already voided")
    _check_author(event, meta)
    if command.restated_at is not None:
        _check_instant(state, command.restated_at, now)
    _check_exit_stays(state, event, command.restated_at)
    return event


def _check_exit_stays(state: PathwayState, event: PathwayEvent, restated: datetime | None) -> None:
    """An exit whose person was referred again since (`domain.returning`) stays, and stays
    before that referral: voided, or moved after it, it would leave them two open
    pathways at once. Its date may still be restated to an earlier instant."""
    again = state.referred_again_at
    if event.kind != LifecycleTrigger.EXIT.event or again is None:
        return
    if restated is None:
        raise _refused(
            "correction_referred_again",
            event,
            f"(the exit) can no longer be voided: the person was referred again on "
            f"{again.isoformat()}, in a new pathway; its date may still be restated",
            referred_again_at=again.isoformat(),
        )
    if restated > again:
        raise _refused(
            "correction_after_return",
            event,
            f"(the exit) cannot be moved to {restated.isoformat()}: the person was referred "
            f"again on {again.isoformat()}, and left before coming back",
            restated_at=restated.isoformat(),
            referred_again_at=again.isoformat(),
        )


def _event(state: PathwayState, seq: int) -> PathwayEvent:
    found = next((e for e in state.timeline if e.seq == seq), None)
    if found is None:
        last = str(state.next_seq - 1)
        raise UnknownReference(
            f"no event {seq} on this pathway (its events are numbered 1 to {last})",
            code="unknown_event",
            values={"seq": str(seq), "last": last},
        )
    return found


def _check_author(event: PathwayEvent, meta: RequestMeta) -> None:
    """Staff correct what they recorded; coordinators correct anyone's entries."""
    if meta.actor.role is Role.STAFF and event.actor_id != meta.actor.actor_id:
        raise _refused(
            "correction_not_own",
            event,
            f"was recorded by {event.actor_id}: staff correct only what they recorded "
            "themselves; a coordinator may correct it",
            author=event.actor_id,
        )


def _refused(rule: str, corrected: PathwayEvent, said: str, /, **values: str) -> MoveRefused:
    """A refusal to correct an event: its sentence and its values name it by its number."""
    seq = str(corrected.seq)
    return MoveRefused.for_rule(rule, f"event {seq} {said}", seq=seq, **values)


def _check_instant(state: PathwayState, restated_at: datetime, now: datetime | None) -> None:
    """A restated date lies between the referral and now (when now is known)."""
    referred = _referred_at(state)
    if restated_at < referred or (now is not None and restated_at > now):
        raise MoveRefused.for_rule(
            "correction_instant",
            f"an event can only be restated between the referral ({referred.isoformat()}) and now",
            referred=referred.isoformat(),
        )


def _referred_at(state: PathwayState) -> datetime:
    referral = referral_command(state)
    if referral is not None:
        return min(referral.referred_at, state.timeline[0].at)
    return state.timeline[0].at
