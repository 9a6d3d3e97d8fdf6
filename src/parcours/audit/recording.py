"""What a pathway's history recorded, decoded: the start input, then each workflow task.

A workflow task is one instant of the workflow's clock (`workflow.now()` is the time of
its `WorkflowTaskStarted` event). For each task that completed, the recording keeps the
staff commands it accepted (the inputs of `WorkflowExecutionUpdateAccepted` events, in
order: a refused update never reaches history), the notification failures it recorded
(the results of `send_notifications` activities), and the evidence of whether the run
loop woke up there (a timer fired, its sleep timer was cancelled, or nothing was
outstanding), which is when the workflow raises the alerts that are due.

Decoding needs the keys: a payload they cannot open raises `DecryptionError`, or
`checks.AlteredPayload` when the same key opens the history's other payloads. The
participant's identity is decoded with the start input and dropped at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.converter import DataConverter

from parcours.adapters.temporal.encryption import DecryptionError
from parcours.audit.broken import ran, refused_at_start, why_it_never_ran
from parcours.audit.checks import ensure_pathway, open_every_payload
from parcours.audit.history import PathwayHistory
from parcours.audit.tasks import (
    Answers,
    RawTask,
    TaskFacts,
    patched,
    tasks_of_run,
    update_name_of,
    workflow_time,
)
from parcours.domain.commands import STAFF_COMMANDS, Command, Refer
from parcours.domain.erasure import ErasePerson
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayState, RequestMeta
from parcours.domain.returning import BESIDE_MACHINE, BesideMachine
from parcours.domain.routing import failure_to_record
from parcours.workflows.messages import (
    NotificationFailure,
    PathwayInput,
    PathwayResult,
    UpdateResult,
    update_name,
)
from parcours.workflows.patches import (
    ALERTS_FOLLOW_PATHWAY_PATCH,
    CHANGES_DURING_PUBLISH_PATCH,
    CONSENT_NOTICE_PATCH,
    EFFECTIVE_INSTANTS_PATCH,
    RETENTION_BY_CONTACT_PATCH,
    RETENTION_WARNING_FOLLOWS_PATCH,
)

COMMAND_OF_UPDATE: dict[str, type[Command | BesideMachine]] = {
    update_name(c): c for c in (*STAFF_COMMANDS, *BESIDE_MACHINE)
}
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


class RecordingError(Exception):
    """The history is not one a pathway audit can read; `reason` names why."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason} {detail}".strip())
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class RecordedCommand:
    """A command the workflow ran, and the history event that carries it."""

    meta: RequestMeta
    command: Command | BesideMachine
    event_id: int
    from_update: bool = True
    """False for what the workflow decided itself (a notification failure)."""
    answer: UpdateResult | None = None
    """What the workflow answered the update, when it answered with a result."""
    answered_refusal: bool = False
    """The workflow answered the update with a failure (refused while handling it)."""


@dataclass(frozen=True)
class WorkflowTask(TaskFacts):
    """One completed workflow task as the fold reads it: its facts and its commands."""

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
    dated_runs: frozenset[int] = frozenset()
    """The runs (by index) whose events are dated when they happened, not when recorded
    (`EFFECTIVE_INSTANTS_PATCH`): the fold dates them the same way."""
    following_runs: frozenset[int] = frozenset()
    """The runs (by index) that adopted, when they started, the alert rules that follow the
    pathway (`ALERTS_FOLLOW_PATHWAY_PATCH`): the fold adopts them at the same task."""
    notice_runs: frozenset[int] = frozenset()
    """The runs that adopted a consent's notice within the consent (`CONSENT_NOTICE_PATCH`)."""
    turning_runs: frozenset[int] = frozenset()
    """The runs whose loop turned again after an update (`CHANGES_DURING_PUBLISH_PATCH`)."""
    retaining_runs: frozenset[int] = frozenset()
    """The runs that adopted the retention by the last contact (`RETENTION_BY_CONTACT_PATCH`)."""
    warning_runs: frozenset[int] = frozenset()
    """The runs whose retention warning follows the due date (`RETENTION_WARNING_FOLLOWS_PATCH`)."""


