"""A pathway entered after the fact, in one sitting, on the dev server's time skipping.

Staff refer a person three months back, then enter the intake, the contract, coaching,
appointments and a contact with their past dates, a minute apart. Before the change of
issue 10 the run loop raised `intake_overdue` at once, for an intake entered (on time) a
minute later, and `appointment_unrecorded` for an appointment entered as attended, and
both stayed open. Now an alert already due at an entry waits until the entries have
settled: the pathway ends with only the alerts still true, and one of those closes by
itself when its condition stops holding. The audit fold of the history agrees.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.audit.fold import fold, snapshot
from parcours.audit.history import fetch_pathway_history
from parcours.audit.recording import record_of
from parcours.domain import commands as c
from parcours.domain.alerts import SETTLING
from parcours.domain.records import PathwayEvent
from parcours.domain.vocabulary import (
    AlertRule,
    AlertStatus,
    AppointmentKind,
    AppointmentPlace,
    PartnerKind,
    Stage,
)
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.samples import ATP_CRITERIA
from tests.support import meta, participant, referral
from tests.workflows.two_year_walk import DAY, Walk

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
MINUTE = timedelta(minutes=1)


@pytest_asyncio.fixture(loop_scope="session")
async def skipping_pathways(
    skipping_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    # The referrer is in the directory: telling it succeeds, so no notification failure
    # mixes with the alerts of the pathway's own rules.
    with open_store(settings.readmodel_url) as store:
        store.add_partner(
            Partner("CCAS", PartnerKind.REFERRER, ChannelKind.FILE, str(settings.data_dir / "ccas"))
        )
    async with build_worker(skipping_env.client, settings, default_activities(settings)):
        yield PathwayClient(skipping_env.client, settings.task_queue)


def appointment(at: datetime) -> c.ScheduleAppointment:
    return c.ScheduleAppointment(at, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)


def past_sitting(referred: datetime, today: datetime) -> list[c.Command]:
    """Three months of a pathway, typed in one sitting: all of it met on time, but for the
    last appointment, whose outcome nobody has written up."""
    return [
        c.CompleteIntake(referred + 5 * DAY, ATP_CRITERIA),
        c.GiveConsent(PartnerKind.REFERRER, referred + 5 * DAY, referred + 400 * DAY),
        c.SignContract(referred + 20 * DAY),
        c.StartCoaching(referred + 25 * DAY),
        appointment(referred + 40 * DAY),
        c.AttendAppointment("a1"),
        appointment(referred + 60 * DAY),
        c.MissAppointment("a2"),
        appointment(referred + 70 * DAY),
        c.AttendAppointment("a3"),  # met after the missed one: its follow-up happened
        appointment(today - 10 * DAY),  # a4: never written up
        c.RecordContact(today - 3 * DAY),
    ]


def raised(timeline: list[PathwayEvent]) -> list[str]:
    return [e.details["alert_id"] for e in timeline if e.kind == "alert_raised"]


async def test_a_pathway_entered_after_the_fact_raises_only_what_is_still_true(
    skipping_env: WorkflowEnvironment, skipping_pathways: PathwayClient
) -> None:
    pathways = skipping_pathways
    today = datetime.now(UTC)
    referred = today - 90 * DAY
    pid = await pathways.refer(ATP, participant(), referral(at=referred), meta())
    walk = Walk(skipping_env, pathways, pid)
    for command in past_sitting(referred, today):
        assert await skipping_env.fast_forward(walk.handle, MINUTE)
        assert raised(await pathways.timeline(pid)) == [], "raised while the entries go on"
        await walk.run(command)
    assert await skipping_env.fast_forward(walk.handle, MINUTE)
    assert raised(await pathways.timeline(pid)) == [], "raised while the entries go on"
    last_entry = (await pathways.state(pid)).last_entry_at
    assert last_entry is not None
    assert (await pathways.status(pid)).next_alert_at == last_entry + SETTLING

    assert await skipping_env.fast_forward(walk.handle, SETTLING)
    state = await pathways.state(pid)
    assert state.stage is Stage.COACHING
    [alert] = state.alerts
    assert (alert.rule, alert.subject) == (AlertRule.APPOINTMENT_UNRECORDED, "a4")
    assert alert.raised_at >= last_entry + SETTLING
    assert raised(state.timeline) == [alert.alert_id]
    rules = {a.rule for a in state.alerts}
    assert AlertRule.INTAKE_OVERDUE not in rules  # issue 10: the intake was on time
    assert AlertRule.APPOINTMENT_MISSED not in rules  # met by the appointment after it

    # Writing up the last appointment closes its alert, naming the entry that closed it.
    attended = await walk.run(c.AttendAppointment("a4"))
    timeline = await pathways.timeline(pid)
    [resolved] = [e for e in timeline if e.kind == "alert_resolved"]
    assert resolved.details == {
        "alert_id": alert.alert_id,
        "rule": "appointment_unrecorded",
        "closed_by": str(attended.seq),
    }
    assert resolved.seq == attended.seq + 1
    status = await pathways.status(pid)
    assert status.open_alerts == []
    [kept] = (await pathways.state(pid)).alerts
    assert kept.status is AlertStatus.RESOLVED

    # The audit fold of the history reaches the same pathway, and `audit at` agrees.
    history = await fetch_pathway_history(skipping_env.client, pid)
    recording = await record_of(history, skipping_env.client.data_converter)
    folded = fold(recording)
    assert folded.discrepancies == []
    assert folded.pathway.state == await pathways.state(pid)
    before = snapshot(recording, alert.raised_at + timedelta(seconds=1))
    assert [a.alert_id for a in before.open_alerts] == [alert.alert_id]
    after = snapshot(recording, resolved.at + MINUTE)
    assert after.open_alerts == []


async def test_an_appointment_entered_as_attended_is_never_unrecorded(
    skipping_env: WorkflowEnvironment, skipping_pathways: PathwayClient
) -> None:
    """Issue 10: `appointment_unrecorded` stayed open for an appointment recorded as
    attended a minute after it was entered."""
    pathways = skipping_pathways
    today = datetime.now(UTC)
    referred = referral(at=today - 10 * DAY)
    pid = await pathways.refer(ATP, participant("Ana", "Ferreira"), referred, meta())
    walk = Walk(skipping_env, pathways, pid)
    await walk.run(c.CompleteIntake(today - 9 * DAY, ATP_CRITERIA))
    await walk.run(appointment(today - 5 * DAY))
    assert await skipping_env.fast_forward(walk.handle, MINUTE)
    await walk.run(c.AttendAppointment("a1"))
    assert await skipping_env.fast_forward(walk.handle, 2 * SETTLING)
    state = await pathways.state(pid)
    assert [a.rule for a in state.alerts] == []
    assert raised(state.timeline) == []
