"""The worker's cache holds PARCOURS_WORKER_CACHE pathway runs (what bounds its memory)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.worker import build_worker

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def test_the_worker_caches_as_many_runs_as_the_setting_says(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = Settings.self_contained(tmp_path)

    def cached(worker_settings: Settings, given: int | None = None) -> object:
        queue = f"cache-{uuid.uuid4().hex[:8]}"  # the SDK allows one worker a task queue
        made = build_worker(
            temporal_env.client,
            replace(worker_settings, task_queue=queue),
            [],
            max_cached_workflows=given,
        )
        return made.config()["max_cached_workflows"]

    assert cached(settings) == 1000
    assert cached(replace(settings, worker_cache=250)) == 250
    assert cached(settings, given=0) == 0  # the tests' replay-every-task mode
