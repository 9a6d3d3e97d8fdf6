"""The pathway tells the right partners, once, under consent, through real channels.

A real SMTP server (aiosmtpd) and a real HTTP receiver on loopback; the worker caches no
workflow, so every step replays the history and retried activities meet the outbox and
the projection again. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import OutboxStatus, Partner, Store, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertAudience, AlertRule, PartnerKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.channels.conftest import (  # noqa: F401 - fixtures
    SECRET,
    HttpReceiver,
    SmtpServer,
    http_receiver,
    smtp_server,
)
from tests.readmodel.conftest import db_url, postgres_url  # noqa: F401 - fixtures
from tests.samples import ATP_CRITERIA
from tests.support import T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

REFERRER_MAILBOX = "orientation@ccas.example.org"


@dataclass
class Bench:
    pathways: PathwayClient
    store: Store
    smtp: SmtpServer
    hooks: HttpReceiver


@pytest_asyncio.fixture(loop_scope="session")
async def bench(
    temporal_env: WorkflowEnvironment,
    tmp_path: Path,
    db_url: str,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
    http_receiver: HttpReceiver,  # noqa: F811
) -> AsyncIterator[Bench]:
    settings = replace(
        Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path)}),
        task_queue=f"partners-{uuid.uuid4().hex[:8]}",
        readmodel_url=db_url,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
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
                http_receiver.url,
                secret=SECRET,
            )
        )
        client = temporal_env.client
        activities = default_activities(settings)
        async with build_worker(client, settings, activities, max_cached_workflows=0):
            yield Bench(
                PathwayClient(client, settings.task_queue), store, smtp_server, http_receiver
            )


async def eventually(check: Callable[[], bool], seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the condition never held")


async def projected(bench: Bench, pid: str) -> None:
    """Wait until the read model has seen every event of the pathway, and no new one came.

    The pathway may record an event (an alert, a notification outcome) just after it was
    asked: its status is asked again until the projection caught up with an unchanged one.
    """
    last = -1
    for _ in range(50):
        now = (await bench.pathways.status(pid)).last_event_seq
        if now == last:
            return
        last = now

        def caught_up(seq: int = now) -> bool:
            row = bench.store.get_participant(pid)
            return row is not None and row.last_seq >= seq

        await eventually(caught_up)
    raise AssertionError("the pathway kept recording events")


async def failure_alert(bench: Bench, pid: str) -> Alert:
    """The coordinator's notification-failure alert, once the pathway has raised it."""
    for _ in range(400):
        status = await bench.pathways.status(pid)
        found = [a for a in status.open_alerts if a.rule is AlertRule.NOTIFICATION_FAILED]
        if found:
            (alert,) = found
            return alert
        await asyncio.sleep(0.05)
    raise AssertionError("no notification-failure alert was raised")


async def refer(bench: Bench) -> str:
    atp = get_programme("atp-cergy")
    return await bench.pathways.refer(atp, participant(), referral(), meta())


async def test_referrer_hears_of_intake_once_with_only_its_fields(bench: Bench) -> None:
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await eventually(lambda: len(bench.smtp.recorder.received) >= 1)
    await projected(bench, pid)
    recipients, mail = bench.smtp.recorder.received[0]
    assert recipients == [REFERRER_MAILBOX]
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Zephyrine" in text
    assert "Quillfeather" in text
    for withheld in ("1990-04-02", "+33 6", "zq@example.org", "cashier"):
        assert withheld not in text, withheld
    assert "Zephyrine" not in str(mail["Subject"])
    sent = [n for n in bench.store.notifications(pathway_id=pid) if n.partner_name == "CCAS"]
    assert [(n.event_kind, n.status) for n in sent] == [("intake_completed", OutboxStatus.SENT)]
    # Every step replayed the whole history, yet the projection holds each event once.
    timeline = await bench.pathways.timeline(pid)
    assert [e.seq for e in bench.store.timeline(pid)] == [e.seq for e in timeline]
    assert len(bench.smtp.recorder.received) == 1


async def test_without_consent_nothing_is_sent(bench: Bench) -> None:
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await bench.pathways.execute(pid, c.SignContract(T0), meta())
    await bench.pathways.execute(pid, c.StartCoaching(T0), meta())
    await projected(bench, pid)
    assert bench.smtp.recorder.received == []
    assert bench.hooks.received == []
    assert bench.store.notifications(pathway_id=pid) == []


async def test_withdrawn_consent_stops_later_messages(bench: Bench) -> None:
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await eventually(lambda: len(bench.smtp.recorder.received) == 1)
    await bench.pathways.execute(pid, c.WithdrawConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.SignContract(T0), meta())
    await projected(bench, pid)
    assert len(bench.smtp.recorder.received) == 1
    kinds = [n.event_kind for n in bench.store.notifications(pathway_id=pid)]
    assert "contract_signed" not in kinds


async def test_a_receiver_failing_twice_gets_exactly_one_delivery(bench: Bench) -> None:
    bench.hooks.script = [500, 503]
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.TEMP_AGENCY, T0), meta())
    for command in (
        c.CompleteIntake(T0, ATP_CRITERIA),
        c.SignContract(T0),
        c.StartCoaching(T0),
    ):
        await bench.pathways.execute(pid, command, meta())
    await eventually(lambda: any(r.signature_valid for r in bench.hooks.received[2:]), 30)
    await projected(bench, pid)
    assert len(bench.hooks.received) == 3
    delivered = bench.hooks.received[-1].json()
    assert delivered["event_kind"] == "coaching_started"
    assert set(delivered["fields"]) <= {"first_name", "availability", "skills"}
    assert "last_name" not in delivered["fields"]
    (entry,) = bench.store.notifications(pathway_id=pid)
    assert entry.status is OutboxStatus.SENT
    assert entry.attempts == 3


async def test_a_permanent_failure_raises_the_coordinators_alert(
    bench: Bench, tmp_path: Path
) -> None:
    bench.smtp.recorder.replies[REFERRER_MAILBOX] = "550 5.1.1 No such mailbox"
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    alert = await failure_alert(bench, pid)
    assert alert.audience is AlertAudience.COORDINATOR
    (entry,) = bench.store.notifications(failed_only=True, pathway_id=pid)
    assert entry.attempts == 1
    assert "550" in entry.last_error
    assert bench.smtp.recorder.received == []
    # The coordinator's alert is delivered through the alert channel like any other.
    delivered = tmp_path / "outbox" / "alerts" / pid / f"{alert.alert_id.replace(':', '_')}.json"
    await eventually(delivered.exists)
    body = json.loads(delivered.read_text(encoding="utf-8"))
    assert (body["rule"], body["audience"]) == ("notification_failed", "coordinator")


async def test_a_referrer_missing_from_the_directory_is_never_replaced_by_another(
    bench: Bench,
) -> None:
    """The person's name goes to their own referrer or to nobody; the coordinator hears."""
    atp = get_programme("atp-cergy")
    pid = await bench.pathways.refer(
        atp, participant(), replace(referral(), referrer="Pôle emploi"), meta()
    )
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await failure_alert(bench, pid)
    (entry,) = bench.store.notifications(failed_only=True, pathway_id=pid)
    assert entry.partner_name == "Pôle emploi"
    assert entry.channel == "directory"
    assert "no active referrer partner named 'Pôle emploi'" in entry.last_error
    assert bench.smtp.recorder.received == []  # the CCAS referrer got nothing
