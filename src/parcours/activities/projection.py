"""Keeping the SQL read model in step with the pathways.

The workflow hands each change over as a `ProjectionBatch`; the store's upsert is ordered
by the pathway's sequence number, so a retried or replayed activity changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog
from temporalio import activity

from parcours.adapters.readmodel import Store
from parcours.workflows.summaries import ProjectionBatch

log = structlog.stdlib.get_logger("parcours.projection")


class ProjectionActivities:
    def __init__(self, store: Callable[[], Store]) -> None:
        self._store = store

    @activity.defn(name="project_pathway")
    def project_pathway(self, batch: ProjectionBatch) -> bool:
        applied = self._store().project(batch)
        log.info(
            "pathway projected",
            pathway_id=batch.pathway_id,
            last_seq=batch.last_seq,
            applied=applied,
        )
        return applied
