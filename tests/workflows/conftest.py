"""Workflow tests run twice: with the worker's workflow cache, and with none.

Without a cache every workflow task replays the whole history first, so any
non-determinism (a refusal path, a timer, a patch) fails the uncached run.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.worker import build_worker, default_activities
from tests.receivers import HttpReceiver, SmtpServer
from tests.workflows.partner_bench import Bench, open_bench
from tests.workflows.races import Switchboard, answered_no


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = Settings.self_contained(str(tmp_path))
    return replace(base, task_queue=f"test-{uuid.uuid4().hex[:8]}")


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


@pytest_asyncio.fixture(loop_scope="session")
async def skipping_pathways(
    skipping_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    """A worker with the default adapters on the module's time-skipping server; a module
    whose walks need a partner in the directory defines its own."""
    async with build_worker(skipping_env.client, settings, default_activities(settings)):
        yield PathwayClient(skipping_env.client, settings.task_queue)


@pytest_asyncio.fixture(loop_scope="session")
async def uncached_pathways(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    """A worker that caches no workflow, so every task replays the whole history."""
    client = temporal_env.client
    async with build_worker(client, settings, default_activities(settings), max_cached_workflows=0):
        yield PathwayClient(client, settings.task_queue)


@pytest_asyncio.fixture(loop_scope="session")
async def bench(
    temporal_env: WorkflowEnvironment,
    tmp_path: Path,
    db_url: str,
    smtp_server: SmtpServer,
    http_receiver: HttpReceiver,
) -> AsyncIterator[Bench]:
    """A worker whose partners are real receivers (tests/workflows/partner_bench.py)."""
    async with open_bench(temporal_env, tmp_path, db_url, smtp_server, http_receiver) as opened:
        yield opened


@pytest.fixture
def board() -> Switchboard:
    """The gated activities of the race tests (`races.Switchboard`)."""
    return Switchboard()


@pytest_asyncio.fixture(loop_scope="session", params=["cached", "uncached"])
async def gated(
    request: pytest.FixtureRequest,
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    board: Switchboard,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[PathwayClient]:
    """A worker whose activities are the switchboard's, cached or not, under the retention
    rule the race tests were written for (`races.answered_no`)."""
    answered_no(monkeypatch)
    cache = 0 if request.param == "uncached" else 1000
    client = temporal_env.client
    async with build_worker(client, settings, board.activities(), max_cached_workflows=cache):
        yield PathwayClient(client, settings.task_queue)
