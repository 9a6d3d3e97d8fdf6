"""A blocking step heartbeats for as long as it runs, through one thread for the process."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from parcours.activities import heartbeat
from parcours.activities.heartbeat import heartbeating

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

STEP_S = 3.0
"""How long each step blocks: twice the heartbeat timeout below."""


@activity.defn
def slow_step(step: int) -> int:
    with heartbeating():
        time.sleep(STEP_S)
    return step


@workflow.defn(sandboxed=False)
class SlowSteps:
    @workflow.run
    async def run(self, steps: int) -> list[int]:
        return list(
            await asyncio.gather(
                *(
                    workflow.execute_activity(
                        slow_step,
                        step,
                        start_to_close_timeout=timedelta(seconds=30),
                        heartbeat_timeout=timedelta(seconds=STEP_S / 2),
                        retry_policy=RetryPolicy(maximum_attempts=1),
                    )
                    for step in range(steps)
                )
            )
        )


def beating_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "parcours-heartbeats"]


async def test_steps_longer_than_their_heartbeat_timeout_finish(
    temporal_env: WorkflowEnvironment,
) -> None:
    queue = f"beats-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(4) as pool:
        async with Worker(
            temporal_env.client,
            task_queue=queue,
            workflows=[SlowSteps],
            activities=[slow_step],
            activity_executor=pool,
            workflow_runner=UnsandboxedWorkflowRunner(),
        ):
            done = await temporal_env.client.execute_workflow(
                SlowSteps.run, 3, id=f"beats-{uuid.uuid4().hex[:8]}", task_queue=queue
            )
    assert done == [0, 1, 2]  # without heartbeats, each would time out after 1.5 s
    assert len(beating_threads()) == 1  # one thread beat for the three at once


def test_outside_an_activity_nothing_beats(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[object] = []
    monkeypatch.setattr(heartbeat._BEATS, "add", asked.append)
    monkeypatch.setattr(activity, "heartbeat", lambda *details: asked.append(details))
    with heartbeating():
        pass
    assert asked == []
