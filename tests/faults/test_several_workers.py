"""Two `parcours worker` processes side by side on one task queue; one killed mid-drive.

Both have the very same settings, as two copies of the systemd unit would: one task
queue, one read model (PostgreSQL, as deployed), one data folder. The
service tells them apart by their identity (`<pid>@<host>`), and both take work: each
runs activities before the kill. The one killed (chosen by the seed) leaves the other to
finish every pathway, with nothing lost, doubled or left undelivered.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from functools import partial

import pytest
from temporalio.client import Client

from parcours.adapters.readmodel import Store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain.vocabulary import Stage
from tests.faults.checks import (
    deliveries,
    delivery_faults,
    lost_or_doubled,
    owed_keys,
    read_model_differences,
)
from tests.faults.drive import Ledger, drive, until_answered
from tests.polling import eventually
from tests.processes import WorkerProcess, Workers, pollers, ready
from tests.receivers import HttpReceiver, SmtpServer

pytestmark = [pytest.mark.faults, pytest.mark.temporal]

PEOPLE = ["Lina", "Marius", "Nour", "Octave"]
KILL_AFTER = (10, 30)
"""The kill lands once this many commands (drawn from the seed) have been answered."""
SETTLE_S = 180.0
WORKED = '"pathway projected"'
"""What a worker's JSON log line says when it has run a projection activity."""


@pytest.fixture
def worker_settings(worker_settings: Settings, postgres_url: str) -> Settings:
    """The workers share a PostgreSQL read model, as deployed (`deploy/README.md`); the
    SQLite one of `make run` serves one worker at a time (`test_worker_kills.py`)."""
    return replace(worker_settings, readmodel_url=postgres_url)


def worked(worker: WorkerProcess) -> bool:
    return WORKED in worker.output()


async def test_two_workers_share_the_work_and_one_left_alone_finishes_it(
    client: Client,
    pathways: PathwayClient,
    worker_settings: Settings,
    store: Store,
    workers: Workers,
    smtp_server: SmtpServer,
    http_receiver: HttpReceiver,
    faults_seed: int,
) -> None:
    queue = worker_settings.task_queue
    pair = [workers.start(), workers.start()]
    for worker in pair:
        await ready(client, queue, worker)
    assert {w.identity for w in pair} <= await pollers(client, queue)
    rng = random.Random(faults_seed)
    kill_after = rng.randint(*KILL_AFTER)
    ledger = Ledger()
    driving = asyncio.create_task(drive(pathways, PEOPLE, ledger))
    await eventually(
        lambda: all(worked(w) for w in pair) and len(ledger.answered) >= kill_after,
        what="both workers ran activities and commands were answered",
        timeout=120,
    )
    assert not driving.done(), "the script ended before the kill"
    victim = rng.choice(pair)
    victim.kill()
    await driving

    states = {
        pid: await until_answered(partial(pathways.state, pid), ledger)
        for pid in ledger.pathway_ids
    }
    assert [s.stage for s in states.values()] == [Stage.EXITED] * len(PEOPLE)
    assert lost_or_doubled(ledger, states) == []

    async def differences() -> list[str]:
        found = [await read_model_differences(store, pathways, pid) for pid in ledger.pathway_ids]
        return [d for pathway in found for d in pathway]

    await eventually(differences, lambda d: not d, what="the read model matched", timeout=SETTLE_S)
    await eventually(
        lambda: delivery_faults(owed_keys(states), deliveries(smtp_server, http_receiver), store),
        lambda faults: not faults,
        what="every message owed was delivered once under its key",
        timeout=SETTLE_S,
    )
    assert workers.running() == [w for w in pair if w is not victim]
