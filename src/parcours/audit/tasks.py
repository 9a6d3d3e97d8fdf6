"""The workflow tasks of one run, read from its history events before any decoding.

A workflow task is one instant of the workflow's clock (`workflow.now()` is the time of
its `WorkflowTaskStarted` event). Around each completed task the reader notes what the
run loop needs to be repeated: whether a timer fired or was cancelled, whether nothing
was outstanding, which activities completed, and which updates were accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

PUBLISHING = frozenset({"project_pathway", "deliver_alerts"})
"""The activities the run loop waits for when it publishes (partner messages go aside)."""

Answers = dict[tuple[int, int], Any]
"""Update outcomes by (run index, id of the update's `Accepted` event)."""


def workflow_time(stamp: Timestamp) -> datetime:
    """The instant as `workflow.now()` computes it from the same timestamp."""
    return datetime.fromtimestamp(stamp.ToNanoseconds() / 1e9, UTC)


@dataclass(frozen=True)
class TaskFacts:
    """What the history says around one completed workflow task, encoded or decoded."""

    run_index: int
    run_id: str
    event_id: int
    """The `WorkflowTaskCompleted` event."""
    at: datetime
    """`workflow.now()` during the task."""
    first_of_run: bool
    timer_fired: bool
    timer_cancelled: bool
    idle: bool
    """Neither a timer nor an activity was outstanding: the loop waited without a timeout."""
    publish_ended: bool = field(default=False, kw_only=True)
    """A projection or alert delivery completed and none was left outstanding."""
    handed_off: bool = field(default=False, kw_only=True)
    """The task scheduled a projection or alert delivery (the loop handed events off)."""


@dataclass(frozen=True)
class RawTask(TaskFacts):
    """One completed workflow task, its payloads still encoded."""

    completions: list[tuple[int, str, Sequence[Payload]]]
    """Activities that completed before the task: (event id, activity name, result)."""
    updates: list[HistoryEvent] = field(default_factory=list)


def update_name_of(event: HistoryEvent) -> str:
    """The name of the update an `Accepted` event accepted."""
    return event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name


def patched(run: WorkflowHistory, patch_id: str) -> bool:
    """Whether the run took the new branch of `patch_id`: its marker is in the history."""
    return any(marks_patch(event, patch_id) for event in run.events)


def marks_patch(event: HistoryEvent, patch_id: str) -> bool:
    """Whether `event` is the marker of `patch_id`'s new branch."""
    if event.event_type != EventType.EVENT_TYPE_MARKER_RECORDED:
        return False
    marker = event.marker_recorded_event_attributes  # `patch-data`: {"id": ..., ...}
    if marker.marker_name != "core_patch":
        return False
    payloads = (p for details in marker.details.values() for p in details.payloads)
    return any(patch_id.encode() in payload.data for payload in payloads)


def tasks_of_run(index: int, run: WorkflowHistory, answers: Answers) -> list[RawTask]:
    """The completed workflow tasks of one run; update outcomes are added to `answers`."""
    reader = _RunReader(index, run.run_id, answers)
    for event in run.events:
        step = reader.steps.get(event.event_type)
        if step is not None:
            step(event)
    return reader.tasks


class _RunReader:
    """Walks a run's events once, keeping what is outstanding between workflow tasks."""

    def __init__(self, index: int, run_id: str, answers: Answers) -> None:
        self.index, self.run_id, self.answers = index, run_id, answers
        self.tasks: list[RawTask] = []
        self.started_at: datetime | None = None
        self.timer_fired = False
        self.timers: set[str] = set()
        self.activities: dict[int, str] = {}
        self.completions: list[tuple[int, str, Sequence[Payload]]] = []
        kinds = EventType
        self.steps: dict[int, Callable[[HistoryEvent], None]] = {
            kinds.EVENT_TYPE_WORKFLOW_TASK_STARTED: self._task_started,
            kinds.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: self._task_completed,
            kinds.EVENT_TYPE_TIMER_STARTED: self._timer_started,
            kinds.EVENT_TYPE_TIMER_FIRED: self._timer_fired,
            kinds.EVENT_TYPE_TIMER_CANCELED: self._timer_cancelled,
            kinds.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: self._activity_scheduled,
            kinds.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: self._activity_completed,
            kinds.EVENT_TYPE_ACTIVITY_TASK_FAILED: self._activity_ended,
            kinds.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: self._activity_ended,
            kinds.EVENT_TYPE_ACTIVITY_TASK_CANCELED: self._activity_ended,
            kinds.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: self._update_accepted,
            kinds.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: self._update_completed,
        }

    def _task_started(self, event: HistoryEvent) -> None:
        self.started_at = workflow_time(event.event_time)

    def _task_completed(self, event: HistoryEvent) -> None:
        if self.started_at is None:
            return
        self.tasks.append(
            RawTask(
                run_index=self.index,
                run_id=self.run_id,
                event_id=event.event_id,
                at=self.started_at,
                first_of_run=not self.tasks,
                timer_fired=self.timer_fired,
                timer_cancelled=False,
                idle=not self.timers and not self.activities and not self.completions,
                publish_ended=any(name in PUBLISHING for _, name, _ in self.completions)
                and not PUBLISHING.intersection(self.activities.values()),
                completions=self.completions,
            )
        )
        self.timer_fired, self.completions = False, []

    def _timer_started(self, event: HistoryEvent) -> None:
        self.timers.add(event.timer_started_event_attributes.timer_id)

    def _timer_fired(self, event: HistoryEvent) -> None:
        self.timers.discard(event.timer_fired_event_attributes.timer_id)
        self.timer_fired = True

    def _timer_cancelled(self, event: HistoryEvent) -> None:
        self.timers.discard(event.timer_canceled_event_attributes.timer_id)
        if self.tasks:
            self.tasks[-1] = replace(self.tasks[-1], timer_cancelled=True)

    def _activity_scheduled(self, event: HistoryEvent) -> None:
        attrs = event.activity_task_scheduled_event_attributes
        self.activities[event.event_id] = attrs.activity_type.name
        if self.tasks and attrs.activity_type.name in PUBLISHING:
            self.tasks[-1] = replace(self.tasks[-1], handed_off=True)

    def _activity_completed(self, event: HistoryEvent) -> None:
        attrs = event.activity_task_completed_event_attributes
        activity = self.activities.pop(attrs.scheduled_event_id, "")
        self.completions.append((event.event_id, activity, attrs.result.payloads))

    def _activity_ended(self, event: HistoryEvent) -> None:
        self.activities.pop(_scheduled_id(event), None)

    def _update_accepted(self, event: HistoryEvent) -> None:
        if self.tasks:
            self.tasks[-1].updates.append(event)

    def _update_completed(self, event: HistoryEvent) -> None:
        attrs = event.workflow_execution_update_completed_event_attributes
        self.answers[(self.index, attrs.accepted_event_id)] = attrs.outcome


def _scheduled_id(event: HistoryEvent) -> int:
    for name in (
        "activity_task_failed_event_attributes",
        "activity_task_timed_out_event_attributes",
        "activity_task_canceled_event_attributes",
    ):
        if event.HasField(name):
            scheduled: int = getattr(event, name).scheduled_event_id
            return scheduled
    return 0
