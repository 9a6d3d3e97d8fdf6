"""`parcours notifications retry`: the outbox row changes only when the pathway took it.

The CLI runs in-process (typer's CliRunner) against the real dev server, with a worker on
the test's loop sending mail to a real SMTP server on loopback.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import OutboxEntry, OutboxStatus, Partner, Store, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertRule, PartnerKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.messages import Notification
from tests.channels.conftest import SmtpServer, smtp_server  # noqa: F401 - fixture
from tests.cli.conftest import Cli, address_of, offline_cli  # noqa: F401 - fixture
from tests.conftest import TEST_KEYRING
from tests.samples import ATP_CRITERIA
from tests.support import T0, meta, participant, referral

pytestmark = [pytest.mark.temporal]

MAILBOX = "orientation@ccas.example.org"


def failed_row(store: Store, pathway_id: str = "pathway-00000000000000aa") -> OutboxEntry:
    notification = Notification(
        key=f"{pathway_id}:2:referrer:CCAS",
        partner_kind=PartnerKind.REFERRER,
        partner_name="CCAS",
        event_kind="intake_completed",
        event_seq=2,
        event_at=T0,
    )
    store.claim(notification, pathway_id, "email")
    store.mark_failed(notification.key, "SMTP 550: recipient refused", permanent=True)
    entry = store.get_notification(notification.key)
    assert entry is not None
    assert entry.status is OutboxStatus.FAILED
    return entry


def test_with_the_server_unreachable_the_row_stays_failed(
    offline_cli: Cli,  # noqa: F811
    tmp_path: Path,
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'readmodel.sqlite'}") as store:
        entry = failed_row(store)

        result = offline_cli("notifications", "retry", entry.key, PARCOURS_ROLE="coordinator")

        assert result.exit_code == 5, result.output
        assert store.get_notification(entry.key) == entry
    listed = offline_cli("notifications", "--failed", "--json")
    assert listed.exit_code == 0, listed.output
    assert [n["key"] for n in json.loads(listed.stdout)] == [entry.key]


@dataclass
class Live:
    cli: Cli
    pathways: PathwayClient
    store: Store
    smtp: SmtpServer


@pytest_asyncio.fixture(loop_scope="session")
async def live(
    temporal_env: WorkflowEnvironment,
    tmp_path: Path,
    smtp_server: SmtpServer,  # noqa: F811
) -> AsyncIterator[Live]:
    settings = replace(
        Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path)}),
        task_queue=f"retry-cli-{uuid.uuid4().hex[:8]}",
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_sender="parcours@plie.example.org",
    )
    cli = Cli(
        {
            "PARCOURS_TEMPORAL_ADDRESS": address_of(temporal_env),
            "PARCOURS_TASK_QUEUE": settings.task_queue,
            "PARCOURS_KEYS": TEST_KEYRING.to_json(),
            "PARCOURS_DATA_DIR": str(tmp_path),
            "PARCOURS_CONFIG": str(tmp_path / "no-config.toml"),
            "PARCOURS_ACTOR": "coord-21b9",
            "PARCOURS_ROLE": "coordinator",
            "PARCOURS_LANG": "en",
            "PARCOURS_TIMEZONE": "UTC",
            "COLUMNS": "200",
        }
    )
    with open_store(settings.readmodel_url) as store:
        store.add_partner(Partner("CCAS", PartnerKind.REFERRER, ChannelKind.EMAIL, MAILBOX))
        async with build_worker(temporal_env.client, settings, default_activities(settings)):
            yield Live(
                cli, PathwayClient(temporal_env.client, settings.task_queue), store, smtp_server
            )


async def refused_for_good(live: Live) -> OutboxEntry:
    live.smtp.recorder.replies[MAILBOX] = "550 5.1.1 No such mailbox"
    atp = get_programme("atp-cergy")
    pid = await live.pathways.refer(atp, participant(), referral(), meta())
    await live.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await live.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    for _ in range(400):
        status = await live.pathways.status(pid)
        if any(a.rule is AlertRule.NOTIFICATION_FAILED for a in status.open_alerts):
            break
        await asyncio.sleep(0.05)
    (entry,) = live.store.notifications(failed_only=True, pathway_id=pid)
    del live.smtp.recorder.replies[MAILBOX]
    return entry


@pytest.mark.asyncio(loop_scope="session")
async def test_a_partner_may_not_retry_and_a_coordinator_may(live: Live) -> None:
    entry = await refused_for_good(live)

    refused = await asyncio.to_thread(
        live.cli, "notifications", "retry", entry.key, PARCOURS_ROLE="partner"
    )

    assert refused.exit_code == 3, refused.output
    assert "role_permission" in refused.output
    assert live.store.get_notification(entry.key) == entry
    assert live.smtp.recorder.received == []

    started = datetime.now(UTC)
    done = await asyncio.to_thread(
        live.cli, "notifications", "retry", entry.key, "--reason", "mailbox fixed"
    )

    assert done.exit_code == 0, done.output
    assert "now sent" in done.stdout
    after = live.store.get_notification(entry.key)
    assert after is not None
    assert after.status is OutboxStatus.SENT
    assert after.sent_at is not None
    assert after.sent_at >= started
    ((recipients, _mail),) = live.smtp.recorder.received
    assert recipients == [MAILBOX]

    again = await asyncio.to_thread(live.cli, "notifications", "retry", entry.key)
    assert again.exit_code == 3, again.output
    assert len(live.smtp.recorder.received) == 1
