"""What the check of signed actors costs: the same pathways, declared roles against signed.

`python -m bench.signing --n 20 --updates 10` drives N pathways at once (a referral, then
`--updates` contacts each, one after another) through the real dev server, first with a
worker in the declared-roles mode (nothing checked), then with a worker that checks every
signature against the read model (SQLite), as the real service does. It reports requests
per second of each, their ratio in the same run, and what signing and checking one
request cost alone (Ed25519 and the credential lookup, no server).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from tests.support import STAFF, T0, meta, participant, referral
from tests.workflows.signed import checking_worker

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.credentials import issue, sign, verify
from parcours.domain import commands as c
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa

ATP = get_programme("atp-cergy")


async def _drive(pathways: PathwayClient, n: int, updates: int) -> float:
    async def one() -> None:
        pid = await pathways.refer(ATP, participant(), referral(), meta())
        for _ in range(updates):
            await pathways.execute(pid, c.RecordContact(T0), meta())

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(n)))
    return n * (updates + 1) / (time.perf_counter() - started)


async def _declared(client: Client, folder: Path, n: int, updates: int) -> float:
    base = replace(Settings.self_contained(folder), declared_roles=True)
    settings = replace(base, task_queue=f"declared-{uuid.uuid4().hex[:8]}")
    async with build_worker(client, settings, default_activities(settings)):
        return await _drive(PathwayClient(client, settings.task_queue), n, updates)


async def _signed(client: Client, folder: Path, n: int, updates: int) -> float:
    async with checking_worker(client, folder) as signed:
        return await _drive(signed.pathways(signed.issue(STAFF)), n, updates)


def _one_request_us(folder: Path, repeat: int = 500) -> dict[str, float]:
    credential, key = issue(STAFF.actor_id, STAFF.role, "", datetime.now(UTC))
    content = [c.RecordContact(T0)]
    with open_store(f"sqlite:///{folder / 'credentials.sqlite'}") as store:
        store.add_credential(credential)
        started = time.perf_counter()
        signed = [sign(key, "record_contact", "pathway-0", meta(), content) for _ in range(repeat)]
        signing = time.perf_counter() - started
        started = time.perf_counter()
        for request in signed:
            verify(store, "record_contact", "pathway-0", request, content, now=datetime.now(UTC))
        checking = time.perf_counter() - started
    return {"sign_us": signing / repeat * 1e6, "check_us": checking / repeat * 1e6}


async def main(n: int = 20, updates: int = 10) -> str:
    env = await WorkflowEnvironment.start_local(
        data_converter=data_converter(Keyring.generate()),
        dev_server_existing_path=str(temporal_binary()),
        search_attributes=sa.ALL,
    )
    try:
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            declared = await _declared(env.client, folder / "declared", n, updates)
            signed = await _signed(env.client, folder / "signed", n, updates)
            alone = _one_request_us(folder)
    finally:
        await env.shutdown()
    result: dict[str, Any] = {
        "benchmark": "signing",
        "pathways": n,
        "requests": n * (updates + 1),
        "declared_requests_per_s": round(declared, 1),
        "signed_requests_per_s": round(signed, 1),
        "signed_over_declared": round(signed / declared, 3),
        **{name: round(value, 1) for name, value in alone.items()},
    }
    return json.dumps(result)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--updates", type=int, default=10)
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.updates)))
