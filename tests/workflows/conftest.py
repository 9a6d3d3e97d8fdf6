"""Workflow tests run twice: with the worker's workflow cache, and with none.

Without a cache every workflow task replays the whole history first, so any
non-determinism (a refusal path, a timer, a patch) fails the uncached run.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.worker import build_worker, default_activities


@pytest_asyncio.fixture(loop_scope="session", params=["cached", "uncached"])
async def pathways(
    request: pytest.FixtureRequest, temporal_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    """A worker with the default adapters on a fresh task queue, cached or not."""
    cache = 0 if request.param == "uncached" else 1000
    client = temporal_env.client
    async with build_worker(
        client, settings, default_activities(settings), max_cached_workflows=cache
    ):
        yield PathwayClient(client, settings.task_queue)
