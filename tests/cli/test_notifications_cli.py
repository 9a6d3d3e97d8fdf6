"""`parcours notifications`: what partners were told, and sending a failed one again.

The outbox lives in the read model (SQLite in the test's data folder, shared by the CLI
and the worker). Notifications come from real pathways: driven through the CLI and
delivered to a file partner by the worker's activity, or driven by the pathway client with
a worker on the test's loop sending mail to a real SMTP server on loopback. A retry
changes the outbox row only when the pathway took it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.activities.notify import NOT_IN_DIRECTORY
from parcours.adapters.channels import ChannelKind
from parcours.adapters.channels.files import file_name
from parcours.adapters.readmodel import OutboxEntry, OutboxStatus, Partner, Store, open_store
from parcours.adapters.settings import Settings
from parcours.app import jobdating
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.cli.exit_codes import ExitCode
from parcours.domain import commands as c
from parcours.domain.jobdating import OutcomeEntry
from parcours.domain.vocabulary import AlertRule, JobDatingOutcome, PartnerKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.messages import Notification
from tests.cli.runner import PERSON, Cli, address_of, as_coordinator, refer
from tests.cli.tables import cells, header
from tests.polling import eventually, eventually_blocking
from tests.receivers import SmtpServer
from tests.samples import ATP_CRITERIA
from tests.servers import TEST_KEYRING
from tests.support import COORDINATOR, T0, meta, participant, referral
from tests.workflows.jobdating_bench import in_coaching

pytestmark = [pytest.mark.temporal]

ATP_CRITERIA_ARGS = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
MAILBOX = "orientation@ccas.example.org"


def failed_row(
    store: Store, pathway_id: str = "pathway-00000000000000aa", channel: str = "email"
) -> OutboxEntry:
    notification = Notification(
        key=f"{pathway_id}:2:referrer:CCAS",
        partner_kind=PartnerKind.REFERRER,
        partner_name="CCAS",
        event_kind="intake_completed",
        event_seq=2,
        event_at=T0,
    )
    store.claim(notification, pathway_id, channel)
    store.mark_failed(notification.key, "SMTP 550: recipient refused", permanent=True)
    entry = store.get_notification(notification.key)
    assert entry is not None
    assert entry.status is OutboxStatus.FAILED
    return entry


def test_with_the_server_unreachable_the_row_stays_failed(
    offline_cli: Cli,
    tmp_path: Path,
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'readmodel.sqlite'}") as store:
        entry = failed_row(store)

        result = offline_cli(
            "notifications",
            "retry",
            entry.key,
            "--reason",
            "relay back",
            PARCOURS_ROLE="coordinator",
        )

        assert result.exit_code == 5, result.output
        assert store.get_notification(entry.key) == entry
    listed = offline_cli("notifications", "--failed", "--json")
    assert listed.exit_code == 0, listed.output
    assert [n["key"] for n in json.loads(listed.stdout)] == [entry.key]


def test_a_partner_missing_from_the_directory_is_said_in_the_readers_words(
    offline_cli: Cli, tmp_path: Path
) -> None:
    """A French trial read "CCAS (prescripteur, directory)": the outbox's channel of a
    message to a partner the directory does not hold was shown as stored."""
    with open_store(f"sqlite:///{tmp_path / 'readmodel.sqlite'}") as store:
        failed_row(store, channel=NOT_IN_DIRECTORY)
    listed = offline_cli("--lang", "fr", "notifications", "--failed", COLUMNS="400")
    assert listed.exit_code == 0, listed.output
    assert "CCAS (prescripteur, absent de l'annuaire)" in listed.stdout
    assert "directory" not in listed.stdout


@pytest.mark.parametrize(("lang", "words"), [("en", "needs a reason"), ("fr", "demande un motif")])
@pytest.mark.parametrize("reason", [None, "   "], ids=["missing", "blank"])
def test_a_retry_without_a_reason_is_refused(
    offline_cli: Cli, tmp_path: Path, lang: str, words: str, reason: str | None
) -> None:
    """The README says a retry needs a reason: without one it is a command-line mistake."""
    with open_store(f"sqlite:///{tmp_path / 'readmodel.sqlite'}") as store:
        entry = failed_row(store)
        given = () if reason is None else ("--reason", reason)
        result = offline_cli(
            "--lang", lang, "notifications", "retry", entry.key, *given, PARCOURS_ROLE="coordinator"
        )
        assert result.exit_code == ExitCode.USAGE, result.output
        said = result.stderr.strip()
        assert len(said.splitlines()) == 1
        assert words in said
        assert "--reason" in said
        assert store.get_notification(entry.key) == entry


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
    smtp_server: SmtpServer,
) -> AsyncIterator[Live]:
    settings = replace(
        Settings.self_contained(str(tmp_path)),
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

    async def failure_alerted() -> bool:
        status = await live.pathways.status(pid)
        return any(a.rule is AlertRule.NOTIFICATION_FAILED for a in status.open_alerts)

    await eventually(failure_alerted, what="the notification-failure alert was raised")
    (entry,) = live.store.notifications(failed_only=True, pathway_id=pid)
    del live.smtp.recorder.replies[MAILBOX]
    return entry


@pytest.mark.asyncio(loop_scope="session")
async def test_a_partner_may_not_retry_and_a_coordinator_may(live: Live) -> None:
    entry = await refused_for_good(live)

    refused = await asyncio.to_thread(
        live.cli, "notifications", "retry", entry.key, "--reason", "try", PARCOURS_ROLE="partner"
    )

    assert refused.exit_code == 3, refused.output
    assert "role_permission" in refused.output
    assert live.store.get_notification(entry.key) == entry
    assert live.smtp.recorder.received == []

    started = datetime.now(UTC)
    fixed = ("notifications", "retry", entry.key, "--reason", "mailbox fixed")
    done = await asyncio.to_thread(live.cli, *fixed, "--request-id", "req-mailbox-fixed")

    assert done.exit_code == 0, done.output
    assert "sent again" in done.stdout
    after = live.store.get_notification(entry.key)
    assert after is not None
    assert after.status is OutboxStatus.SENT
    assert after.sent_at is not None
    assert after.sent_at >= started
    ((recipients, _mail),) = live.smtp.recorder.received
    assert recipients == [MAILBOX]

    again = await asyncio.to_thread(
        live.cli, "notifications", "retry", entry.key, "--reason", "once more"
    )
    assert again.exit_code == 3, again.output
    assert len(live.smtp.recorder.received) == 1
    # The same retry run again under its request id: done, said as such (it was exit 3).
    same = await asyncio.to_thread(live.cli, *fixed, "--request-id", "req-mailbox-fixed")
    assert same.exit_code == 0, same.output
    assert "has been sent" in same.stdout
    assert len(live.smtp.recorder.received) == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_a_retry_the_partner_has_not_answered_yet_is_under_way(live: Live) -> None:
    """A partner answering "try later" is tried again with backoff for minutes: an outage
    trial's retry waited 30 s and was told that no worker answered, with one running."""
    entry = await refused_for_good(live)
    live.smtp.recorder.replies[MAILBOX] = "451 4.3.0 Try again later"
    started = datetime.now(UTC)
    pending = await asyncio.to_thread(
        live.cli, "notifications", "retry", entry.key, "--reason", "mailbox fixed?"
    )
    del live.smtp.recorder.replies[MAILBOX]
    assert pending.exit_code == 0, pending.output
    assert "is being sent again" in pending.stdout
    assert datetime.now(UTC) - started < timedelta(seconds=25)
    after = live.store.get_notification(entry.key)
    assert after is not None
    assert after.status is OutboxStatus.PENDING


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize(
    ("lang", "words"), [("en", "could not be sent again"), ("fr", "reste en échec")]
)
async def test_a_retry_the_partner_refuses_again_says_so_and_exits_5(
    live: Live, lang: str, words: str
) -> None:
    """Staff are not told a notification was "tried again" when its partner refused it once
    more: the sentence gives the partner's answer, the exit code is 5, the row stays failed."""
    entry = await refused_for_good(live)
    live.smtp.recorder.replies[MAILBOX] = "550 5.1.1 Still no such mailbox"

    again = await asyncio.to_thread(
        live.cli, "notifications", "retry", entry.key, "--reason", "try", PARCOURS_LANG=lang
    )

    del live.smtp.recorder.replies[MAILBOX]
    assert again.exit_code == ExitCode.UNAVAILABLE, again.output
    said = again.stderr.strip()
    assert len(said.splitlines()) == 1
    assert words in said
    assert "550" in said  # the partner's answer
    assert again.stdout == ""
    after = live.store.get_notification(entry.key)
    assert after is not None
    assert after.status is OutboxStatus.FAILED


