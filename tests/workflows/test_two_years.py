"""A pathway walked through two years on the dev server's per-workflow time skipping.

Every alert the pathway raises is checked at its instant: not raised an hour before it
is due, raised within the hour after.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import WorkflowHandle
from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

from parcours import search_attributes as sa
from parcours.client import PathwayClient
from parcours.converter import data_converter
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertRule, ContractType, Stage
from parcours.programmes import get_programme
from parcours.settings import Settings
from parcours.worker import build_worker, default_activities
from tests.conftest import TEST_KEYRING, dev_server_path
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

HOUR = timedelta(hours=1)
ATP = get_programme("atp-cergy")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        data_converter=data_converter(TEST_KEYRING),
        dev_server_existing_path=dev_server_path(),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
        ],
    )
    try:
        yield env
    finally:
        await env.shutdown()


async def raised(pathways: PathwayClient, pid: str) -> dict[str, Any]:
    state = await pathways.state(pid)
    return {a.alert_id: a for a in state.alerts}


async def walk_to_next_alert(
    env: WorkflowEnvironment, pathways: PathwayClient, handle: WorkflowHandle[Any, Any]
) -> list[str]:
    """Fast-forward to one hour before the next due alert, then past it; return what it raised."""
    status = await pathways.status(handle.id)
    assert status.next_alert_at is not None
    now = await env.get_current_time(handle)
    before = await raised(pathways, handle.id)
    gap = status.next_alert_at - now - HOUR
    if gap > timedelta(0):
        await env.fast_forward(handle, gap)
        assert await raised(pathways, handle.id) == before, "an alert fired before its instant"
    await env.fast_forward(handle, 2 * HOUR)
    after = await raised(pathways, handle.id)
    new = [after[k] for k in after if k not in before]
    assert new, f"nothing was raised at {status.next_alert_at}"
    for alert in new:
        assert alert.due_at <= alert.raised_at < alert.due_at + 2 * HOUR
    return [a.rule.value for a in new]


async def test_two_years_of_alerts_each_on_its_day(
    skipping_env: WorkflowEnvironment, tmp_path: Any
) -> None:
    settings = Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path)})
    async with build_worker(skipping_env.client, settings, default_activities(settings)):
        pathways = PathwayClient(skipping_env.client, settings.task_queue)
        # The workflow's virtual clock starts at the real now: commands are dated from it.
        start = datetime.now().astimezone()
        pid = await pathways.refer(ATP, participant(), referral(at=start), meta())
        handle = skipping_env.client.get_workflow_handle(pid)
        rules = await walk_to_next_alert(skipping_env, pathways, handle)
        assert rules == [AlertRule.INTAKE_OVERDUE.value]

        now = await skipping_env.get_current_time(handle)
        criteria = ("precarious_worker", "lives_in_territory")
        for command in (
            c.CompleteIntake(now, criteria),
            c.SignContract(now),
            c.StartCoaching(now),
            c.StartMission("", "Hôpital", now, ContractType.PERMANENT, 35),
        ):
            await pathways.execute(pid, command, meta())
        assert (await pathways.status(pid)).stage is Stage.IN_EMPLOYMENT
        deadline = (await pathways.status(pid)).accompaniment_ends_at
        assert deadline is not None

        seen: list[str] = []
        while AlertRule.ACCOMPANIMENT_DEADLINE_REACHED.value not in seen:
            seen += await walk_to_next_alert(skipping_env, pathways, handle)
        for rule in (
            AlertRule.POST_HIRE_CHECKIN,
            AlertRule.NO_CONTACT,
            AlertRule.ALERT_UNACKNOWLEDGED,
            AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING,
            AlertRule.ACCOMPANIMENT_DEADLINE_REACHED,
        ):
            assert rule.value in seen
        assert seen.count(AlertRule.POST_HIRE_CHECKIN.value) == len(
            ATP.timers.post_hire_checkin_days
        )
        assert await skipping_env.get_current_time(handle) >= deadline
