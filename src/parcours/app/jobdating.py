"""Running job-dating events from any front end: plan, invite, record, read, list.

Planning checks what the event's workflow cannot: that each agency is an active temp
agency of the partner directory, and that each candidate's pathway, as it stands now,
allows a job-dating (`domain.jobdating`). The event's id is derived from the planning
request's id, so a retried plan starts one event. The rest are the event's own updates
and queries; refusals come back as `RequestRefused`, as a pathway's do, and so does a
plan the worker refuses at the event's start (its signature, `workflows.actors`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from parcours.adapters.readmodel import Store
from parcours.app.client import PathwayClient
from parcours.app.errors import refusal_of
from parcours.app.sending import update_id
from parcours.domain.errors import MoveRefused
from parcours.domain.horizons import check_planned
from parcours.domain.jobdating import (
    Candidate,
    JobDatingEvent,
    OutcomeEntry,
    check_agency,
    check_candidate,
    check_plan,
    check_role,
)
from parcours.domain.pathway import Pathway
from parcours.domain.records import RequestMeta
from parcours.domain.sessions import check_known_session, in_group
from parcours.programmes import get_programme
from parcours.workflows import search_attributes as sa
from parcours.workflows.jobdating_messages import (
    JOBDATING_PREFIX,
    JOBDATING_TYPE,
    InvitationReport,
    JobDatingInput,
    RecordAnswer,
)

SHORTEST_REFERENCE = 4
EVENT_HEX = 16
"""The hex digits of an event id after its prefix: an id that long is whole, not a prefix."""
CHECK_WAIT = timedelta(seconds=30)
"""How long planning waits for the worker's check of the plan (no worker running: it is
checked once one is); past it, the event's id is answered as planned."""


class JobDatingNotFound(LookupError):
    """No job-dating event with that id or prefix; the one argument is the reference."""


class JobDatingFinished(LookupError):
    """The job-dating's run has ended (every candidate's outcome recorded): it takes no
    more requests, though `show` and `list` still read it; the argument is its id."""


class BadEventReference(ValueError):
    """A reference too short to name one event (`why`: `short`), or that several events'
    ids start with (`ambiguous`): a mistake in the command."""

    def __init__(self, reference: str, why: str) -> None:
        super().__init__(reference)
        self.reference, self.why = reference, why


@dataclass(frozen=True)
class Plan:
    programme: str
    held_at: datetime
    place: str
    agencies: list[str]
    candidates: list[str]
    """Pathway ids or short references."""


def event_id_for(request_id: str) -> str:
    """Opaque, and the same for a retried plan: a digest of the planning request's id."""
    return f"{JOBDATING_PREFIX}{hashlib.sha256(request_id.encode()).hexdigest()[:EVENT_HEX]}"


async def plan(pathways: PathwayClient, store: Store, plan: Plan, meta: RequestMeta) -> str:
    """Start the event once everything it names is checked; its id."""
    check_role(meta.actor.role)
    check_plan(plan.place, plan.agencies, plan.candidates)
    check_planned(plan.held_at, datetime.now(UTC))
    for name in plan.agencies:
        partner = store.get_partner(name)
        check_agency(name, partner.kind if partner else None, bool(partner and partner.active))
    ids = [await pathways.resolve(ref) for ref in plan.candidates]
    check_plan(plan.place, plan.agencies, ids)  # two references to one pathway
    for pathway_id in ids:
        check_candidate(await _pathway(pathways, pathway_id), plan.programme, plan.held_at)
    event_id = event_id_for(meta.request_id)
    event = JobDatingEvent(
        event_id,
        plan.programme,
        plan.held_at,
        plan.place.strip(),
        list(plan.agencies),
        [Candidate(pathway_id) for pathway_id in ids],
        planned_by=meta.actor.actor_id,
    )
    with contextlib.suppress(WorkflowAlreadyStartedError):  # a retried plan: its event
        await pathways.temporal.start_workflow(
            JOBDATING_TYPE,
            JobDatingInput(event, meta),
            id=event_id,
            task_queue=pathways.task_queue,
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(sa.PROGRAMME, plan.programme)]
            ),
        )
    await _accepted(pathways.temporal, event_id)
    return event_id


async def _accepted(client: Client, event_id: str) -> None:
    """Wait for the event's first step, the worker's check of the plan's signature
    (`workflows.actors`), at most `CHECK_WAIT`: a refused plan fails the event, said as
    `RequestRefused`. The history says when that step is done (its first workflow task
    completed); a query could be answered before it, from the start alone."""
    handle = _handle(client, event_id)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(CHECK_WAIT.total_seconds()):
            async for event in handle.fetch_history_events(wait_new_event=True):
                if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                    break
    if (await handle.describe()).status != WorkflowExecutionStatus.FAILED:
        return
    try:
        await handle.result()
    except WorkflowFailureError as err:
        raise refusal_of(err.cause) from None


