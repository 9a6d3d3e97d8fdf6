"""The faults lane's fixtures: a dev server and workers as real processes, real partners.

`server` is the embedded dev server started by this module as a process of its own, on
its own SQLite file (a test that kills its server starts one of its own instead);
`workers` starts `parcours worker` processes, each test on its own task queue and read
model, with the CCAS (by e-mail) and Interim 95 (by webhook) in its partner directory.
`faults_seed` seeds every random choice of a test: PARCOURS_FAULTS_SEED replays a run.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import Client

from parcours.adapters.readmodel import Store, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from tests.faults.drive import add_partners
from tests.processes import ServerProcess, Workers, running_server, worker_env, worker_processes
from tests.receivers import HttpReceiver, SmtpServer

SEED_ENV = "PARCOURS_FAULTS_SEED"


@pytest.fixture
def faults_seed() -> int:
    """The seed of this test's random choices, printed so a failing run can be replayed."""
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    print(f"faults seed: {seed} (replay with {SEED_ENV}={seed})")
    return seed


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServerProcess]:
    with running_server(tmp_path_factory.mktemp("server")) as process:
        await process.start()
        yield process


@pytest_asyncio.fixture(loop_scope="session")
async def client(server: ServerProcess) -> Client:
    return await server.client()


@pytest.fixture
def worker_settings(tmp_path: Path, server: ServerProcess, smtp_server: SmtpServer) -> Settings:
    """What this test's workers are given: a task queue, a read model and a mail relay."""
    return replace(
        server.settings,
        data_dir=tmp_path / "worker",
        task_queue=f"faults-{uuid.uuid4().hex[:8]}",
        readmodel_url=f"sqlite:///{tmp_path / 'readmodel.sqlite'}",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_sender="parcours@plie.example.org",
    )


@pytest.fixture
def store(
    worker_settings: Settings, smtp_server: SmtpServer, http_receiver: HttpReceiver
) -> Iterator[Store]:
    """The read model the workers write, with the two partners in its directory."""
    with open_store(worker_settings.readmodel_url) as opened:
        add_partners(opened, smtp_server, http_receiver)
        yield opened


@pytest.fixture
def workers(worker_settings: Settings, tmp_path: Path) -> Iterator[Workers]:
    with worker_processes(worker_env(worker_settings), tmp_path / "workers") as started:
        yield started


@pytest.fixture
def pathways(client: Client, worker_settings: Settings) -> PathwayClient:
    return PathwayClient(client, worker_settings.task_queue)
