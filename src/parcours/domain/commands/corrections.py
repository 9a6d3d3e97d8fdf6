"""Corrections: an event recorded by mistake is voided, or its date restated, never erased.

The correction is an event of its own, naming the event it corrects; the corrected event
stays in the timeline as it was recorded. What a correction does to the pathway (running
it again without the voided event, or with the restated date) is `domain/correcting.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime

from parcours.domain.commands.base import Command, Context, Details, Shape, spec
from parcours.domain.commands.editing import iso
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.records import PathwayEvent, PathwayState
from parcours.domain.vocabulary import Trigger


class CorrectionTrigger(Trigger):
    VOID_EVENT = "void_event", "event_voided"
    RESTATE_EVENT = "restate_event", "event_restated"


class CorrectEvent(Command):
    """Voids the event `seq` (as the timeline numbers it), or, with `restated_at`, says it
    happened at that instant instead. The request's reason is required and recorded."""

    seq: int
    restated_at: datetime | None = None

    @property
    def trigger(self) -> Trigger:
        if self.restated_at is None:
            return CorrectionTrigger.VOID_EVENT
        return CorrectionTrigger.RESTATE_EVENT


def corrected_event_details(state: PathwayState, cmd: CorrectEvent, ctx: Context) -> Details:
    """The correction's event names the event it corrects: its seq, its kind, and the
    instant it is restated to."""
    kind = next((e.kind for e in state.timeline if e.seq == cmd.seq), "")
    details = {"seq": str(cmd.seq), "event": kind}
    if cmd.restated_at is not None:
        details["restated_at"] = iso(cmd.restated_at)
    return details


def corrections_of(timeline: Iterable[PathwayEvent]) -> dict[int, PathwayEvent]:
    """For each corrected event's seq, the correction that last corrected it and stands
    (a void that was undone, voided in turn, no longer corrects its event)."""
    events = list(timeline)
    kinds = {CorrectionTrigger.VOID_EVENT.event, CorrectionTrigger.RESTATE_EVENT.event}
    undone = voided_seqs(events)
    return {int(e.details["seq"]): e for e in events if e.kind in kinds and e.seq not in undone}


def as_it_stands(timeline: Iterable[PathwayEvent]) -> list[PathwayEvent]:
    """The timeline as corrected: without the voided events and the corrections, each
    restated event at its restated instant (what the bounds of a new entry read)."""
    events = list(timeline)
    voided, restated = voided_seqs(events), restated_instants(events)
    kinds = {CorrectionTrigger.VOID_EVENT.event, CorrectionTrigger.RESTATE_EVENT.event}
    return [
        dataclasses.replace(e, at=restated[e.seq]) if e.seq in restated else e
        for e in events
        if e.seq not in voided and e.kind not in kinds
    ]


def voided_seqs(timeline: Iterable[PathwayEvent]) -> frozenset[int]:
    """The events voided by a correction that stands: the state holds nothing of them. A
    void voided in turn is undone (`correcting.undoes_a_void`): its event counts again."""
    return _standing(_voids(timeline))


def voided_with(timeline: Iterable[PathwayEvent], seq: int) -> frozenset[int]:
    """The events voided once the event `seq` is voided too (a void: then undone)."""
    return _standing([*_voids(timeline), (UNRECORDED, seq)])


UNRECORDED = 2**62
"""The number of a void not recorded yet (`voided_with`): after every event."""


def _voids(timeline: Iterable[PathwayEvent]) -> list[tuple[int, int]]:
    voided = CorrectionTrigger.VOID_EVENT.event
    return [(e.seq, int(e.details["seq"])) for e in timeline if e.kind == voided]


def _standing(voids: list[tuple[int, int]]) -> frozenset[int]:
    """What the voids (seq, the seq it voids), in order, void: a void stands unless a
    later void that stands voids it."""
    voided: set[int] = set()
    for seq, target in reversed(voids):
        if seq not in voided:
            voided.add(target)
    return frozenset(voided)


def restated_instants(timeline: Iterable[PathwayEvent]) -> dict[int, datetime]:
    """The instant each restated event is now said to have happened at (the latest)."""
    restated = CorrectionTrigger.RESTATE_EVENT.event
    return {
        int(e.details["seq"]): datetime.fromisoformat(e.details["restated_at"])
        for e in timeline
        if e.kind == restated
    }


SPECS = tuple(
    spec(Shape.CORRECTION, CorrectEvent, corrected_event_details, reason_required=True, trigger=t)
    for t in CorrectionTrigger
)
"""Staff and coordinators correct (`roles` is the table's default, WORKERS); which events,
and whose, is `correcting.check_correctable`: staff correct their own entries, coordinators
anyone's."""


def rejudged_exit(timeline: Sequence[PathwayEvent], positive_now: bool | None) -> int | None:
    """The exit whose verdict a correction changed: the exit that stands (the last one not
    voided), recorded positive or not, when the pathway's outcome now says otherwise (its
    date restated, the programme's rule judged it again); None when there is none. The
    timeline keeps the verdict as recorded: this says which line to read again."""
    if positive_now is None:
        return None
    voided, exited = voided_seqs(timeline), LifecycleTrigger.EXIT.event
    standing = [e for e in timeline if e.kind == exited and e.seq not in voided]
    if not standing or "positive" not in standing[-1].details:
        return None
    last = standing[-1]
    return last.seq if (last.details["positive"] == "True") != positive_now else None
