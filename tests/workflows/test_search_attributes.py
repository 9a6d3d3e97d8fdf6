"""Pathways are listed by programme, stage, referent and next alert: no personal data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parcours.app.client import PathwayClient, PathwaySummary
from parcours.domain import commands as c
from parcours.programmes import get_programme
from tests.polling import eventually
from tests.support import RECOGNISABLE_NAME, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def listed(pathways: PathwayClient, query: str, pid: str) -> PathwaySummary:
    """Visibility is eventually consistent: ask until the pathway is listed."""

    async def found() -> list[PathwaySummary]:
        return [s for s in await pathways.list(query) if s.pathway_id == pid]

    return (await eventually(found, what=f"{pid} listed for {query!r}"))[0]


async def test_listing_follows_the_stage_without_personal_data(pathways: PathwayClient) -> None:
    now = datetime.now(UTC)
    pid = await pathways.refer(
        get_programme("atp-cergy"), participant(), referral(at=now, referent="staff-ab12"), meta()
    )
    assert pid.startswith("pathway-")
    assert RECOGNISABLE_NAME.split()[1].lower() not in pid.lower()
    await pathways.execute(
        pid, c.CompleteIntake(now, ("precarious_worker", "lives_in_territory")), meta()
    )
    summary = await listed(
        pathways,
        "ParcoursProgramme = 'atp-cergy' AND ParcoursStage = 'barrier_work' "
        "AND ParcoursReferent = 'staff-ab12'",
        pid,
    )
    assert summary.next_alert_at is not None
    description = await pathways.temporal.get_workflow_handle(pid).describe()
    stored = repr(description.typed_search_attributes) + repr(description.raw_description)
    for part in RECOGNISABLE_NAME.split():
        assert part not in stored
