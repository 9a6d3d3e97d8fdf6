"""A partner down holds back neither the read model, nor the search attributes, nor alerts.

Interim 95's webhook answers 503 from before the pathway starts coaching (the event it
is told of) until after a reminder has fallen due. Meanwhile the read model and the
stage `parcours list` reads show every later event within seconds, and the reminder is
raised on time. Once the partner answers again it receives its message, once per key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import Client

from parcours.adapters.readmodel import OutboxStatus, Store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import (
    AlertRule,
    AppointmentKind,
    AppointmentPlace,
    PartnerKind,
    Stage,
)
from tests.faults.drive import TEMP_AGENCY, Ledger, refer_person, send
from tests.polling import eventually
from tests.processes import Workers, ready
from tests.receivers import HttpReceiver
from tests.samples import ATP_CRITERIA, DAY

pytestmark = [pytest.mark.faults, pytest.mark.temporal]

REMINDER_IN = timedelta(seconds=20)
"""When the reminder falls due, from its scheduling: while the partner is down."""
KEEP_UP_S = 10.0
"""How long the read model and the search attributes may take to show an event."""
ON_TIME = timedelta(seconds=10)
DOWN = 503
SETTLE_S = 150.0
"""Delivery resumes at the next retry, two minutes apart at most."""


async def into_coaching(pathways: PathwayClient, ledger: Ledger) -> str:
    now = datetime.now(UTC)
    pid = await refer_person(pathways, "Karim", ledger, now)
    consent = c.GiveConsent(PartnerKind.TEMP_AGENCY, now, now + 300 * DAY)
    for command in (consent, c.CompleteIntake(now, ATP_CRITERIA), c.SignContract(now)):
        await send(pathways, pid, command, ledger)
    return pid


async def test_a_partner_down_holds_back_neither_the_read_model_nor_the_alerts(
    client: Client,
    pathways: PathwayClient,
    worker_settings: Settings,
    store: Store,
    workers: Workers,
    http_receiver: HttpReceiver,
) -> None:
    await ready(client, worker_settings.task_queue, workers.start())
    ledger = Ledger()
    pid = await into_coaching(pathways, ledger)
    http_receiver.status = DOWN
    due = datetime.now(UTC) + REMINDER_IN
    appointment = c.ScheduleAppointment(
        due + timedelta(hours=24), AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE
    )
    coaching = await send(pathways, pid, c.StartCoaching(datetime.now(UTC)), ledger)
    await eventually(lambda: http_receiver.received, what="Interim 95 was tried and failed")
    last = await send(pathways, pid, appointment, ledger)

    def projected() -> bool:
        row = store.get_participant(pid)
        return row is not None and row.last_seq >= last.seq and row.stage is Stage.COACHING

    await eventually(projected, what="the read model kept up", timeout=KEEP_UP_S)
    listed = await eventually(
        lambda: pathways.list(f"WorkflowId = '{pid}'"),
        lambda found: [s.stage for s in found] == [Stage.COACHING.value],
        what="the stage parcours list reads kept up",
        timeout=KEEP_UP_S,
    )
    assert listed

    async def reminders() -> list[str]:
        status = await pathways.status(pid)
        return [a.alert_id for a in status.open_alerts if a.rule is AlertRule.APPOINTMENT_REMINDER]

    timeout = (REMINDER_IN + ON_TIME).total_seconds()
    await eventually(reminders, what="the reminder was raised on time", timeout=timeout)
    assert http_receiver.status == DOWN, "the partner came back before the reminder"

    http_receiver.status = 200
    key = f"{pid}:{coaching.seq}:{PartnerKind.TEMP_AGENCY.value}:{TEMP_AGENCY}"
    await eventually(
        lambda: store.get_notification(key),
        lambda entry: entry is not None and entry.status is OutboxStatus.SENT,
        what="Interim 95 received its message once it was back",
        timeout=SETTLE_S,
    )
    assert {r.json()["idempotency_key"] for r in http_receiver.received} == {key}
