"""The worker SIGKILLed at random moments while a script drives pathways, then checked.

One `parcours worker` process serves the pathways; at moments drawn from the test's seed
it is killed (SIGKILL: no drain, no goodbye to the service) and a new one is started, as
a supervisor would. The script sends every command until it is answered, with its request
id. Afterwards nothing the service answered is missing, nothing is recorded twice, the
read model says what the workflows say, every message owed reached its partner and any
message a partner received twice came with the same idempotency key.
"""

from __future__ import annotations

import asyncio
import random
import time
from functools import partial

import pytest
from temporalio.client import Client

from parcours.adapters.readmodel import Store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain.records import PathwayState
from tests.faults.checks import (
    deliveries,
    delivery_faults,
    lost_or_doubled,
    owed_keys,
    read_model_differences,
    repeats,
)
from tests.faults.drive import Ledger, drive, until_answered
from tests.polling import eventually
from tests.processes import Workers, ready
from tests.receivers import HttpReceiver, SmtpServer

pytestmark = [pytest.mark.faults, pytest.mark.temporal]

PEOPLE = ["Ada", "Basile", "Chloé", "Driss", "Elif", "Fanny"]
KILLS = 4
BETWEEN_KILLS_S = (0.5, 4.0)
"""A kill comes this long (drawn from the seed) after the previous worker was ready."""
SETTLE_S = 180.0
"""How long the service may take, after the script, to deliver and project what it owes:
an activity whose worker was killed is tried again once its timeout has passed."""


async def kill_while(
    driving: asyncio.Task[None], workers: Workers, client: Client, queue: str, seed: int
) -> list[float]:
    """Kill the running worker at random moments until `driving` ends; start another each
    time. The seconds since the start at which each kill landed."""
    rng = random.Random(seed)
    started, moments = time.monotonic(), list[float]()
    while len(moments) < KILLS:
        await asyncio.wait({driving}, timeout=rng.uniform(*BETWEEN_KILLS_S))
        if driving.done():
            break
        for victim in workers.running():
            victim.kill()
        moments.append(round(time.monotonic() - started, 1))
        await ready(client, queue, workers.start())
    return moments


async def states(pathways: PathwayClient, ledger: Ledger) -> dict[str, PathwayState]:
    return {
        pid: await until_answered(partial(pathways.state, pid), ledger)
        for pid in ledger.pathway_ids
    }


async def test_killing_the_worker_loses_and_doubles_nothing(
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
    await ready(client, queue, workers.start())
    ledger = Ledger()
    started = time.monotonic()
    driving = asyncio.create_task(drive(pathways, PEOPLE, ledger))
    kills = await kill_while(driving, workers, client, queue, faults_seed)
    await driving
    driven = time.monotonic() - started
    assert kills, "the script ended before any kill: nothing was tested"
    assert len(ledger.people) == len(PEOPLE) == len(set(ledger.pathway_ids))

    listed = await eventually(
        lambda: pathways.list(f"TaskQueue = '{queue}'"),
        lambda found: len(found) >= len(PEOPLE),
        what="the pathways were listed",
    )
    assert sorted(s.pathway_id for s in listed) == sorted(ledger.pathway_ids), "a second pathway"
    found = await states(pathways, ledger)
    assert lost_or_doubled(ledger, found) == []

    async def differences() -> list[str]:
        return [
            d
            for pid in ledger.pathway_ids
            for d in await read_model_differences(store, pathways, pid)
        ]

    await eventually(differences, lambda d: not d, what="the read model matched", timeout=SETTLE_S)

    owed = owed_keys(await states(pathways, ledger))
    await eventually(
        lambda: delivery_faults(owed, deliveries(smtp_server, http_receiver), store),
        lambda faults: not faults,
        what="every message owed was delivered once under its key",
        timeout=SETTLE_S,
    )
    received = deliveries(smtp_server, http_receiver)
    print(
        f"faults: {len(kills)} kills at {kills} s, {len(ledger.answered) + len(PEOPLE)} actions "
        f"answered in {driven:.0f} s, {sum(ledger.unanswered.values())} attempts unanswered "
        f"{dict(ledger.unanswered)}, {len(received)} messages received for {len(owed)} owed "
        f"({repeats(received)} repeats), settled {time.monotonic() - started - driven:.0f} s later"
    )
