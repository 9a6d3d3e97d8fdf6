"""`parcours doctor`: the pathways in trouble, and closing one that cannot run.

Listing asks the service's visibility for the open pathways and those closed failed or
terminated, then each one's description (`health.diagnose`); only a pathway in trouble
has its history read. Closing terminates the workflow with a fixed reason and the
coordinator's record in its encrypted details, so the close stays in the pathway's
history for `doctor` and the audit to show; the reason typed is sealed under the
person's key, as every reason staff type (it may name the person).
"""

from __future__ import annotations

import asyncio

from parcours.app.client import PathwayClient
from parcours.app.health import CANNOT_RUN, CLOSE_REASON, ClosedRecord, Trouble, diagnose
from parcours.app.queries import pathways_query
from parcours.domain.errors import NotPermitted
from parcours.domain.permissions import may_close_broken
from parcours.domain.records import RequestMeta

AT_ONCE = 16
"""Pathways described at once."""


class NotInTrouble(Exception):
    """`doctor close` of a pathway that runs (or is closed already): nothing to close."""

    def __init__(self, pathway_id: str) -> None:
        super().__init__(pathway_id)
        self.pathway_id = pathway_id


async def troubles(pathways: PathwayClient, task_queue: str) -> list[Trouble]:
    """Every pathway of this task queue that cannot run, failed, or was closed by a
    coordinator, those that cannot run first, then by pathway id."""
    queue = pathways_query(task_queue, include_closed=True)
    open_ones = await pathways.list(f"{queue} AND ExecutionStatus = 'Running'", limit=100_000)
    ended = await pathways.list(
        f"{queue} AND ExecutionStatus IN ('Failed', 'Terminated')", limit=100_000
    )
    ids = dict.fromkeys(s.pathway_id for s in (*open_ones, *ended))
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(pathway_id: str) -> Trouble | None:
        async with gate:
            return await diagnose(pathways.temporal, pathway_id)

    found = [t for t in await asyncio.gather(*(one(i) for i in ids)) if t is not None]
    return sorted(found, key=lambda t: (t.condition != CANNOT_RUN, t.pathway_id))


async def close(pathways: PathwayClient, pathway_id: str, meta: RequestMeta) -> Trouble:
    """Close a pathway that cannot run, keeping who closed it, why, and its error.

    Only a coordinator may (`domain.permissions.may_close_broken`), and only a pathway
    that cannot run: one that runs is refused (`NotInTrouble`), whatever its state.
    """
    role = meta.actor.role
    if not may_close_broken(role):
        raise NotPermitted(
            f"the {role.value} role may not close a pathway that cannot run",
            code="role_may_not_close",
            values={"role": role.value},
        )
    trouble = await diagnose(pathways.temporal, pathway_id)
    if trouble is None or trouble.condition != CANNOT_RUN:
        raise NotInTrouble(pathway_id)
    if pathways.sealer is not None:
        meta = await asyncio.to_thread(pathways.sealer.seal_reason, pathway_id, meta)
    record = ClosedRecord(meta.actor.actor_id, role.value, meta.reason, trouble.error)
    await pathways.temporal.get_workflow_handle(pathway_id).terminate(record, reason=CLOSE_REASON)
    closed = await diagnose(pathways.temporal, pathway_id)
    assert closed is not None  # terminated just now
    return closed
