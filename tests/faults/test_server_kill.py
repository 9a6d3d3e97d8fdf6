"""The dev server SIGKILLed mid-drive and started again on its SQLite file.

What the server had written survives its death: a reminder set to fall due after the
restart still fires on time, and actions cut off by the kill, sent again with their
request ids, are each recorded once. The worker process lives through the outage.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from temporalio.client import Client

from parcours.adapters.readmodel import Store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertRule, AppointmentKind, AppointmentPlace
from tests.faults.checks import lost_or_doubled
from tests.faults.drive import Ledger, refer_person, send, until_answered
from tests.polling import eventually
from tests.processes import ServerProcess, Workers, ready

pytestmark = [pytest.mark.faults, pytest.mark.temporal]

PEOPLE = ["Gaspard", "Hawa", "Inès"]
CONTACTS = 6
"""Contacts recorded on each pathway, one after the other, while the server is killed."""
REMINDER_IN = timedelta(seconds=30)
"""When the reminder falls due, from its scheduling: after the server is back."""
ON_TIME = timedelta(seconds=15)
"""How late a timer may fire on a loaded machine and still be on time."""
ATTEMPT_S = 2.0
"""An action unanswered this long is sent again: the server stays down until one was."""
KILL_AFTER = (1, 6)
"""The kill lands once this many contacts (drawn from the seed) have been answered."""


async def record_contacts(pathways: PathwayClient, pids: list[str], ledger: Ledger) -> None:
    async def contacts(pid: str) -> None:
        for _ in range(CONTACTS):
            await send(pathways, pid, c.RecordContact(datetime.now(UTC)), ledger)

    await asyncio.gather(*(contacts(pid) for pid in pids))


async def reminder(pathways: PathwayClient, pid: str, ledger: Ledger) -> list[Alert]:
    status = await until_answered(lambda: pathways.status(pid), ledger)
    return [a for a in status.open_alerts if a.rule is AlertRule.APPOINTMENT_REMINDER]


async def test_a_killed_server_keeps_its_timers_and_applies_retried_actions_once(
    server: ServerProcess,
    client: Client,
    pathways: PathwayClient,
    worker_settings: Settings,
    store: Store,
    workers: Workers,
    faults_seed: int,
) -> None:
    await ready(client, worker_settings.task_queue, workers.start())
    ledger = Ledger(attempt_s=ATTEMPT_S)
    now = datetime.now(UTC)
    pids = [await refer_person(pathways, name, ledger, now) for name in PEOPLE]
    due = now + REMINDER_IN
    appointment = c.ScheduleAppointment(
        due + timedelta(hours=24), AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE
    )
    await send(pathways, pids[0], appointment, ledger)
    await eventually(
        lambda: pathways.status(pids[0]),
        lambda status: (
            status.next_alert_at is not None
            and abs(status.next_alert_at - due) < timedelta(minutes=1)
        ),
        what="the reminder's timer was set",
    )

    before = len(ledger.answered) + random.Random(faults_seed).randint(*KILL_AFTER)
    contacts = asyncio.create_task(record_contacts(pathways, pids, ledger))
    await eventually(
        lambda: len(ledger.answered) >= before, what="contacts were answered", every=0.002
    )
    server.kill()
    await eventually(lambda: ledger.unanswered, what="an action went unanswered", every=0.01)
    await server.start()
    back = datetime.now(UTC)
    await contacts
    assert back < due, f"the server came back at {back}, after the reminder fell due ({due})"
    assert len(workers.running()) == 1, "the worker process did not live through the outage"

    states = {pid: await until_answered(partial(pathways.state, pid), ledger) for pid in pids}
    assert lost_or_doubled(ledger, states) == []
    for pid, state in states.items():
        recorded = [e for e in state.timeline if e.kind == "contact_recorded"]
        assert len(recorded) == CONTACTS, (pid, recorded)

    (raised,) = await eventually(
        lambda: reminder(pathways, pids[0], ledger),
        what="the reminder fell due after the restart and was raised",
        timeout=(REMINDER_IN + 2 * ON_TIME).total_seconds(),
    )
    assert due - timedelta(minutes=1) <= raised.due_at <= due
    assert raised.raised_at - due < ON_TIME, f"raised {raised.raised_at - due} late"
    await eventually(
        lambda: [a for a in store.alerts(pathway_id=pids[0]) if a.alert_id == raised.alert_id],
        what="the reminder reached the read model",
    )
    print(
        f"faults: server back {(back - now).total_seconds():.0f} s after the referrals, "
        f"reminder raised {(raised.raised_at - due).total_seconds():.1f} s after due, "
        f"{sum(ledger.unanswered.values())} attempts unanswered {dict(ledger.unanswered)}"
    )
