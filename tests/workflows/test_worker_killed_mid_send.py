"""A worker killed while it sends a partner message: another one sends it within seconds.

The worker is a process of its own (`parcours.worker.run_worker`, as `parcours worker`
runs it), SIGKILLed while the temp agency's webhook receiver (real, on loopback) holds
the request open. The sending activity heartbeats, so the server gives the attempt up
5 s after the kill and a new worker sends the message again, with the same idempotency
key. Before `DECOUPLED_PUBLISH_PATCH` the attempt had no heartbeat: it was given up only
at its 2-minute timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import OutboxStatus, Partner, Store, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind
from parcours.programmes import get_programme
from tests.polling import eventually
from tests.receivers import SECRET, HttpReceiver
from tests.samples import ATP_CRITERIA
from tests.servers import TEST_KEYRING
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

WORKER = (
    "import asyncio, os; from parcours.adapters.settings import Settings; "
    "from parcours.worker import run_worker; asyncio.run(run_worker(Settings.from_env(os.environ)))"
)
RESUMED_WITHIN = 25.0
"""Seconds from the new worker's start to the message sent: its start-up (a few seconds on
a loaded machine), the 5 s heartbeat timeout, the retry's first interval."""


@contextmanager
def worker_process(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [sys.executable, "-c", WORKER],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()


async def test_a_message_cut_off_by_a_kill_is_sent_again_within_seconds(
    temporal_env: WorkflowEnvironment, tmp_path: Path, http_receiver: HttpReceiver
) -> None:
    queue = f"killed-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_TASK_QUEUE": queue,
        "PARCOURS_TEMPORAL_ADDRESS": temporal_env.client.service_client.config.target_host,
        "PARCOURS_KEYS": TEST_KEYRING.to_json(),
    }
    settings = Settings.from_env(env)
    with open_store(settings.readmodel_url) as store:
        await killed_mid_send(store, env, queue, temporal_env, http_receiver)


async def killed_mid_send(
    store: Store,
    env: dict[str, str],
    queue: str,
    temporal_env: WorkflowEnvironment,
    http_receiver: HttpReceiver,
) -> None:
    store.add_partner(
        Partner(
            "Interim 95", PartnerKind.TEMP_AGENCY, ChannelKind.WEBHOOK, http_receiver.url, SECRET
        )
    )
    pathways = PathwayClient(temporal_env.client, queue)
    http_receiver.delay_s = 60.0  # the agency holds the request open: the send is under way
    with worker_process(env) as first:
        now = datetime.now(UTC)
        atp = get_programme("atp-cergy")
        pid = await pathways.refer(atp, participant(), referral(at=now), meta())
        await pathways.execute(pid, c.GiveConsent(PartnerKind.TEMP_AGENCY, now), meta())
        await pathways.execute(pid, c.CompleteIntake(now, ATP_CRITERIA), meta())
        await pathways.execute(pid, c.SignContract(now), meta())
        await pathways.execute(pid, c.StartCoaching(now), meta())
        await eventually(lambda: http_receiver.received, what="the agency's receiver was called")
        first.send_signal(signal.SIGKILL)
        first.wait()
    http_receiver.delay_s = 0.0
    with worker_process(env):

        def agency_status() -> OutboxStatus | None:
            rows = [
                n
                for n in store.notifications(pathway_id=pid)
                if n.partner_kind is PartnerKind.TEMP_AGENCY
            ]
            return rows[0].status if rows else None

        await eventually(
            agency_status,
            lambda status: status is OutboxStatus.SENT,
            what="the message was sent again by the new worker",
            timeout=RESUMED_WITHIN,
        )
    keys = {r.headers["X-Parcours-Idempotency-Key"] for r in http_receiver.received}
    assert len(http_receiver.received) == 2, "cut off once, then sent: two requests"
    assert len(keys) == 1, "the repeat carries the same idempotency key"
