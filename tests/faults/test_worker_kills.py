"""The worker SIGKILLed at random points while a script drives pathways, then checked.

One `parcours worker` process serves the pathways; at points of the script drawn from the
test's seed it is killed (SIGKILL: no drain, no goodbye to the service) and a new one is
started, as a supervisor would. The script sends every command until it is answered, with
its request id. Afterwards nothing the service answered is missing, nothing is recorded
twice, the read model says what the workflows say, every message owed reached its partner
and any message a partner received twice came with the same idempotency key.
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
from tests.faults.drive import START_DAYS_AGO, Ledger, drive, scripted_pathway, until_answered
from tests.polling import eventually
from tests.processes import Workers, ready
from tests.receivers import HttpReceiver, SmtpServer
from tests.samples import long_ago

pytestmark = [pytest.mark.faults, pytest.mark.temporal]

PEOPLE = ["Ada", "Basile", "Chloé", "Driss", "Elif", "Fanny"]
KILLS = 4
HELD_LENGTH = len(PEOPLE) * (len(scripted_pathway(long_ago(START_DAYS_AGO))) - 1)
"""How many commands the script answers before its last ones, which wait for the kills
(referrals aside)."""
KILL_JITTER_S = (0.0, 0.4)
"""Once the script has reached a kill's mark, the kill lands this long later (drawn from
the seed), so it falls inside an activity or a workflow task as often as between them."""
SETTLE_S = 180.0
"""How long the service may take, after the script, to deliver and project what it owes:
an activity whose worker was killed is tried again once its timeout has passed."""


def kill_marks(seed: int) -> list[int]:
    """After how many answered commands each kill comes: drawn from the seed across the
    script, never in its first or last tenth. Marks count progress, not seconds, and the
    script's last commands wait for the kills, so the kills land inside the script however
    fast the machine drives it."""
    margin = HELD_LENGTH // 10
    return sorted(random.Random(seed).sample(range(margin, HELD_LENGTH - margin), KILLS))


async def kill_while(
    driving: asyncio.Task[None],
    ledger: Ledger,
    workers: Workers,
    client: Client,
    queue: str,
    seed: int,
) -> list[float]:
    """Kill the running worker each time the script reaches one of its marks, then let
    the script's last commands go; start another worker after each kill. The seconds
    since the start at which each kill landed on a running worker."""
    rng = random.Random(seed)
    started, moments = time.monotonic(), list[float]()
    try:
        for mark in kill_marks(seed):
            while len(ledger.answered) < mark and not driving.done():
                await asyncio.wait({driving}, timeout=0.05)
            await asyncio.wait({driving}, timeout=rng.uniform(*KILL_JITTER_S))
            if driving.done():
                break
            victims = workers.running()
            for victim in victims:
                victim.kill()
            if victims:
                moments.append(round(time.monotonic() - started, 1))
            await ready(client, queue, workers.start())
    finally:
        ledger.last_steps.set()
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
    ledger = Ledger(last_steps=asyncio.Event())
    started = time.monotonic()
    driving = asyncio.create_task(drive(pathways, PEOPLE, ledger))
    kills = await kill_while(driving, ledger, workers, client, queue, faults_seed)
    await driving
    driven = time.monotonic() - started
    assert len(kills) == KILLS, f"the script ended after {len(kills)} of {KILLS} kills"
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
