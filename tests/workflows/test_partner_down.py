"""A partner that is down never holds the pathway back (`DECOUPLED_PUBLISH_PATCH`).

The temp agency's webhook receiver (real, on loopback) answers 503 while the pathway
moves on: the read model and the listing show the new stage at once, a reminder falls due
and is raised on time, and the message goes on being retried on its own. Past the
programme's threshold it is listed as failed with its last error and alerts the
coordinator once, however many retries follow; once the receiver is back it is
delivered, once. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parcours.adapters.readmodel import OutboxEntry, OutboxStatus
from parcours.app.queries import pathways_query
from parcours.domain import commands as c
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayEvent
from parcours.domain.vocabulary import AlertRule, AppointmentKind, AppointmentPlace, PartnerKind
from parcours.programmes import get_programme
from tests.polling import eventually
from tests.samples import ATP_CRITERIA
from tests.support import meta, participant, referral
from tests.workflows.partner_bench import Bench, failure_alert, projected

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

PROMPTLY = 10.0
"""Seconds within which the pathway must show what happened while the partner is down
(before the change, it waited for the partner: minutes, or for ever)."""

THRESHOLD_MINUTES = 0.05
"""The programme's threshold in these tests: a message failing for 3 s is undelivered."""


def atp(threshold_minutes: float | None = None) -> ProgrammeDefinition:
    programme = get_programme("atp-cergy")
    if threshold_minutes is None:
        return programme
    timers = programme.timers.model_copy(
        update={"undelivered_notification_minutes": threshold_minutes}
    )
    return programme.model_copy(update={"timers": timers})


async def coaching_with_agency_down(bench: Bench, programme: ProgrammeDefinition) -> str:
    """A pathway that starts coaching, told to the temp agency, whose receiver answers 503."""
    bench.hooks.status = 503
    now = datetime.now(UTC)
    pid = await bench.pathways.refer(programme, participant(), referral(at=now), meta())
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.TEMP_AGENCY, now), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(now, ATP_CRITERIA), meta())
    await bench.pathways.execute(pid, c.SignContract(now), meta())
    await projected(bench, pid)  # asleep, nothing in flight: the coaching wakes it
    await bench.pathways.execute(pid, c.StartCoaching(now), meta())
    return pid


def agency_message(bench: Bench, pid: str) -> OutboxEntry | None:
    owed = [
        n
        for n in bench.store.notifications(pathway_id=pid)
        if n.partner_kind is PartnerKind.TEMP_AGENCY
    ]
    return owed[0] if owed else None


def requests_for(bench: Bench, key: str) -> int:
    return sum(1 for r in bench.hooks.received if r.headers["X-Parcours-Idempotency-Key"] == key)


def failures(timeline: list[PathwayEvent]) -> list[PathwayEvent]:
    return [e for e in timeline if e.kind == "notification_failed"]


async def test_the_read_model_listing_and_reminders_keep_time_while_a_partner_is_down(
    bench: Bench,
) -> None:
    pid = await coaching_with_agency_down(bench, atp())
    await eventually(
        lambda: bench.hooks.received, what="the agency's receiver was tried", timeout=PROMPTLY
    )

    def read_model_stage() -> str:
        row = bench.store.get_participant(pid)
        return "" if row is None else row.stage.value

    await eventually(
        read_model_stage, lambda s: s == "coaching", what="the read model", timeout=PROMPTLY
    )

    async def listed_in_coaching() -> list[str]:
        query = pathways_query(bench.pathways.task_queue, stage="coaching")
        return [w.id async for w in bench.pathways.temporal.list_workflows(query)]

    await eventually(
        listed_in_coaching, lambda ids: pid in ids, what="listed in coaching", timeout=PROMPTLY
    )
    # An appointment whose reminder falls due in a few seconds, while the agency is down.
    reminder = timedelta(hours=get_programme("atp-cergy").timers.appointment_reminder_hours)
    due_at = datetime.now(UTC) + timedelta(seconds=3)
    appointment = c.ScheduleAppointment(
        due_at + reminder, AppointmentKind.COACHING, AppointmentPlace.OFFICE
    )
    await bench.pathways.execute(pid, appointment, meta())

    async def reminders() -> list[str]:
        status = await bench.pathways.status(pid)
        return [a.alert_id for a in status.open_alerts if a.rule is AlertRule.APPOINTMENT_REMINDER]

    await eventually(reminders, what="the reminder was raised", timeout=3 + PROMPTLY)
    assert datetime.now(UTC) >= due_at
    await eventually(  # projected too, by its own activity beside the workflow's task
        lambda: {a.rule for a in bench.store.alerts(pathway_id=pid)},
        lambda raised: AlertRule.APPOINTMENT_REMINDER in raised,
        what="the reminder in the read model",
        timeout=PROMPTLY,
    )
    # All the while the agency was down: its message is still owed, not sent.
    message = agency_message(bench, pid)
    assert message is not None
    assert message.status is not OutboxStatus.SENT
    assert "HTTP 503" in message.last_error


async def test_undelivered_past_the_threshold_is_listed_and_alerts_once_then_goes_once(
    bench: Bench,
) -> None:
    pid = await coaching_with_agency_down(bench, atp(THRESHOLD_MINUTES))
    alert = await failure_alert(bench, pid)

    def listed_failed() -> list[OutboxEntry]:
        return [
            n
            for n in bench.store.notifications(failed_only=True, pathway_id=pid)
            if n.partner_kind is PartnerKind.TEMP_AGENCY
        ]

    (failed,) = await eventually(listed_failed, what="listed by notifications --failed")
    assert failed.last_error == "webhook answered HTTP 503"
    # Retries go on, in the background, and raise nothing more.
    await eventually(
        lambda: agency_message(bench, pid),
        lambda n: n is not None and n.attempts >= failed.attempts + 2,
        what="two more attempts after the alert",
    )
    status = await bench.pathways.status(pid)
    assert [a.alert_id for a in status.open_alerts if a.rule is alert.rule] == [alert.alert_id]
    assert len(failures(await bench.pathways.timeline(pid))) == 1
    assert listed_failed(), "still listed as failed while it keeps failing"
    # The receiver is back: the message goes, once.
    bench.hooks.status = 200
    sent = await eventually(
        lambda: agency_message(bench, pid),
        lambda n: n is not None and n.status is OutboxStatus.SENT,
        what="the agency got its message",
    )
    assert sent is not None
    assert requests_for(bench, sent.key) == sent.attempts  # one request per attempt, no repeat
    assert listed_failed() == []
    assert len(failures(await bench.pathways.timeline(pid))) == 1
