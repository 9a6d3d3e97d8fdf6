"""A pathway worker with real partners behind it: a mail server and a webhook receiver.

The worker caches no workflow, so every step replays the history and retried activities
meet the outbox and the projection again. The `bench` fixture (tests/workflows/conftest.py)
opens one per test, on each kind of read-model database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, Store, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertRule, PartnerKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.polling import eventually
from tests.receivers import SECRET, HttpReceiver, SmtpServer
from tests.support import meta, participant, referral

REFERRER_MAILBOX = "orientation@ccas.example.org"


@dataclass
class Bench:
    pathways: PathwayClient
    store: Store
    smtp: SmtpServer
    hooks: HttpReceiver


@asynccontextmanager
async def open_bench(
    env: WorkflowEnvironment,
    data_dir: Path,
    db_url: str,
    smtp: SmtpServer,
    hooks: HttpReceiver,
) -> AsyncIterator[Bench]:
    """The CCAS (an e-mail referrer) and Interim 95 (a webhook temp agency) in the directory."""
    settings = replace(
        Settings.self_contained(str(data_dir)),
        task_queue=f"partners-{uuid.uuid4().hex[:8]}",
        readmodel_url=db_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_sender="parcours@plie.example.org",
    )
    with open_store(db_url) as store:
        store.add_partner(
            Partner("CCAS", PartnerKind.REFERRER, ChannelKind.EMAIL, REFERRER_MAILBOX)
        )
        store.add_partner(
            Partner(
                "Interim 95",
                PartnerKind.TEMP_AGENCY,
                ChannelKind.WEBHOOK,
                hooks.url,
                secret=SECRET,
            )
        )
        client = env.client
        activities = default_activities(settings)
        async with build_worker(client, settings, activities, max_cached_workflows=0):
            yield Bench(PathwayClient(client, settings.task_queue), store, smtp, hooks)


async def refer(bench: Bench) -> str:
    atp = get_programme("atp-cergy")
    return await bench.pathways.refer(atp, participant(), referral(), meta())


async def projected(bench: Bench, pid: str) -> None:
    """Wait until the read model has seen every event of the pathway, and no new one came.

    The pathway may record an event (an alert, a notification outcome) just after it was
    asked: its status is asked again until the projection caught up with an unchanged one.
    """

    async def seq_once_projected() -> int:
        seq = (await bench.pathways.status(pid)).last_event_seq

        def caught_up() -> bool:
            row = bench.store.get_participant(pid)
            return row is not None and row.last_seq >= seq

        await eventually(caught_up, what=f"the read model caught up with event {seq}")
        return seq

    last = -1

    async def unchanged() -> bool:
        nonlocal last
        seq, last = last, await seq_once_projected()
        return seq == last

    await eventually(unchanged, what="the pathway stopped recording events")


async def failure_alert(bench: Bench, pid: str) -> Alert:
    """The coordinator's notification-failure alert, once the pathway has raised it."""

    async def failure_alerts() -> list[Alert]:
        status = await bench.pathways.status(pid)
        return [a for a in status.open_alerts if a.rule is AlertRule.NOTIFICATION_FAILED]

    (alert,) = await eventually(failure_alerts, what="a notification-failure alert was raised")
    return alert