AGENCY_BOX = "jobdating@adecco.example.org"


@pytest.mark.asyncio(loop_scope="session")
async def test_a_jobdatings_failed_messages_are_sent_again_by_the_event(live: Live) -> None:
    """The invitation and a candidate's presentation to an agency whose mailbox refused
    them are sent again by their job-dating event; once the event is over, no longer."""
    live.store.add_partner(
        Partner("Adecco", PartnerKind.TEMP_AGENCY, ChannelKind.EMAIL, AGENCY_BOX)
    )
    live.smtp.recorder.replies[AGENCY_BOX] = "550 5.1.1 No such mailbox"
    candidate = await in_coaching(live.pathways)
    # Invited before its day (after it, nothing is sent), its outcome recorded once it came.
    held = datetime.now(UTC) + timedelta(seconds=30)
    planned = jobdating.Plan("atp-cergy", held, "Cergy", ["Adecco"], [candidate])
    event = await jobdating.plan(live.pathways, live.store, planned, meta(COORDINATOR))
    report = await jobdating.invite(live.pathways.temporal, event, meta(COORDINATOR))
    invitation = f"{event}:invitation:Adecco"
    presented = f"{event}:candidate:{candidate}:Adecco"
    assert sorted(report.failures) == sorted([invitation, presented])
    del live.smtp.recorder.replies[AGENCY_BOX]

    def retry(key: str, **env: str) -> Any:
        return live.cli("notifications", "retry", key, "--reason", "mailbox fixed", **env)

    refused = await asyncio.to_thread(retry, invitation, PARCOURS_ROLE="partner")
    assert refused.exit_code == ExitCode.REFUSED, refused.output
    assert "role_permission" in refused.output
    done = await asyncio.to_thread(retry, invitation)
    assert done.exit_code == 0, done.output
    assert "sent again" in done.stdout
    sent = live.store.get_notification(invitation)
    assert sent is not None
    assert sent.status is OutboxStatus.SENT
    assert len(live.smtp.recorder.received) == 1
    shown = await asyncio.to_thread(live.cli, "jobdating", "show", event, "--json")
    facts = json.loads(shown.stdout)  # the invitation sent since is no longer failing
    assert (facts["failures"], facts["agencies_not_reached"]) == ([presented], [])
    # withdrawn before the event's day, so its outcome is still recorded after it
    withdrawal = c.WithdrawConsent(PartnerKind.TEMP_AGENCY, held - timedelta(hours=1))
    await live.pathways.execute(candidate, withdrawal, meta())
    unsent = await asyncio.to_thread(retry, presented)  # no consent now: nothing to send
    assert unsent.exit_code == ExitCode.REFUSED, unsent.output
    assert unsent.stderr.startswith(f"Nothing was sent again for notification {presented}")
    assert "550" not in unsent.stderr  # not the old error, as if the partner refused again
    assert len(live.smtp.recorder.received) == 1
    entries = [OutcomeEntry(candidate, JobDatingOutcome.NO_MATCH)]
    await asyncio.sleep(max((held - datetime.now(UTC)).total_seconds(), 0) + 1)  # its day
    asked = meta(COORDINATOR, reason="once more")
    with pytest.raises(RequestRefused) as late:  # a day gone by: not sent again
        await jobdating.retry_message(live.pathways.temporal, event, invitation, asked)
    assert late.value.rule == "jobdating_resend_past"
    await jobdating.record(live.pathways.temporal, event, entries, meta())
    await live.pathways.temporal.get_workflow_handle(event).result()  # every outcome: over
    over = await asyncio.to_thread(retry, presented, PARCOURS_LANG="fr")
    assert over.exit_code == ExitCode.REFUSED, over.output
    assert "qui est terminé" in over.stderr
    assert len(live.smtp.recorder.received) == 1


