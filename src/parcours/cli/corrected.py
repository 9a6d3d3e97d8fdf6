"""How the timeline and the trail say a correction: the corrected event keeps its line,
marked with the correction that voided it or dated it anew; the correction names it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from parcours.cli.event_details import what_happened
from parcours.cli.i18n import Text
from parcours.cli.labels import event_label
from parcours.cli.render import when

if TYPE_CHECKING:
    from parcours.domain.records import PathwayEvent


def described(
    events: Sequence[PathwayEvent], text: Text, positive_now: bool | None = None
) -> list[str]:
    """Each event's words, in order, with what corrected it or what it corrects; the exit
    a correction judged again says the verdict that stands (`positive_now`, the outcome's)
    before the one recorded."""
    from parcours.domain.commands.corrections import corrections_of, rejudged_exit

    corrected = corrections_of(events)
    rejudged = rejudged_exit(events, positive_now)
    by_seq = {event.seq: event for event in events}
    return [
        _undoing(event, by_seq, text)
        or _described(event, corrected, text, str(positive_now) if event.seq == rejudged else None)
        for event in events
    ]


def _undoing(event: PathwayEvent, by_seq: Mapping[int, PathwayEvent], text: Text) -> str:
    """A void of a void (`domain.correcting.undoes_a_void`), said as what it does: the
    event the first void voided counts again. Empty for any other event."""
    from parcours.domain.commands.corrections import CorrectionTrigger

    void = CorrectionTrigger.VOID_EVENT.event
    undone = by_seq.get(int(event.details.get("seq", "0") or 0))
    if event.kind != void or undone is None or undone.kind != void:
        return ""
    target = undone.details.get("seq", "?")
    label = event_label(undone.details.get("event", ""), text)
    return text("timeline.undoes", seq=undone.seq, target=target, event=label)


def _described(
    event: PathwayEvent, corrected: Mapping[int, PathwayEvent], text: Text, now: str | None
) -> str:
    from parcours.domain.commands import CORRECTION_EVENTS

    details = event.details if now is None else {**event.details, "positive_now": now}
    label = what_happened(event.kind, text, details)
    correction = corrected.get(event.seq)
    if correction is not None:
        restated = _restated(correction)
        if restated:
            return f"{label} ({text('timeline.restated_by', seq=correction.seq, at=restated)})"
        return f"{label} ({text('timeline.voided_by', seq=correction.seq)})"
    if event.kind in CORRECTION_EVENTS:
        seq, target = (
            event.details.get("seq", "?"),
            event_label(event.details.get("event", ""), text),
        )
        restated = _restated(event)
        if restated:
            what = text("timeline.restates", seq=seq, event=target, at=restated)
        else:
            what = text("timeline.corrects", seq=seq, event=target)
        return text("timeline.correction", label=label, what=what)
    return label


def _restated(correction: PathwayEvent) -> str:
    value = correction.details.get("restated_at", "")
    return when(datetime.fromisoformat(value)) if value else ""


def happened_and_recorded(event: PathwayEvent, text: Text, *, stacked: bool = False) -> str:
    """When it happened, and when it was recorded where the two differ to the minute;
    `stacked`, the second on a line of its own (a table of many columns)."""
    happened, recorded = when(event.at), when(event.recorded)
    if happened == recorded:
        return happened
    if stacked:
        return f"{happened}\n{text('timeline.recorded_below', recorded=recorded)}"
    return text("timeline.recorded", at=happened, recorded=recorded)
