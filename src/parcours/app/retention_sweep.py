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
or terminated, closed by `doctor close` when it could not run) has no final state to read:
its person is due the programme's months after the referral or the closing, whichever is
later (`domain.erasure.unfinished_due_at`), read from its start and its description.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from temporalio.client import WorkflowExecutionStatus

from parcours.adapters.readmodel import Store
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.erasure import Erased, erase_person, start_input
from parcours.app.queries import pathways_query
from parcours.domain.anonymisation import anonymisation_reason, ended_retention_over
from parcours.domain.erasure import unfinished_due_at, unfinished_reason
from parcours.domain.programme_data import DEFAULT_ANONYMISE_MONTHS
from parcours.domain.records import RequestMeta
from parcours.programmes import UnknownProgramme, get_programme

AT_ONCE = 8
"""Final states read at once (each replays a completed history on a worker)."""

UNFINISHED_STATUSES = (WorkflowExecutionStatus.FAILED, WorkflowExecutionStatus.TERMINATED)
UNFINISHED = "(ExecutionStatus = 'Failed' OR ExecutionStatus = 'Terminated')"
"""Workflows that never ran to the end: refused at their start, or closed by `doctor close`."""


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
    judge = _Judge(pathways, now)
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

    def __init__(self, pathways: PathwayClient, now: datetime) -> None:
        self._pathways, self._now = pathways, now
        self._raw = PathwayClient(pathways.temporal, pathways.task_queue)  # reasons sealed
        self._gate = asyncio.Semaphore(AT_ONCE)

    async def completed(self, pathway_id: str) -> Due | None:
        """By its final state; None when the id's latest run is not the completed one (a
        pathway started again under the same id: its running run decides)."""
        async with self._gate:
            described = await self._pathways.temporal.get_workflow_handle(pathway_id).describe()
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
        final state to read (`domain.erasure.unfinished_due_at`)."""
        async with self._gate:
            handle = self._pathways.temporal.get_workflow_handle(pathway_id)
            described = await handle.describe()
            if described.status not in UNFINISHED_STATUSES or described.close_time is None:
                return None
            start = await start_input(self._pathways, pathway_id)
        name, months = _retention_months(start.programme)
        referred_at = start.referral.referred_at
        due = unfinished_due_at(referred_at, described.close_time, months)
        if due > self._now:
            return None
        return Due(pathway_id, name, due, unfinished_reason(referred_at))


def _retention_months(sent: dict[str, Any]) -> tuple[str, int]:
    """The programme a start names, and its months of retention after the last contact:
    the default months for a programme the catalogue does not have (a start sent wrong)."""
    name, version = str(sent.get("name", "")), sent.get("version")
    try:
        programme = get_programme(name, version if isinstance(version, int) else None)
    except UnknownProgramme:
        return name, DEFAULT_ANONYMISE_MONTHS
    return name, programme.timers.anonymise_after_last_contact_months


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
