"""What a pathway's history recorded, decoded: the start input, then each workflow task.

A workflow task is one instant of the workflow's clock (`workflow.now()` is the time of
its `WorkflowTaskStarted` event). For each task that completed, the recording keeps the
staff commands it accepted (the inputs of `WorkflowExecutionUpdateAccepted` events, in
order: a refused update never reaches history), the notification failures it recorded
(the results of `send_notifications` activities), and the evidence of whether the run
loop woke up there (a timer fired, its sleep timer was cancelled, or nothing was
outstanding), which is when the workflow raises the alerts that are due.

Decoding needs the keys: a payload they cannot open raises `DecryptionError`. The
participant's identity is decoded with the start input and dropped at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter

from parcours.adapters.temporal.encryption import DecryptionError
from parcours.audit.history import PathwayHistory
from parcours.domain.commands import STAFF_COMMANDS, Command, RecordNotificationFailure, Refer
from parcours.domain.pathway import SYSTEM
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayState, RequestMeta
from parcours.workflows.messages import (
    WORKFLOW_TYPE,
    NotificationFailure,
    PathwayInput,
    PathwayResult,
    UpdateResult,
    update_name,
)

COMMAND_OF_UPDATE: dict[str, type[Command]] = {update_name(c): c for c in STAFF_COMMANDS}
NOT_COMMANDS = frozenset({"retry_notification", "retry_notification_v2"})
"""Updates that carry no command: they change nothing the fold needs to repeat."""

NOTIFY_ACTIVITY = "send_notifications"

_CLOSED = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
    }
)
_ACTIVITY_ENDED = frozenset(
    {
        EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
        EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
        EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED,
    }
)


class RecordingError(Exception):
    """The history is not one a pathway audit can read; `reason` names why."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} {detail}".strip())
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class RecordedCommand:
    """A command the workflow ran, and the history event that carries it."""

    meta: RequestMeta
    command: Command
    event_id: int
    from_update: bool = True
    """False for what the workflow decided itself (a notification failure)."""
    answer: UpdateResult | None = None
    """What the workflow answered the update, when it answered with a result."""
    answered_refusal: bool = False
    """The workflow answered the update with a failure (refused while handling it)."""


@dataclass(frozen=True)
class WorkflowTask:
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
    commands: tuple[RecordedCommand, ...]


@dataclass(frozen=True)
class Recording:
    workflow_id: str
    pathway_id: str
    programme: ProgrammeDefinition
    programme_data: dict[str, Any]
    referral: Refer
    referral_meta: RequestMeta
    initial_state: PathwayState | None
    """The state carried into the first run held here, when earlier runs are missing."""
    initial_applied: dict[str, int]
    run_ids: tuple[str, ...]
    tasks: tuple[WorkflowTask, ...]
    carried: dict[int, PathwayState]
    """The state each later run started from, by run index (for cross-checks)."""
    final_state: PathwayState | None
    """The state a finished pathway returned."""
    recorded_until: datetime
    still_open: bool
    """The last run had not closed when the history was taken."""
    continues: bool
    """The last run continued as new into a run this history does not hold."""
    skipped_updates: tuple[str, ...] = field(default=())


def workflow_time(stamp: Timestamp) -> datetime:
    """The instant as `workflow.now()` computes it from the same timestamp."""
    return datetime.fromtimestamp(stamp.ToNanoseconds() / 1e9, UTC)


@dataclass
class _RawTask:
    run_index: int
    run_id: str
    event_id: int
    at: datetime
    first_of_run: bool
    timer_fired: bool
    idle: bool
    completions: list[tuple[int, str, Sequence[Payload]]]
    updates: list[HistoryEvent] = field(default_factory=list)
    timer_cancelled: bool = False


async def record_of(history: PathwayHistory, converter: DataConverter) -> Recording:
    """Decode `history` (every run, oldest first) with `converter` and its keys."""
    first = history.runs[0].events[0]
    started = first.workflow_execution_started_event_attributes
    if started.workflow_type.name != WORKFLOW_TYPE:
        raise RecordingError("not_pathway", started.workflow_type.name)
    start = await _decode_one(converter, started.input.payloads, PathwayInput, first.event_id)
    raw: list[_RawTask] = []
    answers: dict[tuple[int, int], Any] = {}
    carried: dict[int, PathwayState] = {}
    for index, run in enumerate(history.runs):
        raw += _tasks_of_run(index, run, answers)
        if index > 0:
            head = run.events[0]
            carried_input = await _decode_one(
                converter,
                head.workflow_execution_started_event_attributes.input.payloads,
                PathwayInput,
                head.event_id,
            )
            if carried_input.state is not None:
                carried[index] = carried_input.state
    tasks = [await _decode_task(task, answers, converter) for task in raw]
    last_run = history.runs[-1]
    last = last_run.events[-1]
    return Recording(
        workflow_id=start.pathway_id or history.workflow_id,
        pathway_id=start.pathway_id,
        programme=ProgrammeDefinition.model_validate(start.programme),
        programme_data=dict(start.programme),
        referral=start.referral,
        referral_meta=start.meta,
        initial_state=start.state,
        initial_applied=dict(start.applied_requests),
        run_ids=tuple(history.run_ids),
        tasks=tuple(tasks),
        carried=carried,
        final_state=await _final_state(last, converter),
        recorded_until=max(workflow_time(e.event_time) for e in last_run.events),
        still_open=last.event_type not in _CLOSED,
        continues=last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        skipped_updates=tuple(
            name
            for task in raw
            for name in (_update_name(u) for u in task.updates)
            if name not in COMMAND_OF_UPDATE and name not in NOT_COMMANDS
        ),
    )


