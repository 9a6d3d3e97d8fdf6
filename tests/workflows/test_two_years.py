"""Pathways walked through their calendar on the dev server's per-workflow time skipping.

Every alert a timer raises is checked at its instant, computed here from the programme's
own durations: not raised an hour before it is due, raised within the hour after (see
`two_year_walk.Walk`). Three walks share the work:

- two years of ATP on a permanent contract: intake overdue and its escalation, every
  post-hire check-in, no contact, the accompaniment deadline approaching and reached;
- ATP with appointments, a dated training and an expiring consent: reminders, an
  appointment left unrecorded, one recorded as missed, a contact that moves the
  no-contact alert, the training ending, the consent expiring then expired;
- Nouveau départ with a temp mission that has an end date: its check-ins up to the end
  only, no contact, the mission ending;
- the retention's warning and the anonymisation (`test_two_years_retention.py`).

`notification_failed` is the one rule no timer raises: the workflow records it with the
command it executes when a partner notification fails for good, so it is not walked here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.channels import ChannelKind
from parcours.adapters.readmodel import Partner, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import (
    AlertRule,
    AppointmentKind,
    AppointmentPlace,
    ContractType,
    JobDatingOutcome,
    PartnerKind,
    Stage,
)
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.samples import ATP_CRITERIA, ND_CRITERIA
from tests.support import meta, participant, referral
from tests.workflows.retention_walk import RETENTION_RULES, extend_retention
from tests.workflows.two_year_walk import DAY, HOUR, Expected, Walk

ON_SESSION_LOOP = pytest.mark.asyncio(loop_scope="session")

ATP = get_programme("atp-cergy")
ND = get_programme("nouveau-depart")

RAISED_BY_COMMAND = frozenset({AlertRule.NOTIFICATION_FAILED})

TWO_YEARS_RULES = frozenset(
    {
        AlertRule.INTAKE_OVERDUE,
        AlertRule.ALERT_UNACKNOWLEDGED,
        AlertRule.POST_HIRE_CHECKIN,
        AlertRule.NO_CONTACT,
        AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING,
        AlertRule.ACCOMPANIMENT_DEADLINE_REACHED,
    }
)
APPOINTMENTS_RULES = frozenset(
    {
        AlertRule.APPOINTMENT_REMINDER,
        AlertRule.APPOINTMENT_UNRECORDED,
        AlertRule.APPOINTMENT_MISSED,
        AlertRule.CONSENT_EXPIRING,
        AlertRule.CONSENT_EXPIRED,
        AlertRule.TRAINING_ENDING,
        AlertRule.NO_CONTACT,
    }
)
MISSION_RULES = frozenset(
    {AlertRule.POST_HIRE_CHECKIN, AlertRule.NO_CONTACT, AlertRule.MISSION_ENDING}
)


@pytest_asyncio.fixture(loop_scope="session")
async def skipping_pathways(
    skipping_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    # The training body the walks enrol with is in the directory: telling it succeeds, so
    # no notification-failure alert mixes with the timers' alerts.
    with open_store(settings.readmodel_url) as store:
        store.add_partner(
            Partner(
                "GRETA",
                PartnerKind.TRAINING_BODY,
                ChannelKind.FILE,
                str(settings.data_dir / "greta"),
            )
        )
    async with build_worker(skipping_env.client, settings, default_activities(settings)):
        yield PathwayClient(skipping_env.client, settings.task_queue)


async def walk_calendar(walk: Walk, calendar: dict[datetime, list[Expected]]) -> None:
    for due in sorted(calendar):
        await walk.expect(due, *calendar[due])


def test_every_alert_a_timer_raises_is_walked() -> None:
    walked = TWO_YEARS_RULES | APPOINTMENTS_RULES | MISSION_RULES | RETENTION_RULES
    assert walked == set(AlertRule) - RAISED_BY_COMMAND


@pytest.mark.temporal
@ON_SESSION_LOOP
async def test_two_years_of_alerts_each_on_its_day(
    skipping_env: WorkflowEnvironment, skipping_pathways: PathwayClient
) -> None:
    t = ATP.timers
    # The workflow's virtual clock starts at the real now: commands are dated from it.
    start = datetime.now(UTC)
    pid = await skipping_pathways.refer(ATP, participant(), referral(at=start), meta())
    walk = Walk(skipping_env, skipping_pathways, pid)

    intake_due = start + t.intake_within_days * DAY
    (intake,) = await walk.expect(
        intake_due, (AlertRule.INTAKE_OVERDUE, "intake"), acknowledge=False
    )
    await walk.expect(
        intake.raised_at + t.alert_escalation_days * DAY,
        (AlertRule.ALERT_UNACKNOWLEDGED, intake.alert_id),
    )

    hired = await walk.now()
    for command in (
        c.CompleteIntake(hired, ATP_CRITERIA),
        c.SignContract(hired),
        c.StartCoaching(hired),
        c.StartMission("", "Hôpital", hired, ContractType.PERMANENT, 35),
    ):
        await walk.run(command)
    status = await skipping_pathways.status(pid)
    assert status.stage is Stage.IN_EMPLOYMENT
    assert ATP.accompaniment is not None
    assert ATP.accompaniment.months == 24
    deadline = hired.replace(year=hired.year + 2)
    assert status.accompaniment_ends_at == deadline

    calendar: dict[datetime, list[Expected]] = defaultdict(list)
    for day in t.post_hire_checkin_days:
        calendar[hired + day * DAY].append((AlertRule.POST_HIRE_CHECKIN, f"m1-d{day}"))
    calendar[hired + t.no_contact_days * DAY].append((AlertRule.NO_CONTACT, "contact"))
    calendar[deadline - t.accompaniment_notice_days * DAY].append(
        (AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING, "accompaniment")
    )
    calendar[deadline].append((AlertRule.ACCOMPANIMENT_DEADLINE_REACHED, "accompaniment"))
    halfway = hired + 365 * DAY
    await walk_calendar(walk, {at: due for at, due in calendar.items() if at <= halfway})
    # The record's retention (24 months after the start of the mission, its last contact)
    # would end on the deadline: extended past this walk (its own lane walks it), once
    # that is within the 24 months ahead an extension may go.
    await extend_retention(skipping_pathways, pid, deadline + 90 * DAY)
    await walk_calendar(walk, {at: due for at, due in calendar.items() if at > halfway})

    assert {a.rule for a in walk.raised.values()} == TWO_YEARS_RULES
    assert len(walk.raised) == 2 + len(t.post_hire_checkin_days) + 3
    assert await walk.now() >= deadline


@pytest.mark.temporal
@ON_SESSION_LOOP
async def test_appointments_training_and_consent_alerts_each_on_its_day(
    skipping_env: WorkflowEnvironment, skipping_pathways: PathwayClient
) -> None:
    t = ATP.timers
    pid = await skipping_pathways.refer(
        ATP, participant("Ana", "Ferreira"), referral(at=datetime.now(UTC)), meta()
    )
    walk = Walk(skipping_env, skipping_pathways, pid)
    t0 = await walk.now()
    training_ends = t0 + 40 * DAY
    consent_expires = t0 + 45 * DAY
    first, second = t0 + 3 * DAY, t0 + 8 * DAY
    for command in (
        c.CompleteIntake(t0, ATP_CRITERIA),
        c.SignContract(t0),
        c.StartCoaching(t0),
        c.EnrolTraining("Module 1, CAP EPC", "GRETA", t0 + DAY, training_ends),
        c.GiveConsent(PartnerKind.TRAINING_BODY, t0, consent_expires),
        c.ScheduleAppointment(first, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE),
        c.ScheduleAppointment(second, AppointmentKind.COACHING, AppointmentPlace.PHONE),
    ):
        await walk.run(command)
    assert (await skipping_pathways.status(pid)).stage is Stage.TRAINING

    reminder = t.appointment_reminder_hours * HOUR
    await walk.expect(first - reminder, (AlertRule.APPOINTMENT_REMINDER, "a1"))
    await walk.expect(
        first + t.appointment_outcome_grace_hours * HOUR,
        (AlertRule.APPOINTMENT_UNRECORDED, "a1"),
    )
    await walk.expect(second - reminder, (AlertRule.APPOINTMENT_REMINDER, "a2"))
    # The second is recorded as missed two hours after it: alerted then, never unrecorded.
    await walk.quiet_until(second + 2 * HOUR)
    await walk.expect_on(c.MissAppointment("a2"), (AlertRule.APPOINTMENT_MISSED, "a2"))
    # A contact recorded now moves the no-contact alert a month on from it.
    contacted = await walk.now()
    await walk.run(c.RecordContact(contacted))

    calendar: dict[datetime, list[Expected]] = defaultdict(list)
    calendar[consent_expires - t.consent_expiry_notice_days * DAY].append(
        (AlertRule.CONSENT_EXPIRING, PartnerKind.TRAINING_BODY.value)
    )
    calendar[consent_expires].append((AlertRule.CONSENT_EXPIRED, PartnerKind.TRAINING_BODY.value))
    calendar[training_ends - t.training_end_notice_days * DAY].append(
        (AlertRule.TRAINING_ENDING, "t1")
    )
    calendar[contacted + t.no_contact_days * DAY].append((AlertRule.NO_CONTACT, "contact"))
    await walk_calendar(walk, calendar)

    assert {a.rule for a in walk.raised.values()} == APPOINTMENTS_RULES
    assert len(walk.raised) == 8


@pytest.mark.temporal
@ON_SESSION_LOOP
async def test_a_dated_mission_alerts_each_on_its_day(
    skipping_env: WorkflowEnvironment, skipping_pathways: PathwayClient
) -> None:
    t = ND.timers
    pid = await skipping_pathways.refer(
        ND, participant("Blessing", "Okafor"), referral(at=datetime.now(UTC)), meta()
    )
    walk = Walk(skipping_env, skipping_pathways, pid)
    hired = await walk.now()
    mission_ends = hired + 45 * DAY
    for command in (
        c.CompleteIntake(hired, ND_CRITERIA),
        c.StartCoaching(hired),
        c.RecordJobDating(hired, JobDatingOutcome.HIRED, "Domino"),
        c.StartMission(
            "Domino", "Entrepôt", hired, ContractType.TEMP_MISSION, 35, ends_at=mission_ends
        ),
    ):
        await walk.run(command)
    assert (await skipping_pathways.status(pid)).stage is Stage.IN_EMPLOYMENT

    calendar: dict[datetime, list[Expected]] = defaultdict(list)
    checkins = [day for day in t.post_hire_checkin_days if hired + day * DAY <= mission_ends]
    assert 0 < len(checkins) < len(t.post_hire_checkin_days)
    for day in checkins:
        calendar[hired + day * DAY].append((AlertRule.POST_HIRE_CHECKIN, f"m1-d{day}"))
    calendar[hired + t.no_contact_days * DAY].append((AlertRule.NO_CONTACT, "contact"))
    calendar[mission_ends - t.mission_end_notice_days * DAY].append(
        (AlertRule.MISSION_ENDING, "m1")
    )
    await walk_calendar(walk, calendar)
    # No check-in falls after the mission's end, whatever the programme's list says.
    await walk.quiet_until(hired + (t.post_hire_checkin_days[-1] + 1) * DAY)

    assert {a.rule for a in walk.raised.values()} == MISSION_RULES
    assert len(walk.raised) == len(checkins) + 2
