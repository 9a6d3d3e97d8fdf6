"""`retention sweep`, for any front end: the persons of pathways whose run has ended, which
no run can anonymise any more, erased once their retention by the last contact is over.

A pathway whose workflow completed (closed for good at the end of the earlier rule's
retention after exit, or at exit before exited pathways were kept) records nothing more,
so its own timer never erases its person. The sweep lists those the service's visibility
gives as completed, keeps those whose person still has a key (an erased person, by the
pathway or by `erase`, has none left), reads each one's final state as stored (no reason
is opened: it is no read of the person) and asks the domain whether its retention is over
(`domain.anonymisation.ended_retention_over`). Each is then erased as `erase` erases a
pathway whose run has ended (`app.erasure.erase_person`), with the reason the pathway
itself would have given.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from temporalio.client import WorkflowExecutionStatus

from parcours.adapters.readmodel import Store
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.erasure import Erased, erase_person
from parcours.app.queries import pathways_query
from parcours.domain.anonymisation import anonymisation_reason, ended_retention_over
from parcours.domain.records import PathwayState, RequestMeta
from parcours.programmes import get_programme

AT_ONCE = 8
"""Final states read at once (each replays a completed history on a worker)."""


@dataclass(frozen=True)
class Due:
    """An ended pathway whose person is to be erased now."""

    pathway_id: str
    programme: str
    due_at: datetime
    reason: str


@dataclass
class Swept:
    """What `sweep` did: the erasures, and the pathways that failed with why."""

    erased: list[Erased] = field(default_factory=list)
    failed: dict[str, Exception] = field(default_factory=dict)


async def ended_past_due(
    pathways: PathwayClient, store: Store, now: datetime
) -> tuple[list[Due], dict[str, BaseException]]:
    """The ended pathways whose person is to be erased at `now`, the soonest due first, and
    those whose final state could not be read, with why."""
    queue = pathways_query(pathways.task_queue, include_closed=True)
    ended = await pathways.list(f"{queue} AND ExecutionStatus = 'Completed'", limit=100_000)
    ids = [s.pathway_id for s in ended]
    keyed = await asyncio.to_thread(lambda: [i for i in ids if store.keys_of_pathway(i)])
    raw = PathwayClient(pathways.temporal, pathways.task_queue)  # reasons left sealed
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(pathway_id: str) -> PathwayState | None:
        """The final state; None when the id's latest run is not the completed one (a
        pathway started again under the same id: its running run decides)."""
        async with gate:
            described = await pathways.temporal.get_workflow_handle(pathway_id).describe()
            if described.status is not WorkflowExecutionStatus.COMPLETED:
                return None
            return await raw.state(pathway_id)

    answers = await asyncio.gather(*(one(i) for i in keyed), return_exceptions=True)
    found: list[Due] = []
    unread: dict[str, BaseException] = {}
    for pathway_id, answer in zip(keyed, answers, strict=True):
        if isinstance(answer, BaseException):
            unread[pathway_id] = answer
            continue
        if answer is None:
            continue
        programme = get_programme(answer.programme, answer.programme_version)
        due = ended_retention_over(answer, programme, now)
        if due is not None:
            reason = anonymisation_reason(answer)
            found.append(Due(pathway_id, answer.programme, due, reason))
    return sorted(found, key=lambda d: (d.due_at, d.pathway_id)), unread


async def sweep(
    pathways: PathwayClient,
    store: Store,
    keyring: Keyring,
    due: list[Due],
    meta: RequestMeta,
    *,
    done: Callable[[int], None] = lambda _: None,
) -> Swept:
    """Erase the person of each pathway of `due`, one after another, each with its own
    reason and a request id derived from `meta`'s; one that fails stops nothing."""
    swept = Swept()
    for count, pathway in enumerate(due, start=1):
        request = dataclasses.replace(
            meta, request_id=f"{meta.request_id}:{pathway.pathway_id}", reason=pathway.reason
        )
        try:
            erased = await erase_person(pathways, store, keyring, pathway.pathway_id, request)
        except Exception as err:  # noqa: BLE001 - each failure is reported, the rest goes on
            swept.failed[pathway.pathway_id] = err
        else:
            swept.erased.append(erased)
        done(count)
    return swept