async def _pathway(pathways: PathwayClient, pathway_id: str) -> Pathway:
    state = await pathways.state(pathway_id)
    return Pathway(get_programme(state.programme, state.programme_version), state)


async def session_candidates(
    pathways: PathwayClient, store: Store, programme: str, session: str, held_at: datetime
) -> tuple[list[str], list[tuple[str, MoveRefused]]]:
    """The session's pathways that may meet the agencies now, and those left out, each
    with the rule that leaves it out (exited pathways are not asked)."""
    taken: list[str] = []
    left: list[tuple[str, MoveRefused]] = []
    people = store.session_people(programme, session)
    check_known_session(store.get_session(programme, session), programme, session, len(people))
    for pathway_id, stage in people:
        if not in_group(stage):
            continue
        try:
            check_candidate(await _pathway(pathways, pathway_id), programme, held_at)
        except MoveRefused as refused:
            left.append((pathway_id, refused))
            continue
        taken.append(pathway_id)
    return taken, left


async def invite(client: Client, event_id: str, meta: RequestMeta) -> InvitationReport:
    result = await _update(client, event_id, "invite", [meta], meta, kind=InvitationReport)
    assert isinstance(result, InvitationReport)
    return result


async def record(
    client: Client, event_id: str, entries: list[OutcomeEntry], meta: RequestMeta
) -> RecordAnswer:
    result = await _update(client, event_id, "record", [meta, entries], meta, kind=RecordAnswer)
    assert isinstance(result, RecordAnswer)
    return result


async def _update(
    client: Client, event_id: str, name: str, args: list[Any], meta: RequestMeta, *, kind: type
) -> object:
    try:
        return await _handle(client, event_id).execute_update(
            name, args=args, id=update_id(meta.request_id, name), result_type=kind
        )
    except WorkflowUpdateFailedError as err:
        raise refusal_of(err.cause) from None
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise await _not_running(client, event_id) from None
        raise


async def _not_running(client: Client, event_id: str) -> LookupError:
    """Why an update found no running event: none of that id, or one whose run is over."""
    try:
        await _handle(client, event_id).describe()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return JobDatingNotFound(event_id)
        raise
    return JobDatingFinished(event_id)


async def retry_message(client: Client, event_id: str, key: str, meta: RequestMeta) -> int:
    """Have the event send one of its messages again; how many went to the channels."""
    result = await _update(client, event_id, "retry_message", [meta, key], meta, kind=int)
    assert isinstance(result, int)
    return result


async def status(client: Client, event_id: str) -> JobDatingEvent:
    try:
        found: JobDatingEvent = await _handle(client, event_id).query(
            "status", result_type=JobDatingEvent
        )
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            raise JobDatingNotFound(event_id) from None
        raise
    return found


def _handle(client: Client, event_id: str) -> WorkflowHandle[Any, Any]:
    return client.get_workflow_handle(event_id)


async def event_ids(
    client: Client, task_queue: str, programme: str | None = None, prefix: str = ""
) -> list[str]:
    """The events' ids of this deployment (its task queue), newest first, of one programme
    or all, starting with `prefix`."""
    query = f"WorkflowType = '{JOBDATING_TYPE}' AND TaskQueue = '{task_queue}'"
    if programme:
        query += f" AND {sa.PROGRAMME.name} = '{programme}'"
    if prefix:
        query += f" AND WorkflowId STARTS_WITH '{prefix}'"
    return [execution.id async for execution in client.list_workflows(query)]


async def resolve(client: Client, task_queue: str, reference: str) -> str:
    """The full event id of an id or an unambiguous prefix of it (at least 4 characters)."""
    reference = reference.strip().lower()
    bare = reference.removeprefix(JOBDATING_PREFIX)
    if len(bare) < SHORTEST_REFERENCE:
        raise BadEventReference(reference, "short")
    if not all(c in "0123456789abcdef" for c in bare):
        raise JobDatingNotFound(reference)
    if len(bare) == EVENT_HEX:  # a whole id: the service's list may not show it yet
        return f"{JOBDATING_PREFIX}{bare}"
    found = sorted(set(await event_ids(client, task_queue, prefix=f"{JOBDATING_PREFIX}{bare}")))
    if len(found) > 1:
        raise BadEventReference(reference, "ambiguous")
    if not found:
        raise JobDatingNotFound(reference)
    return found[0]
