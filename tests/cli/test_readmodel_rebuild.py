"""`parcours readmodel rebuild` gives the rows the live projection wrote, on both databases.

It never empties the read model on the way, and a rebuild longer than the answer timeout
is not cut off: the timeout bounds each question to the service, not the whole job.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, update
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, Store, open_store
from parcours.adapters.readmodel.tables import ParticipantRow, TimelineRow
from parcours.adapters.settings import Settings
from parcours.app import rebuild as readmodel_rebuild
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import BarrierKind, PartnerKind, Stage
from parcours.programmes import get_programme
from parcours.workflows.summaries import ProjectionBatch
from tests.cli.runner import Cli
from tests.projection import projected
from tests.readmodel.builders import batch
from tests.samples import ATP_CRITERIA
from tests.support import T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

GHOST = "pathway-00000000000000ff"
SLOW_S = 0.4
ANSWER_TIMEOUT_S = 1


@pytest.fixture
def cli_settings(tmp_path: Path, db_url: str) -> Settings:
    """The CLI fixture's worker projects into this test's database."""
    base = Settings.self_contained(str(tmp_path))
    return replace(base, task_queue=f"rebuild-{uuid.uuid4().hex[:8]}", readmodel_url=db_url)


def rows(store: Store) -> dict[str, Any]:
    """Everything the projection holds, but when each row was last written."""
    participants = [
        {k: v for k, v in asdict(p).items() if k != "updated_at"} for p in store.list_participants()
    ]
    return {
        "participants": participants,
        "timeline": {p["pathway_id"]: store.timeline(p["pathway_id"]) for p in participants},
        "alerts": store.alerts(),
    }


async def three_pathways(pathways: PathwayClient, url: str, folder: Path) -> list[str]:
    # The referrer is in the directory, so telling it settles at once (a referrer missing
    # from it would add a failure event and an alert after the projection caught up).
    with open_store(url) as store:
        store.add_partner(Partner("CCAS", PartnerKind.REFERRER, ChannelKind.FILE, str(folder)))
    atp = get_programme("atp-cergy")
    first = await pathways.refer(atp, participant(), referral(), meta())
    second = await pathways.refer(atp, participant("Ana", "Ferreira"), referral(), meta())
    await pathways.execute(second, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await pathways.execute(second, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await pathways.execute(second, c.OpenBarrier(BarrierKind.HOUSING), meta())
    third = await pathways.refer(atp, participant("Blessing", "Okafor"), referral(), meta())
    await pathways.execute(third, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    return [first, second, third]


async def test_a_rebuild_gives_the_live_projection_back(
    temporal_env: WorkflowEnvironment,
    cli: Cli,
    cli_settings: Settings,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    ids = await three_pathways(pathways, db_url, tmp_path / "ccas")
    with open_store(db_url) as store:
        await projected(pathways, store, ids)
        live = rows(store)
        assert {p["pathway_id"] for p in live["participants"]} == set(ids)

        # Damage the read model: a pathway lost, one wrong, one that never existed.
        first, second, _third = ids
        store.remove_pathways([first])
        with store.engine.begin() as conn:
            conn.execute(
                update(ParticipantRow)
                .where(ParticipantRow.pathway_id == second)
                .values(stage=Stage.EXITED)
            )
            conn.execute(
                delete(TimelineRow).where(TimelineRow.pathway_id == second, TimelineRow.seq == 2)
            )
        store.project(batch(GHOST))
        before = len(store.list_participants())

        # Each pathway takes longer than the answer timeout allows the whole rebuild.
        seen_during: list[int] = []

        def slow_batch_of(state: PathwayState) -> ProjectionBatch:
            seen_during.append(len(store.list_participants()))
            time.sleep(SLOW_S)
            return original(state)

        original = readmodel_rebuild.batch_of
        monkeypatch.setattr(readmodel_rebuild, "batch_of", slow_batch_of)
        started = time.monotonic()
        result = await asyncio.to_thread(
            cli,
            "readmodel",
            "rebuild",
            PARCOURS_READMODEL_URL=db_url,
            PARCOURS_ANSWER_TIMEOUT=str(ANSWER_TIMEOUT_S),
        )
        took = time.monotonic() - started

        assert result.exit_code == 0, result.output
        assert took > ANSWER_TIMEOUT_S
        assert "Read model rebuilt from 3 pathways." in result.stdout
        assert "1 pathway" in result.stdout  # the ghost, dropped
        assert rows(store) == live
        assert store.get_participant(GHOST) is None
        # Never emptied on the way: every pathway held before stayed readable.
        assert len(seen_during) == 3
        assert min(seen_during) >= before


async def test_a_worker_that_does_not_answer_stops_the_rebuild_without_emptying(
    temporal_env: WorkflowEnvironment,
    cli: Cli,
    cli_settings: Settings,
    db_url: str,
    tmp_path: Path,
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    ids = await three_pathways(pathways, db_url, tmp_path / "ccas")
    # A task queue no worker polls: its pathway is listed, and never answers.
    orphans = f"no-worker-{uuid.uuid4().hex[:8]}"
    atp = get_programme("atp-cergy")
    await PathwayClient(temporal_env.client, orphans).refer(atp, participant(), referral(), meta())
    with open_store(db_url) as store:
        await projected(pathways, store, ids)
        held = rows(store)
        started = time.monotonic()
        result = await asyncio.to_thread(
            cli,
            "readmodel",
            "rebuild",
            PARCOURS_READMODEL_URL=db_url,
            PARCOURS_ANSWER_TIMEOUT="1",
            PARCOURS_TASK_QUEUE=orphans,
        )
        assert result.exit_code == 5, result.output
        assert "No worker answered within 1 s" in result.output
        assert time.monotonic() - started < 10
        assert rows(store) == held
