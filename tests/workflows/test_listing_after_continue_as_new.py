"""After a continue-as-new, a pathway lists once and its short reference still resolves.

Visibility keeps one row per run of a workflow id; the client must show one per pathway.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient, PathwaySummary
from parcours.domain import commands as c
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.polling import eventually
from tests.servers import SUGGEST_AFTER_EVENTS
from tests.support import T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def continued_as_new(env: WorkflowEnvironment, pathways: PathwayClient) -> str:
    """A pathway whose first run continued as new, once visibility shows both runs."""
    pid = await pathways.refer(get_programme("atp-cergy"), participant(), referral(), meta())
    handle = env.client.get_workflow_handle(pid)
    first_run = (await handle.describe()).run_id
    for _ in range(SUGGEST_AFTER_EVENTS):
        await pathways.execute(pid, c.RecordContact(T0), meta())

    async def continued_and_listed() -> bool:
        runs = [e async for e in env.client.list_workflows(f"WorkflowId = '{pid}'")]
        return len(runs) >= 2 and (await handle.describe()).run_id != first_run

    await eventually(continued_and_listed, what="both runs of the pathway were listed")
    return pid


async def test_a_continued_pathway_lists_once_and_resolves(
    low_threshold_env: WorkflowEnvironment,
    tmp_path: Path,
) -> None:
    settings = Settings.self_contained(str(tmp_path))
    async with build_worker(low_threshold_env.client, settings, default_activities(settings)):
        pathways = PathwayClient(low_threshold_env.client, settings.task_queue)
        pid = await continued_as_new(low_threshold_env, pathways)
        short = pid.removeprefix("pathway-")[:6]

        assert await pathways.resolve(short) == pid
        assert await pathways.resolve(f"pathway-{short}") == pid

        def mine(found: list[PathwaySummary]) -> list[PathwaySummary]:
            return [s for s in found if s.pathway_id == pid]

        (listed,) = mine(await pathways.list())
        assert listed.running
        (running,) = mine(await pathways.list("ExecutionStatus = 'Running'"))
        assert running.running
        # What `parcours list --closed` and `readmodel rebuild` ask: open or closed, once.
        (closed_too,) = mine(await pathways.list(f"TaskQueue = '{settings.task_queue}'"))
        assert closed_too.stage == "referred"
