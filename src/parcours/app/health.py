"""Whether a pathway's workflow can run, and if not, why: asked of the Temporal service.

A pathway *cannot run* when its workflow is open but its last workflow task failed and
the service keeps retrying it (the workflow code raised: a bug, or an input it cannot
take); queries to it are never answered and updates wait for nothing. The service's
description says a task is on a later attempt (`pending_workflow_task.attempt`); the
history's last `WorkflowTaskFailed` event holds the workflow's own error, encrypted like
every failure. A pathway may also be closed *failed* (its workflow ended on an error: a
referral refused at its start) or *closed* by a coordinator with `parcours doctor close`,
whose record (who, why, the error) travels encrypted in the termination's details.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus
from temporalio.service import RPCError

from parcours.app.errors import not_found

T = TypeVar("T")

CANNOT_RUN = "cannot_run"
FAILED = "failed"
CLOSED = "closed"

CLOSE_REASON = "closed by parcours doctor: it could not run"
"""The termination's plain reason: fixed words only, since the service stores it as typed;
who closed it and why travel in its encrypted details (`ClosedRecord`)."""

ERROR_CHARS = 300
"""The workflow's error is said by its first line, cut to this many characters."""

_TASK_FAILED = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
_TASK_ENDS = frozenset(
    {
        _TASK_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    }
)


@dataclass
class ClosedRecord:
    """Who closed a pathway that could not run, why, and the error it had: the details of
    its termination (a payload, encrypted like every other)."""

    actor_id: str
    role: str
    reason: str
    error: str


@dataclass(frozen=True)
class Trouble:
    """A pathway that cannot run (`cannot_run`), ended on an error (`failed`) or was closed
    by a coordinator (`closed`): `error` is the workflow's own, `since` when it happened."""

    pathway_id: str
    condition: str
    error: str
    since: datetime | None
    attempts: int = 0
    closed_by: str = ""
    reason: str = ""


class PathwayCannotRun(Exception):
    """Asked of a pathway in trouble: what `diagnose` found."""

    def __init__(self, trouble: Trouble) -> None:
        super().__init__(f"{trouble.pathway_id}: {trouble.condition}: {trouble.error}")
        self.trouble = trouble


async def ensure_runs(client: Client, pathway_id: str) -> None:
    """Raise `PathwayCannotRun` for a pathway in trouble, rather than wait for an answer
    its workflow will never give. A pathway closed failed or by `doctor close` is in
    trouble too: its workflow could not run, so it cannot be replayed to answer."""
    trouble = await diagnose(client, pathway_id)
    if trouble is not None:
        raise PathwayCannotRun(trouble)


def readable(answers: Sequence[T | BaseException], troubled: list[Trouble] | None) -> list[T]:
    """The gathered answers of the pathways that could answer. One that cannot run is left
    out and noted in `troubled` (when given); any other failure is raised."""
    kept: list[T] = []
    for answer in answers:
        if isinstance(answer, PathwayCannotRun) and troubled is not None:
            troubled.append(answer.trouble)
        elif isinstance(answer, BaseException):
            raise answer
        else:
            kept.append(answer)
    return kept


async def explain(client: Client, pathway_id: str, err: BaseException) -> BaseException:
    """`PathwayCannotRun` when a question failed because the pathway is in trouble (a
    closed one whose workflow cannot be replayed to answer), else `err` itself."""
    trouble = await diagnose(client, pathway_id)
    return err if trouble is None else PathwayCannotRun(trouble)


def first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"


async def latest_run(client: Client, pathway_id: str) -> WorkflowExecutionDescription:
    """The description of the pathway's latest run; `PathwayNotFound` for an unknown id."""
    try:
        return await client.get_workflow_handle(pathway_id).describe()
    except RPCError as err:
        raise not_found(err, pathway_id) from None


async def diagnose(client: Client, pathway_id: str) -> Trouble | None:
    """What keeps this pathway from running; None when nothing does (one question to the
    service then, the history is read only for a pathway in trouble)."""
    described = await latest_run(client, pathway_id)
    status = described.status
    attempts = described.raw_description.pending_workflow_task.attempt
    if status == WorkflowExecutionStatus.RUNNING and attempts < 2:
        return None
    if status not in (
        WorkflowExecutionStatus.RUNNING,
        WorkflowExecutionStatus.FAILED,
        WorkflowExecutionStatus.TERMINATED,
    ):
        return None
    events = [e async for e in client.get_workflow_handle(pathway_id).fetch_history_events()]
    if status == WorkflowExecutionStatus.FAILED:
        return await _failed(client, pathway_id, events[-1])
    if status == WorkflowExecutionStatus.TERMINATED:
        return await _closed(client, pathway_id, events)
    failed = last_task_failure(events)
    if failed is None:
        return None  # a task that timed out (a worker went away) is retried, not broken
    error = await _error(client, failed.workflow_task_failed_event_attributes.failure)
    return Trouble(
        pathway_id, CANNOT_RUN, error, failed.event_time.ToDatetime(tzinfo=UTC), attempts
    )


def last_task_failure(events: list[HistoryEvent]) -> HistoryEvent | None:
    """The last workflow task's failure event, if the last task to end failed."""
    ends = [e for e in events if e.event_type in _TASK_ENDS]
    return ends[-1] if ends and ends[-1].event_type == _TASK_FAILED else None


async def _error(client: Client, failure: Any) -> str:
    decoded = await client.data_converter.decode_failure(failure)
    return first_line(str(decoded))


async def _failed(client: Client, pathway_id: str, last: HistoryEvent) -> Trouble:
    failure = last.workflow_execution_failed_event_attributes.failure
    return Trouble(
        pathway_id, FAILED, await _error(client, failure), last.event_time.ToDatetime(tzinfo=UTC)
    )


async def _closed(client: Client, pathway_id: str, events: list[HistoryEvent]) -> Trouble:
    last = events[-1]
    attributes = last.workflow_execution_terminated_event_attributes
    record = ClosedRecord("", "", attributes.reason, "")
    if attributes.details.payloads:
        decoded = await client.data_converter.decode(attributes.details.payloads, [ClosedRecord])
        record = decoded[0]
    failed = last_task_failure(events)
    error = record.error
    if not error and failed is not None:
        error = await _error(client, failed.workflow_task_failed_event_attributes.failure)
    since = last.event_time.ToDatetime(tzinfo=UTC)
    return Trouble(
        pathway_id, CLOSED, error, since, closed_by=record.actor_id, reason=record.reason
    )