async def record_of(history: PathwayHistory, converter: DataConverter) -> Recording:
    """Decode a pathway's `history` (every run, oldest first; `audit.checks`)."""
    ensure_pathway(history)
    await open_every_payload(history, converter)
    first = history.runs[0].events[0]
    started = first.workflow_execution_started_event_attributes
    start = await _decode_one(converter, started.input.payloads, PathwayInput, first.event_id)
    if not ran(history):
        raise await why_it_never_ran(history, converter)
    answers: Answers = {}  # filled as the runs' tasks are read
    raw = [task for i, run in enumerate(history.runs) for task in tasks_of_run(i, run, answers)]
    last_run = history.runs[-1]
    last = last_run.events[-1]
    if start.state is None:
        await refused_at_start(start, last, converter)
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
        tasks=tuple([await _decode_task(task, answers, converter) for task in raw]),
        carried=await _carried_states(history, converter),
        final_state=await _final_state(last, converter),
        recorded_until=max(workflow_time(e.event_time) for e in last_run.events),
        still_open=last.event_type not in _CLOSED,
        continues=last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
        skipped_updates=_skipped_updates(raw),
        dated_runs=_runs_patched(history, EFFECTIVE_INSTANTS_PATCH),
        following_runs=_runs_patched(history, ALERTS_FOLLOW_PATHWAY_PATCH),
        notice_runs=_runs_patched(history, CONSENT_NOTICE_PATCH),
        turning_runs=_runs_patched(history, CHANGES_DURING_PUBLISH_PATCH),
        retaining_runs=_runs_patched(history, RETENTION_BY_CONTACT_PATCH),
        warning_runs=_runs_patched(history, RETENTION_WARNING_FOLLOWS_PATCH),
    )


def _skipped_updates(raw: list[RawTask]) -> tuple[str, ...]:
    """Updates in the history that are neither commands nor known services: a newer
    client's, which the fold cannot apply."""
    return tuple(
        name
        for task in raw
        for name in map(update_name_of, task.updates)
        if name not in COMMAND_OF_UPDATE and name not in NOT_COMMANDS
    )


def _runs_patched(history: PathwayHistory, patch_id: str) -> frozenset[int]:
    """The runs (by index) that took the new branch of `patch_id`."""
    return frozenset(i for i, run in enumerate(history.runs) if patched(run, patch_id))


async def _carried_states(
    history: PathwayHistory, converter: DataConverter
) -> dict[int, PathwayState]:
    """The state each run after the first started from, by run index."""
    carried: dict[int, PathwayState] = {}
    for index, run in enumerate(history.runs[1:], start=1):
        head = run.events[0]
        payloads = head.workflow_execution_started_event_attributes.input.payloads
        carried_input = await _decode_one(converter, payloads, PathwayInput, head.event_id)
        if carried_input.state is not None:
            carried[index] = carried_input.state
    return carried


async def _decode_task(task: RawTask, answers: Answers, converter: DataConverter) -> WorkflowTask:
    """The task as the fold reads it: its facts as read, its commands decoded."""
    commands = await _commands_of_updates(task, answers, converter)
    commands += await _failures_recorded(task, converter)
    facts = {f.name: getattr(task, f.name) for f in fields(TaskFacts)}
    return WorkflowTask(**facts, commands=tuple(commands))


async def _commands_of_updates(
    task: RawTask, answers: Answers, converter: DataConverter
) -> list[RecordedCommand]:
    """The staff commands the task accepted, each with what the workflow answered."""
    commands: list[RecordedCommand] = []
    for update in task.updates:
        command_type = COMMAND_OF_UPDATE.get(update_name_of(update))
        if command_type is None:
            continue
        request = update.workflow_execution_update_accepted_event_attributes.accepted_request
        types = [RequestMeta] if command_type is ErasePerson else [RequestMeta, command_type]
        meta, *sent = await _decode(converter, request.input.args.payloads, types, update.event_id)
        command = sent[0] if sent else ErasePerson()
        outcome = answers.get((task.run_index, update.event_id))
        answer: UpdateResult | None = None
        if outcome is not None and outcome.HasField("success"):
            answer = await _decode_one(
                converter, outcome.success.payloads, UpdateResult, update.event_id
            )
        refused = outcome is not None and outcome.HasField("failure")
        commands.append(RecordedCommand(meta, command, update.event_id, True, answer, refused))
    return commands


async def _failures_recorded(task: RawTask, converter: DataConverter) -> list[RecordedCommand]:
    """What the workflow recorded of the permanent failures `send_notifications` reported."""
    commands: list[RecordedCommand] = []
    for event_id, activity, payloads in task.completions:
        if activity != NOTIFY_ACTIVITY:
            continue
        failures = await _decode_one(converter, payloads, list[NotificationFailure], event_id)
        for failure in failures:
            meta, command = failure_to_record(
                failure.key, failure.partner_kind, failure.error, task.at
            )
            commands.append(RecordedCommand(meta, command, event_id, from_update=False))
    return commands


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
