"""Retention by the programme's rule, for any front end: what falls due (from the read
model) and a coordinator's extension (the pathway's `extend_retention` update, signed and
checked like every staff request)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import cast

from parcours.adapters.readmodel import Store
from parcours.adapters.readmodel.views import ParticipantView
from parcours.app.client import PathwayClient
from parcours.domain.anonymisation import ExtendRetention
from parcours.domain.records import RequestMeta
from parcours.workflows.messages import UpdateResult
from parcours.workflows.retention import EXTEND_RETENTION_UPDATE


def falling_due(store: Store, now: datetime, within_days: int | None) -> list[ParticipantView]:
    """The pathways whose person is to be anonymised, within `within_days` of `now` when
    given, the soonest first."""
    before = None if within_days is None else now + timedelta(days=within_days)
    return store.retention_due(before)


async def extend_retention(
    pathways: PathwayClient, pathway_id: str, meta: RequestMeta, until: datetime
) -> UpdateResult:
    """Record a coordinator's extension; refused (`RequestRefused`) as the domain says. Its
    reason may name the person: sealed under their key, as every reason."""
    if pathways.sealer is not None:
        meta = await asyncio.to_thread(pathways.sealer.seal_reason, pathway_id, meta)
    args = [meta, ExtendRetention(until)]
    done = await pathways.update(pathway_id, EXTEND_RETENTION_UPDATE, args, meta, UpdateResult)
    return cast(UpdateResult, done)
