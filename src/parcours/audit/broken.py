"""Histories of pathways whose workflow never ran: said in one sentence, not folded.

A pathway whose first workflow task failed on every attempt (`parcours doctor` says it
cannot run) holds no completed task: there is nothing to fold, only its error, and, once
a coordinator closed it, who closed it and why (`app.health.ClosedRecord`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError

from parcours.app.health import ClosedRecord, first_line, last_task_failure
from parcours.audit.history import PathwayHistory
from parcours.domain.errors import DomainError
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.signing import ActorRefused
from parcours.workflows.messages import PathwayInput

_TERMINATED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED
_FIRST_TASK_PENDING = frozenset(
    {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
        EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    }
)
"""Where a history stands whose first task no worker has finished yet, and none failed."""


class NothingToFold(Exception):
    """The pathway's workflow never ran, or failed at its start: `reason` names the
    sentence (`never_ran`, `never_ran_closed`, `refused_at_start`, or `not_yet` while its
    first task waits for a worker or runs), `detail` what it says."""

    def __init__(
        self, reason: str, detail: str, code: str = "", values: dict[str, str] | None = None
    ) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail
        self.code, self.values = code, values or {}
        """For a refusal, its sentence's name (`refusal.<code>`) and values, so that a
        reader's language can say it; `detail` is its English message."""


async def refused_at_start(
    start: PathwayInput, last: HistoryEvent, converter: DataConverter
) -> None:
    """Raise `NothingToFold` for a history whose workflow failed because its referral was
    refused: by the domain (the workflow's `REFUSED_START_FAILS_PATCH`), or because it did
    not prove who sent it (`SIGNED_REFERRAL_PATCH`): such a pathway never existed."""
    if last.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        return
    programme = ProgrammeDefinition.model_validate(start.programme)
    try:
        Pathway.refer(programme, start.pathway_id, start.referral, start.meta, last_time(last))
    except DomainError as err:
        values = dict(err.values)
        raise NothingToFold("refused_at_start", err.message, err.code, values) from None
    failed = last.workflow_execution_failed_event_attributes.failure
    failure = await converter.decode_failure(failed)
    if isinstance(failure, ApplicationError) and failure.type == ActorRefused.__name__:
        said = failure.details[0] if failure.details else {}
        code, values = str(said.get("code", "")), dict(said.get("values", {}))
        raise NothingToFold("refused_at_start", failure.message, code, values)


def last_time(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime(tzinfo=UTC)


def ran(history: PathwayHistory) -> bool:
    """Whether any workflow task of the pathway completed."""
    return any(
        e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        for run in history.runs
        for e in run.events
    )


async def why_it_never_ran(history: PathwayHistory, converter: DataConverter) -> NothingToFold:
    """Why nothing ran: the workflow's error, and who closed it and why when a
    coordinator did."""
    events = list(history.runs[-1].events)
    failed = last_task_failure(events)
    if failed is None and events[-1].event_type in _FIRST_TASK_PENDING:
        return NothingToFold("not_yet", "")  # just referred, or no worker is up
    error = ""
    if failed is not None:
        failure = failed.workflow_task_failed_event_attributes.failure
        error = first_line(str(await converter.decode_failure(failure)))
    last = events[-1]
    if last.event_type != _TERMINATED:
        return NothingToFold("never_ran", error)
    details = last.workflow_execution_terminated_event_attributes.details.payloads
    if not details:
        reason = last.workflow_execution_terminated_event_attributes.reason
        return NothingToFold("never_ran_closed", reason)
    (record,) = await converter.decode(details, [ClosedRecord])
    said = f"{record.actor_id}: {record.reason} ({record.error or error})"
    return NothingToFold("never_ran_closed", said)
