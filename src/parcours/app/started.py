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

from temporalio.client import Client, WorkflowExecutionDescription, WorkflowExecutionStatus

from parcours.app.health import latest_run
from parcours.workflows.messages import Participant

UNFINISHED_STATUSES = (
    WorkflowExecutionStatus.FAILED,
    WorkflowExecutionStatus.TERMINATED,
    WorkflowExecutionStatus.CANCELED,
    WorkflowExecutionStatus.TIMED_OUT,
)
UNFINISHED = (
    "("
    + " OR ".join(
        f"ExecutionStatus = '{status.name.title().replace('_', '')}'"
        for status in UNFINISHED_STATUSES
    )
    + ")"
)
"""Workflows that never ran to the end, as the service's visibility lists them."""

_PARTICIPANT_FIELDS = frozenset(f.name for f in fields(Participant))
_LIST_FIELDS = frozenset({"skills", "languages"})


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
    referral_reason: str = ""
    """The reason the referral was sent with, as the start keeps it (sealed, or as typed
    before reasons were sealed)."""
    earlier_pathway_id: str = ""
    """The same person's earlier pathway its referral names (`Refer.earlier_pathway_id`)."""


async def read_start(
    client: Client, pathway_id: str, run: WorkflowExecutionDescription | None = None
) -> Started:
    """The latest run (`run`, if described already) and the start its own history keeps."""
    described = run or await latest_run(client, pathway_id)
    handle = client.get_workflow_handle(pathway_id, run_id=described.run_id)
    start: dict[str, Any] = {}
    async for event in handle.fetch_history_events():
        start = await _decoded(client, event.workflow_execution_started_event_attributes)
        break
    return Started(
        pathway_id,
        described.status,
        described.close_time,
        _participant(start.get("participant")),
        _mapping(start.get("programme")),
        _mapping(start.get("state")),
        str(_mapping(start.get("meta")).get("reason") or ""),
        str(_mapping(start.get("referral")).get("earlier_pathway_id") or ""),
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


async def _decoded(client: Client, started: Any) -> dict[str, Any]:
    """The start's input as plain JSON; empty when it holds none, or nothing readable."""
    payloads = list(started.input.payloads)
    if not payloads:
        return {}
    try:
        return _mapping((await client.data_converter.decode(payloads[:1]))[0])
    except Exception:  # noqa: BLE001 - an input that is no JSON object: nothing to read
        return {}


def _participant(value: object) -> Participant | None:
    """The identity as sent, if every field of it has the type `Participant` gives it:
    texts, and lists of texts; None otherwise (nothing to find the reservations by)."""
    known = {k: v for k, v in _mapping(value).items() if k in _PARTICIPANT_FIELDS}
    if not all(_typed_as(v, name) for name, v in known.items()):
        return None
    try:
        return Participant(**known)
    except TypeError:  # a name missing
        return None


def _typed_as(value: object, name: str) -> bool:
    if name in _LIST_FIELDS:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, str)


def _mapping(value: object) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}
