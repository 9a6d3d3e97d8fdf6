"""What a pathway's start holds, read from its history as plain JSON: for a pathway whose
workflow never ran to the end (failed, closed by `doctor close`, cancelled, timed out),
which answers no question, and whose start may be the very input it could not take.

Read leniently, field by field: an identity that does not fit `Participant`, or a date
that is not one, is left out (None) instead of stopping the erasure of what can be erased.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from parcours.app.errors import not_found
from parcours.workflows.messages import Participant

UNFINISHED_STATUSES = (
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TERMINATED,
    WorkflowExecutionStatus.CANCELED,
    WorkflowExecutionStatus.TIMED_OUT,
)
UNFINISHED = (
    "(ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated'"
    " OR ExecutionStatus = 'Canceled' OR ExecutionStatus = 'TimedOut')"
)
"""Workflows that never ran to the end, as the service's visibility lists them."""

_PARTICIPANT_FIELDS = frozenset(f.name for f in fields(Participant))


@dataclass(frozen=True)
class Started:
    """A pathway's latest run and its start: the identity as sent (sealed), the programme
    it was sent with, and the state it carried if it was continued as new."""

    pathway_id: str
    status: WorkflowExecutionStatus | None
    closed_at: datetime | None
    participant: Participant | None
    programme: dict[str, Any]
    state: dict[str, Any]


async def read_start(client: Client, pathway_id: str) -> Started:
    """The latest run's description and the start its own history keeps."""
    try:
        described = await client.get_workflow_handle(pathway_id).describe()
    except RPCError as err:
        raise not_found(err, pathway_id) from None
    handle = client.get_workflow_handle(pathway_id, run_id=described.run_id)
    start: dict[str, Any] = {}
    async for event in handle.fetch_history_events():
        payloads = event.workflow_execution_started_event_attributes.input.payloads
        start = _mapping((await client.data_converter.decode(payloads, [dict]))[0])
        break
    return Started(
        pathway_id,
        described.status,
        described.close_time,
        _participant(start.get("participant")),
        _mapping(start.get("programme")),
        _mapping(start.get("state")),
    )


def instant(value: object) -> datetime | None:
    """An ISO 8601 instant as JSON carries it (UTC when it names no zone); None if not."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _participant(value: object) -> Participant | None:
    known = {k: v for k, v in _mapping(value).items() if k in _PARTICIPANT_FIELDS}
    try:
        return Participant(**known)
    except TypeError:  # a name missing: nothing to find the reservations by
        return None


def _mapping(value: object) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}
