"""The duplicate window: partner messages sent twice while the worker is killed again and again.

`python -m bench.deliveries --n 35 --kill-every 3` refers N ATP pathways whose
participant consents to the evaluator (which hears of every event, through a webhook to a
real HTTP receiver on loopback), and drives each through its 29 staff updates, while the
worker, a process of its own, is SIGKILLed every few seconds (uniformly between half and
one and a half times `--kill-every`) and started again at once. Updates cut off by a kill
are sent again with their request id. Each kill comes that long after the new worker began
to poll (however long it took to start). Once every message is in the outbox as sent, it
counts what the receiver got: each idempotency key delivered, and every request beyond
the first for a key (a repeat, which the partner can drop by its key).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment
from tests.receivers import SECRET, HttpReceiver, running_http_receiver
from tests.samples import full_atp_pathway, long_ago, on_dates

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import OutboxStatus, Partner, open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import create_key_file
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.domain import commands as c
from parcours.domain.commands import Command, Refer
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import PartnerKind, Role
from parcours.programmes import get_programme
from parcours.workflows import search_attributes as sa
from parcours.workflows.messages import Participant

ACTOR = Actor("bench-staff", Role.STAFF)
SETTLE_S = 600.0
"""How long the last worker is given to send what is still owed once the kills stop."""

WORKER = """
import asyncio, concurrent.futures, logging, os, sys
from parcours.adapters.logs import configure_logging
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.keys import load_keyring
from parcours.worker import build_worker, connect, default_activities

async def main() -> None:
    configure_logging(logging.WARNING, sys.stderr)  # stdout says "ready", nothing else
    settings = Settings.from_env(os.environ)
    client = await connect(settings, load_keyring(settings))
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        activities = default_activities(settings)
        async with build_worker(client, settings, activities, executor=executor):
            print("ready", flush=True)
            await asyncio.Event().wait()