# -- what partners are told, from real pathways driven through the CLI ---------------------


def json_answer(cli: Cli, *args: str) -> Any:
    """The JSON of `parcours ARGS --json`."""
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_referrer_is_told_of_the_intake_in_its_folder_with_only_its_fields(
    cli: Cli, tmp_path: Path
) -> None:
    inbox = tmp_path / "ccas-inbox"
    added = as_coordinator(
        cli,
        "partners",
        "add",
        "CCAS",
        "--kind",
        "referrer",
        "--channel",
        "file",
        "--address",
        str(inbox),
    )
    assert added.exit_code == 0, added.output
    pathway_id = refer(cli)
    referred = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert referred[0]["details"]["referrer"] == "CCAS"  # the partner named by the referral
    assert cli("consent", "give", pathway_id, "referrer").exit_code == 0
    intake = cli("intake", "complete", pathway_id, *ATP_CRITERIA_ARGS, "--json")
    assert intake.exit_code == 0, intake.output
    seq = json.loads(intake.stdout)["seq"]
    key = f"{pathway_id}:{seq}:referrer:CCAS"

    rows = eventually_blocking(
        lambda: json_answer(cli, "notifications"),
        lambda rows: any(r["status"] == "sent" for r in rows),
        what="the notification was sent",
    )
    (row,) = rows
    assert {k: v for k, v in row.items() if k not in {"created_at", "sent_at"}} == {
        "key": key,
        "pathway_id": pathway_id,
        "partner_kind": "referrer",
        "partner_name": "CCAS",
        "channel": "file",
        "event_kind": "intake_completed",
        "event_seq": seq,
        "status": "sent",
        "attempts": 1,
        "last_error": "",
        "partner_address": str(inbox),  # where it went: an erasure deletes it there
    }
    assert row["sent_at"] is not None

    (written,) = list(inbox.iterdir())
    assert written.name == file_name(key)
    assert written.stat().st_mode & 0o777 == 0o600
    intake_event = json.loads(cli("timeline", pathway_id, "--json").stdout)[seq - 1]
    assert json.loads(written.read_text(encoding="utf-8")) == {
        "idempotency_key": key,
        "partner": "CCAS",
        "partner_kind": "referrer",
        "event_kind": "intake_completed",
        "event_at": intake_event["at"],
        "fields": {"first_name": PERSON[1], "last_name": PERSON[3]},  # referrer's fields only
    }
    assert PERSON[5] not in written.read_text(encoding="utf-8")  # no birth date

    failed = cli("notifications", "--failed", "--json")
    assert failed.exit_code == 0, failed.output
    assert json.loads(failed.stdout) == []

    french = cli("--lang", "fr", "notifications")
    assert french.exit_code == 0, french.output
    assert french.stdout.splitlines()[0] == "Notifications (1)"
    assert header(french.stdout) == [
        "Clé",
        "Réf.",
        "Partenaire",
        "Événement",
        "Statut",
        "Essais",
        "Dernière erreur",
        "Envoyée",
    ]
    sent_at = datetime.fromisoformat(row["sent_at"]).astimezone(UTC)  # PARCOURS_TIMEZONE=UTC
    assert cells(french.stdout, key) == [
        key,
        pathway_id.removeprefix("pathway-")[:8],
        "CCAS (prescripteur, fichier)",
        "Accueil réalisé",
        "envoyée",
        "1",
        "",
        sent_at.strftime("%Y-%m-%d %H:%M"),
    ]


