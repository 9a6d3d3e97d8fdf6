"""The pathway tells the right partners, once, under consent, through real channels.

A real SMTP server (aiosmtpd) and a real HTTP receiver on loopback (the `bench` fixture);
the worker caches no workflow, so every step replays the history and retried activities
meet the outbox and the projection again. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from parcours.adapters.readmodel import OutboxStatus
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertAudience, PartnerKind
from parcours.programmes import get_programme
from tests.polling import eventually
from tests.samples import ATP_CRITERIA
from tests.support import T0, meta, participant, referral
from tests.workflows.partner_bench import (
    REFERRER_MAILBOX,
    Bench,
    failure_alert,
    projected,
    refer,
)

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def test_referrer_hears_of_intake_once_with_only_its_fields(bench: Bench) -> None:
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await eventually(lambda: len(bench.smtp.recorder.received) >= 1, what="the referrer got mail")
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
    # The receiver holds the mail before the outbox marks it sent: ask until it has.
    sent = await eventually(
        lambda: [n for n in bench.store.notifications(pathway_id=pid) if n.partner_name == "CCAS"],
        lambda rows: rows and all(n.status is OutboxStatus.SENT for n in rows),
        what="the outbox marked the referrer's mail sent",
    )
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
    await eventually(lambda: len(bench.smtp.recorder.received) == 1, what="the referrer got mail")
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
    await eventually(
        lambda: any(r.signature_valid for r in bench.hooks.received[2:]),
        what="the receiver got a third, signed, request",
    )
    await projected(bench, pid)
    assert len(bench.hooks.received) == 3
    delivered = bench.hooks.received[-1].json()
    assert delivered["event_kind"] == "coaching_started"
    assert set(delivered["fields"]) <= {"first_name", "availability", "skills"}
    assert "last_name" not in delivered["fields"]
    (entry,) = await eventually(
        lambda: bench.store.notifications(pathway_id=pid),
        lambda rows: [n.status for n in rows] == [OutboxStatus.SENT],
        what="the outbox marked the delivery sent",
    )
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
    await eventually(delivered.exists, what=f"{delivered} was written")
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
