"""Waiting for the read model to hold what the pathways recorded: `projected`, for tests
that read the projection (a report, a rebuild) right after driving pathways."""

from __future__ import annotations

from parcours.adapters.readmodel import Store
from parcours.app.client import PathwayClient
from tests.polling import eventually


async def projected(pathways: PathwayClient, store: Store, ids: list[str]) -> None:
    """Wait until the read model holds every event of these pathways, and stays so.

    A pathway may raise an alert just after an update was answered: the status is asked
    again until the projection and the pathway agree twice in a row.
    """

    async def caught_up() -> bool:
        statuses = [await pathways.status(pathway_id) for pathway_id in ids]
        rows_now = [store.get_participant(pathway_id) for pathway_id in ids]
        return all(
            row is not None and row.last_seq == status.last_event_seq
            for row, status in zip(rows_now, statuses, strict=True)
        )

    agreed = 0

    async def agreed_twice_in_a_row() -> bool:
        nonlocal agreed
        agreed = agreed + 1 if await caught_up() else 0
        return agreed == 2

    await eventually(
        agreed_twice_in_a_row, what="the projection caught up with the pathways", every=0.1
    )
