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

A pathway whose workflow never ran to the end (failed, its referral refused at its start;
terminated, closed by `doctor close` when it could not run; cancelled or timed out) has no
final state to read: its person is due the months its programme keeps a record after the
last contact, counted from its closing, or at the date a coordinator extended it to if
later (`domain.erasure.unfinished_due_at`), read from its start (`app.started`).
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
from parcours.app.health import latest_run
from parcours.app.queries import pathways_query
from parcours.app.started import UNFINISHED, UNFINISHED_STATUSES, instant, read_start
from parcours.domain.anonymisation import ended_retention_over
from parcours.domain.erasure import (
    anonymisation_reason,
    unfinished_due_at,
    unfinished_months,
    unfinished_reason,
)
from parcours.domain.records import RequestMeta
from parcours.programmes import UnknownProgramme, get_programme

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
    completed = await _keyed(pathways, store, f"{queue} AND ExecutionStatus = 'Completed'")
    unfinished = await _keyed(pathways, store, f"{queue} AND {UNFINISHED}")
    judge = _Judge(pathways, store, now)
    ids = [*completed, *unfinished]
    answers = await asyncio.gather(
        *(judge.completed(i) for i in completed),
        *(judge.unfinished(i) for i in unfinished),
        return_exceptions=True,
    )
    found: list[Due] = []
    unread: dict[str, BaseException] = {}
    for pathway_id, answer in zip(ids, answers, strict=True):
        if isinstance(answer, BaseException):
            unread[pathway_id] = answer
        elif answer is not None:
            found.append(answer)
    return sorted(found, key=lambda d: (d.due_at, d.pathway_id)), unread


async def _keyed(pathways: PathwayClient, store: Store, query: str) -> list[str]:
    """The pathways `query` lists whose person still has a key."""
    listed = [s.pathway_id for s in await pathways.list(query, limit=100_000)]
    return await asyncio.to_thread(lambda: [i for i in listed if store.keys_of_pathway(i)])


class _Judge:
    """Whether an ended pathway's person is due at `now`, a few pathways at once."""

    def __init__(self, pathways: PathwayClient, store: Store, now: datetime) -> None:
        self._pathways, self._store, self._now = pathways, store, now
        self._raw = PathwayClient(pathways.temporal, pathways.task_queue)  # reasons sealed
        self._gate = asyncio.Semaphore(AT_ONCE)

    async def completed(self, pathway_id: str) -> Due | None:
        """By its final state; None when the id's latest run is not the completed one (a
        pathway started again under the same id: its running run decides)."""
        async with self._gate:
            described = await latest_run(self._pathways.temporal, pathway_id)
            if described.status is not WorkflowExecutionStatus.COMPLETED:
                return None
            state = await self._raw.state(pathway_id)
        programme = get_programme(state.programme, state.programme_version)
        due = ended_retention_over(state, programme, self._now)
        if due is None:
            return None
        return Due(pathway_id, state.programme, due, anonymisation_reason(state))

    async def unfinished(self, pathway_id: str) -> Due | None:
        """By its start and its closing, for a workflow that never ran to the end: it has no
        final state to read (`domain.erasure.unfinished_due_at`); None when its latest run
        is another (started again under the same id)."""
        async with self._gate:
            start = await read_start(self._pathways.temporal, pathway_id)
        if start.status not in UNFINISHED_STATUSES or start.closed_at is None:
            return None
        name = str(start.programme.get("name", ""))
        months = unfinished_months(start.programme, _catalogue_months(name))
        shown = await asyncio.to_thread(self._store.get_participant, pathway_id)
        kept_until = [instant(start.state.get("retention_until"))]
        kept_until.append(None if shown is None else shown.retention_due_at)
        due = unfinished_due_at(start.closed_at, months, kept_until)
        if due > self._now:
            return None
        return Due(pathway_id, name, due, unfinished_reason(start.closed_at))


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


def _catalogue_months(name: str) -> int | None:
    """The months the catalogue's programme of that name keeps a record, if it has one."""
    try:
        programme = get_programme(name)
    except UnknownProgramme:
        return None
    return programme.timers.anonymise_after_last_contact_months