def test_a_notification_that_cannot_be_sent_is_listed_as_failed(cli: Cli) -> None:
    # The test worker has no SMTP relay: an e-mail partner is refused for good.
    added = as_coordinator(
        cli,
        "partners",
        "add",
        "Mission locale",
        "--kind",
        "referrer",
        "--channel",
        "email",
        "--address",
        "orientation@ml.example.org",
    )
    assert added.exit_code == 0, added.output
    referred = cli(
        "refer",
        "--programme",
        "atp-cergy",
        "--referrer",
        "Mission locale",
        "--reason",
        "short contracts",
        "--first-name",
        "Odile",
        "--last-name",
        "Brindejonc",
        "--birth-date",
        "1979-01-01",
        "--json",
    )
    assert referred.exit_code == 0, referred.output
    pathway_id = json.loads(referred.stdout)["pathway_id"]
    assert cli("consent", "give", pathway_id, "referrer").exit_code == 0
    intake = cli("intake", "complete", pathway_id, *ATP_CRITERIA_ARGS, "--json")
    assert intake.exit_code == 0, intake.output
    key = f"{pathway_id}:{json.loads(intake.stdout)['seq']}:referrer:Mission locale"

    (row,) = eventually_blocking(
        lambda: json_answer(cli, "notifications", "--failed"), what="a notification failed"
    )
    assert (row["key"], row["status"], row["attempts"], row["sent_at"]) == (key, "failed", 1, None)
    assert row["last_error"] == "e-mail partners need an SMTP relay"
    assert json.loads(cli("notifications", "--json").stdout) == [row]

    events = eventually_blocking(
        lambda: json_answer(cli, "timeline", pathway_id),
        lambda events: any(e["kind"] == "notification_failed" for e in events),
        what="the failure was recorded in the timeline",
    )
    failure = next(e for e in events if e["kind"] == "notification_failed")
    assert failure["role"] == "system"
    assert failure["details"]["partner_kind"] == "referrer"

    table = cli("notifications", "--failed", COLUMNS="300")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == "Notifications (1)"
    assert cells(table.stdout, key)[2:7] == [
        "Mission locale (referrer, e-mail)",
        "Intake completed",
        "failed",
        "1",
        "e-mail partners need an SMTP relay (PARCOURS_SMTP_HOST)",
    ]
    french = cli("--lang", "fr", "notifications", "--failed", COLUMNS="300")
    assert cells(french.stdout, key)[6] == (
        "les partenaires joints par courriel demandent un relais SMTP (PARCOURS_SMTP_HOST)"
    )

    # One pathway's messages: by its short reference; another pathway has none.
    short = pathway_id.removeprefix("pathway-")[:6]
    assert json_answer(cli, "notifications", "--pathway", short) == [row]
    other = refer(cli)
    assert json_answer(cli, "notifications", "--pathway", other) == []
    unknown = cli("notifications", "--pathway", "ffffffffff")
    assert unknown.exit_code == ExitCode.NOT_FOUND, unknown.output