asyncio.run(main())
"""
"""The worker `parcours worker` runs, saying when it polls: a kill is timed from then, so
the worker works every time, however long a loaded machine takes to start it."""


@dataclass
class Killer:
    """The worker process, killed and started again on a random beat until stopped."""

    env: dict[str, str]
    every: float
    process: subprocess.Popen[bytes] | None = None
    kills: int = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.kills += 1

    async def ready(self) -> None:
        """Until the worker polls (or has died)."""
        assert self.process is not None
        assert self.process.stdout is not None
        await asyncio.to_thread(self.process.stdout.readline)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            print(f"  {PROGRESS['answered']} updates answered, {self.kills} kills", flush=True)
            await self.ready()
            pause = random.uniform(0.5 * self.every, 1.5 * self.every)
            try:
                await asyncio.wait_for(stop.wait(), pause)
            except TimeoutError:
                self.kill()
                self.start()


def _meta(reason: str = "", on: datetime | None = None) -> RequestMeta:
    return RequestMeta(uuid.uuid4().hex, ACTOR, reason, effective_at=on)


async def _insist(pathways: PathwayClient, pid: str, command: Command, meta: RequestMeta) -> None:
    """Send until answered: a kill may cut the answer off; the request id makes it once."""
    while True:
        try:
            await pathways.execute(pid, command, meta)
            PROGRESS["answered"] += 1
            return
        except RequestRefused:
            raise  # the pathway's rules refused it: sending it again cannot help
        except Exception:  # noqa: BLE001 - the worker was killed: the same request again
            await asyncio.sleep(0.2)


PROGRESS = Counter[str]()
"""Updates answered so far, for the progress line."""


async def _one_pathway(pathways: PathwayClient) -> str:
    t0 = long_ago()
    referral = Refer("CCAS", t0, "bench", ACTOR.actor_id)
    atp = get_programme("atp-cergy")
    pid = await pathways.refer(atp, Participant("Bench", "Person"), referral, _meta())
    await _insist(pathways, pid, c.GiveConsent(PartnerKind.EVALUATOR, t0), _meta())
    steps = full_atp_pathway(t0)
    for (command, reason, _stage), on in zip(steps, on_dates(steps, t0), strict=True):
        await _insist(pathways, pid, command, _meta(reason, on))
    return pid


@contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as scratch:
        yield Path(scratch)


@asynccontextmanager
async def _service(data: Path, hooks: HttpReceiver) -> AsyncIterator[tuple[PathwayClient, Killer]]:
    settings = Settings.self_contained(str(data))
    keyring = create_key_file(settings.key_file)
    with open_store(settings.readmodel_url) as store:
        store.add_partner(
            Partner("Evaluator", PartnerKind.EVALUATOR, ChannelKind.WEBHOOK, hooks.url, SECRET)
        )
    async with await WorkflowEnvironment.start_local(
        data_converter=data_converter(keyring),
        dev_server_existing_path=str(temporal_binary()),
        dev_server_database_filename=str(data / "temporal.sqlite"),
        search_attributes=sa.ALL,
        dev_server_startup_timeout=timedelta(seconds=30),  # a loaded machine is slow
    ) as env:
        address = env.client.service_client.config.target_host
        worker_env = {**os.environ, "PARCOURS_DATA_DIR": str(data)}
        worker_env["PARCOURS_KEY_FILE"] = str(settings.key_file)
        worker_env["PARCOURS_TEMPORAL_ADDRESS"] = address
        killer = Killer(worker_env, 0.0)
        killer.start()
        try:
            yield PathwayClient(env.client, settings.task_queue), killer
        finally:
            killer.kill()


def _all_sent(readmodel_url: str) -> tuple[int, int]:
    with open_store(readmodel_url) as store:
        rows = store.notifications()
    return sum(r.status is OutboxStatus.SENT for r in rows), len(rows)


async def _in_flight(pathways: PathwayClient, pids: list[str]) -> int:
    """Activities and workflow tasks the pathways still have under way."""
    count = 0
    for pid in pids:
        described = (await pathways.temporal.get_workflow_handle(pid).describe()).raw_description
        count += len(described.pending_activities) + described.HasField("pending_workflow_task")
    return count


async def _settle(pathways: PathwayClient, pids: list[str], readmodel_url: str) -> None:
    """Wait until no pathway has anything under way and the outbox holds nothing unsent."""
    deadline = time.monotonic() + SETTLE_S
    last: tuple[int, int, int] = (-1, -1, -1)
    while time.monotonic() < deadline:
        last = (*_all_sent(readmodel_url), await _in_flight(pathways, pids))
        if last[0] == last[1] and last[2] == 0:
            return
        await asyncio.sleep(0.5)
    raise TimeoutError(f"messages still unsent after {SETTLE_S:g} s (sent, all, busy): {last}")


async def main(n: int, kill_every: float) -> str:
    """Drive `n` pathways under kills every `kill_every` s on average; the report."""
    with _scratch() as data, running_http_receiver() as hooks:
        async with _service(data, hooks) as (pathways, killer):
            killer.every = kill_every
            stop = asyncio.Event()
            started = time.perf_counter()
            killing = asyncio.ensure_future(killer.run(stop))
            pids = await asyncio.gather(*(_one_pathway(pathways) for _ in range(n)))
            stop.set()
            await killing
            url = Settings.self_contained(str(data)).readmodel_url
            await _settle(pathways, list(pids), url)
            elapsed = time.perf_counter() - started
        keys = Counter(r.headers["X-Parcours-Idempotency-Key"] for r in hooks.received)
    return _report(n, kill_every, killer.kills, elapsed, keys)


def _report(n: int, every: float, kills: int, elapsed: float, keys: Counter[str]) -> str:
    delivered = len(keys)
    repeats = sum(keys.values()) - delivered
    per_1000 = 1000 * repeats / delivered if delivered else 0.0
    return "\n".join(
        [
            f"{n} ATP pathways, every event told to the evaluator's webhook; the worker "
            f"SIGKILLed {kills} times in {elapsed:.0f} s (every {every:g} s on average)",
            "",
            "| messages delivered | repeats (same key) | repeats per 1,000 | kills |",
            "|---:|---:|---:|---:|",
            f"| {delivered} | {repeats} | {per_1000:.1f} | {kills} |",
            "",
            f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=35, help="pathways, driven all at once")
    parser.add_argument("--kill-every", type=float, default=3.0, help="mean seconds between kills")
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.kill_every)))