def _tasks_of_run(
    index: int, run: WorkflowHistory, answers: dict[tuple[int, int], Any]
) -> list[_RawTask]:
    """The completed workflow tasks of one run, with what happened around each."""
    tasks: list[_RawTask] = []
    started_at: datetime | None = None
    timer_fired = False
    timers: set[str] = set()
    activities: dict[int, str] = {}
    completions: list[tuple[int, str, Sequence[Payload]]] = []
    for event in run.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            started_at = workflow_time(event.event_time)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED and started_at is not None:
            tasks.append(
                _RawTask(
                    run_index=index,
                    run_id=run.run_id,
                    event_id=event.event_id,
                    at=started_at,
                    first_of_run=not tasks,
                    timer_fired=timer_fired,
                    idle=not timers and not activities and not completions,
                    completions=completions,
                )
            )
            timer_fired, completions = False, []
        elif kind == EventType.EVENT_TYPE_TIMER_STARTED:
            timers.add(event.timer_started_event_attributes.timer_id)
        elif kind == EventType.EVENT_TYPE_TIMER_FIRED:
            timers.discard(event.timer_fired_event_attributes.timer_id)
            timer_fired = True
        elif kind == EventType.EVENT_TYPE_TIMER_CANCELED:
            timers.discard(event.timer_canceled_event_attributes.timer_id)
            if tasks:
                tasks[-1].timer_cancelled = True
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            activities[event.event_id] = (
                event.activity_task_scheduled_event_attributes.activity_type.name
            )
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            attrs = event.activity_task_completed_event_attributes
            activity = activities.pop(attrs.scheduled_event_id, "")
            completions.append((event.event_id, activity, attrs.result.payloads))
        elif kind in _ACTIVITY_ENDED:
            activities.pop(_scheduled_id(event), None)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED and tasks:
            tasks[-1].updates.append(event)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            attrs_done = event.workflow_execution_update_completed_event_attributes
            answers[(index, attrs_done.accepted_event_id)] = attrs_done.outcome
    return tasks


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


def _update_name(event: HistoryEvent) -> str:
    return event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name


async def _decode_task(
    task: _RawTask, answers: dict[tuple[int, int], Any], converter: DataConverter
) -> WorkflowTask:
    commands: list[RecordedCommand] = []
    for update in task.updates:
        name = _update_name(update)
        command_type = COMMAND_OF_UPDATE.get(name)
        if command_type is None:
            continue
        request = update.workflow_execution_update_accepted_event_attributes.accepted_request
        meta, command = await _decode(
            converter, request.input.args.payloads, [RequestMeta, command_type], update.event_id
        )
        outcome = answers.get((task.run_index, update.event_id))
        answer: UpdateResult | None = None
        if outcome is not None and outcome.HasField("success"):
            answer = await _decode_one(
                converter, outcome.success.payloads, UpdateResult, update.event_id
            )
        refused = outcome is not None and outcome.HasField("failure")
        commands.append(RecordedCommand(meta, command, update.event_id, True, answer, refused))
    for event_id, activity, payloads in task.completions:
        if activity != NOTIFY_ACTIVITY:
            continue
        failures = await _decode_one(converter, payloads, list[NotificationFailure], event_id)
        for failure in failures:
            commands.append(
                RecordedCommand(
                    RequestMeta(f"notification-failed:{failure.key}", SYSTEM),
                    RecordNotificationFailure(
                        notification_key=failure.key,
                        partner_kind=failure.partner_kind,
                        failed_at=task.at,
                        error=failure.error[:200],
                    ),
                    event_id,
                    from_update=False,
                )
            )
    return WorkflowTask(
        run_index=task.run_index,
        run_id=task.run_id,
        event_id=task.event_id,
        at=task.at,
        first_of_run=task.first_of_run,
        timer_fired=task.timer_fired,
        timer_cancelled=task.timer_cancelled,
        idle=task.idle,
        commands=tuple(commands),
    )


async def _final_state(last: HistoryEvent, converter: DataConverter) -> PathwayState | None:
    if last.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        return None
    payloads = last.workflow_execution_completed_event_attributes.result.payloads
    if not payloads:
        return None
    result: PathwayResult = await _decode_one(converter, payloads, PathwayResult, last.event_id)
    return result.state


async def _decode_one(
    converter: DataConverter, payloads: Sequence[Payload], hint: Any, event_id: int
) -> Any:
    values = await _decode(converter, payloads, [hint], event_id)
    return values[0]


async def _decode(
    converter: DataConverter, payloads: Sequence[Payload], hints: list[Any], event_id: int
) -> list[Any]:
    if len(payloads) < len(hints):
        raise RecordingError("undecodable", str(event_id))
    try:
        return await converter.decode(payloads, hints)
    except DecryptionError:
        raise
    except Exception as err:  # noqa: BLE001 - any conversion fault names the event
        raise RecordingError("undecodable", f"{event_id} ({type(err).__name__})") from None
