"""A job-dating event's trail, from its history: who planned it, invited the agencies,
recorded the outcomes or had a message sent again, when, why and dated when; the reminder
its timer sent; its end.

A job-dating has no state to fold at an instant (`audit at` is a pathway's): its trail is
what it was asked and did, each line naming the history event it comes from. The history
is checked first (`audit.checks`): every payload opens with the keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.converter import DataConverter

from parcours.audit.checks import open_every_payload
from parcours.audit.history import PathwayHistory
from parcours.audit.tasks import marks_patch
from parcours.domain.jobdating import OutcomeEntry
from parcours.domain.records import RequestMeta
from parcours.workflows.jobdating_messages import JobDatingInput
from parcours.workflows.patches import JOBDATING_LATE_INVITATION_PATCH

REMINDER_ACTIVITY = "send_jobdating_reminders"


@dataclass(frozen=True)
class EventEntry:
    """One line of the trail: `what` is `planned`, an update's name (`invite`, `record`,
    `retry_message`), `reminder`, `nothing_sent` (an invitation recorded after the day) or
    `completed`; `effective_at` is the date the request
    gave (`--on`), None when it gave none."""

    run_id: str
    history_event_id: int
    recorded_at: datetime
    what: str
    actor_id: str = "system"
    role: str = "system"
    reason: str = ""
    effective_at: datetime | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventTrail:
    event_id: str
    programme: str
    candidates: list[str]
    entries: list[EventEntry]


async def jobdating_trail(history: PathwayHistory, converter: DataConverter) -> EventTrail:
    await open_every_payload(history, converter)
    first = history.runs[0].events[0]
    payloads = list(first.workflow_execution_started_event_attributes.input.payloads)
    (start,) = await converter.decode(payloads[:1], [JobDatingInput])
    assert isinstance(start, JobDatingInput)
    event = start.event
    entries: list[EventEntry] = []
    for run in history.runs:
        for item in run.events:
            found = await _entry(run.run_id, item, start, converter)
            if found is not None:
                entries.append(found)
    candidates = [c.pathway_id for c in event.candidates]
    return EventTrail(event.event_id, event.programme, candidates, entries)


async def _entry(
    run_id: str, item: HistoryEvent, start: JobDatingInput, converter: DataConverter
) -> EventEntry | None:
    at = item.event_time.ToDatetime().replace(tzinfo=UTC)
    kind = item.event_type
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        return _asked(run_id, item.event_id, at, "planned", start.meta, _planned(start))
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        request = item.workflow_execution_update_accepted_event_attributes.accepted_request
        args = list(request.input.args.payloads)
        meta, details = await _update_args(request.input.name, args, converter)
        return _asked(run_id, item.event_id, at, request.input.name, meta, details)
    if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        name = item.activity_task_scheduled_event_attributes.activity_type.name
        if name == REMINDER_ACTIVITY:
            return EventEntry(run_id, item.event_id, at, "reminder")
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        return EventEntry(run_id, item.event_id, at, "completed")
    if marks_patch(item, JOBDATING_LATE_INVITATION_PATCH):  # recorded after the day
        return EventEntry(run_id, item.event_id, at, "nothing_sent")
    return None


def _planned(start: JobDatingInput) -> dict[str, str]:
    event = start.event
    return {
        "held_at": event.held_at.isoformat(),
        "place": event.place,
        "agencies": ", ".join(event.agencies),
        "candidates": str(len(event.candidates)),
    }


async def _update_args(
    name: str, args: list[Payload], converter: DataConverter
) -> tuple[RequestMeta, dict[str, str]]:
    """The request's `RequestMeta` and what else the update names, in a few words."""
    hints: list[Any] = [RequestMeta]
    if name == "record":
        hints.append(list[OutcomeEntry])
    elif name == "retry_message":
        hints.append(str)
    values = await converter.decode(args[: len(hints)], hints)
    meta = values[0]
    assert isinstance(meta, RequestMeta)
    if name == "record":
        entries = values[1]
        return meta, {"outcomes": ", ".join(f"{e.pathway_id}={e.outcome.value}" for e in entries)}
    if name == "retry_message":
        return meta, {"notification": str(values[1])}
    return meta, {}


def _asked(  # noqa: PLR0917 - where it is in the history, then what was asked
    run_id: str,
    event_id: int,
    at: datetime,
    what: str,
    meta: RequestMeta,
    details: dict[str, str],
) -> EventEntry:
    actor = meta.actor
    return EventEntry(
        run_id,
        event_id,
        at,
        what,
        actor.actor_id,
        actor.role.value,
        meta.reason,
        meta.effective_at,
        details,
    )


def trail_document(trail: EventTrail) -> dict[str, Any]:
    """`audit trail --json` for a job-dating."""
    return {
        "jobdating": trail.event_id,
        "programme": trail.programme,
        "entries": [
            {
                "what": e.what,
                "recorded_at": e.recorded_at.isoformat(),
                "effective_at": e.effective_at.isoformat() if e.effective_at else None,
                "actor_id": e.actor_id,
                "role": e.role,
                "reason": e.reason,
                "details": e.details,
                "run_id": e.run_id,
                "history_event_id": e.history_event_id,
            }
            for e in trail.entries
        ],
    }
