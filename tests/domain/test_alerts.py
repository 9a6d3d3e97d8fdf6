"""Alert rules at the edge of every duration, read from each programme's timers: not due
one second before, due exactly at the edge, announced by `next_alert_at`, raised once.
Handled alerts stay quiet; snoozed ones come back when the snooze ends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.alerts import candidate_alerts, due_alerts, next_alert_at
from parcours.domain.calendar import add_months
from parcours.domain.commands.alerts import designated
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Alert
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    AppointmentKind,
    AppointmentPlace,
    ContractType,
    PartnerKind,
    Stage,
)
from tests.domain.helpers import (
    DAY,
    HOUR,
    PROGRAMME_IDS,
    PROGRAMMES,
    REASON,
    SECOND,
    SYSTEM_ACTOR,
    drive_to,
    new_pathway,
)
from tests.support import T0, meta


def assert_edge(
    pathway: Pathway,
    rule: AlertRule,
    subject: str,
    edge: datetime,
    audience: AlertAudience = AlertAudience.REFERENT,
) -> str:
    """The alert (rule, subject) is due at `edge` exactly: not a second before."""
    state, programme = pathway.state, pathway.programme
    before = edge - SECOND

    def matching(instant: datetime) -> list[str]:
        return [
            a.alert_id
            for a in due_alerts(state, programme, instant)
            if a.rule is rule and a.subject == subject
        ]

    assert matching(before) == []
    [alert_id] = matching(edge)
    assert [a.due_at for a in candidate_alerts(state, programme) if a.alert_id == alert_id] == [
        edge
    ]
    assert next_alert_at(state, programme, before) == edge
    assert pathway.next_alert_at(before) == edge

    early = pathway.raise_due_alerts(before)
    assert alert_id not in [e.details["alert_id"] for e in early]
    raised = [e for e in pathway.raise_due_alerts(edge) if e.details["alert_id"] == alert_id]
    assert len(raised) == 1
    assert raised[0].kind == "alert_raised"
    assert raised[0].at == edge
    assert raised[0].details["rule"] == rule.value
    assert raised[0].details["audience"] == audience.value
    [stored] = [a for a in state.alerts if a.alert_id == alert_id]
    assert (stored.due_at, stored.raised_at, stored.status) == (edge, edge, AlertStatus.OPEN)
    again = pathway.raise_due_alerts(edge + 400 * DAY)
    assert alert_id not in [e.details.get("alert_id") for e in again if e.kind == "alert_raised"]
    return alert_id


def not_candidate(pathway: Pathway, rule: AlertRule) -> bool:
    return all(a.rule is not rule for a in candidate_alerts(pathway.state, pathway.programme))


parametrize_programme = pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)


@parametrize_programme
def test_intake_overdue_after_referral(programme: ProgrammeDefinition) -> None:
    pathway = new_pathway(programme)
    edge = T0 + timedelta(days=programme.timers.intake_within_days)
    assert_edge(pathway, AlertRule.INTAKE_OVERDUE, "intake", edge)


@parametrize_programme
def test_intake_overdue_stops_once_intake_is_done(programme: ProgrammeDefinition) -> None:
    pathway, _ = drive_to(programme, Stage.BARRIER_WORK)
    assert not_candidate(pathway, AlertRule.INTAKE_OVERDUE)


@parametrize_programme
def test_intake_overdue_restarts_at_reentry(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.DROPPED_OUT)
    reentry = now + 100 * DAY
    pathway.execute(c.ReEnter("2027-03", reentry), meta(reason=REASON), reentry)
    edge = reentry + timedelta(days=programme.timers.intake_within_days)
    assert_edge(pathway, AlertRule.INTAKE_OVERDUE, "intake", edge)


@parametrize_programme
def test_no_contact_since_the_last_contact(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.BARRIER_WORK)
    contact = now + 2 * DAY + 17 * SECOND
    pathway.execute(c.RecordContact(contact), meta(), now + 3 * DAY)
    edge = contact + timedelta(days=programme.timers.no_contact_days)
    assert_edge(pathway, AlertRule.NO_CONTACT, "contact", edge)


@parametrize_programme
def test_a_contact_postpones_no_contact(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.COACHING)
    days = timedelta(days=programme.timers.no_contact_days)
    last = pathway.state.last_contact_at
    assert last is not None
    first_edge = last + days
    pathway.execute(c.RecordContact(first_edge - SECOND), meta(), first_edge - SECOND)
    assert due_alerts(pathway.state, programme, first_edge) == []
    assert_edge(pathway, AlertRule.NO_CONTACT, "contact", first_edge - SECOND + days)
    assert now < first_edge


@pytest.mark.parametrize("stage", [Stage.SUSPENDED, Stage.DROPPED_OUT, Stage.EXITED], ids=str)
@parametrize_programme
def test_no_contact_is_not_watched_while_inactive(
    programme: ProgrammeDefinition, stage: Stage
) -> None:
    pathway, _ = drive_to(programme, stage)
    assert not_candidate(pathway, AlertRule.NO_CONTACT)


def scheduled(programme: ProgrammeDefinition) -> tuple[Pathway, datetime, datetime]:
    pathway, now = drive_to(programme, Stage.COACHING)
    at = now + 10 * DAY + 30 * SECOND
    pathway.execute(
        c.ScheduleAppointment(at, AppointmentKind.INDIVIDUAL, AppointmentPlace.MOBILE_OFFICE),
        meta(),
        now,
    )
    return pathway, now, at


@parametrize_programme
def test_appointment_reminder(programme: ProgrammeDefinition) -> None:
    pathway, _, at = scheduled(programme)
    edge = at - timedelta(hours=programme.timers.appointment_reminder_hours)
    assert_edge(pathway, AlertRule.APPOINTMENT_REMINDER, "a1", edge)


@parametrize_programme
def test_appointment_unrecorded_after_grace(programme: ProgrammeDefinition) -> None:
    pathway, _, at = scheduled(programme)
    edge = at + timedelta(hours=programme.timers.appointment_outcome_grace_hours)
    assert_edge(pathway, AlertRule.APPOINTMENT_UNRECORDED, "a1", edge)


@parametrize_programme
def test_a_recorded_appointment_needs_no_reminder(programme: ProgrammeDefinition) -> None:
    pathway, _, at = scheduled(programme)
    pathway.execute(c.AttendAppointment("a1"), meta(), at)
    assert not_candidate(pathway, AlertRule.APPOINTMENT_REMINDER)
    assert not_candidate(pathway, AlertRule.APPOINTMENT_UNRECORDED)
    assert not_candidate(pathway, AlertRule.APPOINTMENT_MISSED)
    assert pathway.state.last_contact_at == at


@parametrize_programme
def test_appointment_missed_when_recorded(programme: ProgrammeDefinition) -> None:
    pathway, _, at = scheduled(programme)
    recorded = at + 2 * HOUR + 5 * SECOND
    pathway.execute(c.MissAppointment("a1"), meta(), recorded)
    assert not_candidate(pathway, AlertRule.APPOINTMENT_UNRECORDED)
    assert_edge(pathway, AlertRule.APPOINTMENT_MISSED, "a1", recorded)


@parametrize_programme
def test_training_end_approaching(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.AWAITING_TRAINING)
    ends = now + 75 * DAY + 7 * SECOND
    pathway.execute(c.EnrolTraining("Module", "GRETA", now + DAY, ends), meta(), now)
    edge = ends - timedelta(days=programme.timers.training_end_notice_days)
    assert_edge(pathway, AlertRule.TRAINING_ENDING, "t1", edge)


@parametrize_programme
def test_a_completed_training_stops_its_alert(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.TRAINING)
    assert not not_candidate(pathway, AlertRule.TRAINING_ENDING)
    pathway.execute(c.CompleteTraining(now), meta(), now)
    assert not_candidate(pathway, AlertRule.TRAINING_ENDING)


def on_mission(
    programme: ProgrammeDefinition, length: timedelta | None
) -> tuple[Pathway, datetime]:
    pathway, now = drive_to(programme, Stage.AWAITING_MISSION)
    starts = now + DAY + 11 * SECOND
    ends = None if length is None else starts + length
    pathway.execute(
        c.StartMission("Adecco", "Entrepôt", starts, ContractType.TEMP_MISSION, 35, ends),
        meta(),
        now,
    )
    return pathway, starts


@parametrize_programme
def test_mission_end_approaching(programme: ProgrammeDefinition) -> None:
    pathway, starts = on_mission(programme, 60 * DAY)
    edge = starts + 60 * DAY - timedelta(days=programme.timers.mission_end_notice_days)
    assert_edge(pathway, AlertRule.MISSION_ENDING, "m1", edge)


CHECKINS = [
    pytest.param(programme, day, id=f"{programme.name}-day-{day}")
    for programme in PROGRAMMES
    for day in programme.timers.post_hire_checkin_days
]


@pytest.mark.parametrize(("programme", "day"), CHECKINS)
def test_post_hire_checkins(programme: ProgrammeDefinition, day: int) -> None:
    pathway, starts = on_mission(programme, None)
    assert not_candidate(pathway, AlertRule.MISSION_ENDING)
    edge = starts + timedelta(days=day)
    assert_edge(pathway, AlertRule.POST_HIRE_CHECKIN, f"m1-d{day}", edge)


@parametrize_programme
def test_post_hire_checkins_stop_at_the_planned_end(programme: ProgrammeDefinition) -> None:
    days = programme.timers.post_hire_checkin_days
    assert len(days) >= 2
    pathway, starts = on_mission(programme, timedelta(days=days[1]))
    subjects = [
        a.subject
        for a in candidate_alerts(pathway.state, programme)
        if a.rule is AlertRule.POST_HIRE_CHECKIN
    ]
    assert subjects == [f"m1-d{days[0]}", f"m1-d{days[1]}"]  # the end day itself is kept
    assert starts < starts + timedelta(days=days[1])


@parametrize_programme
def test_mission_alerts_stop_when_the_mission_ends(programme: ProgrammeDefinition) -> None:
    pathway, starts = on_mission(programme, 60 * DAY)
    pathway.execute(c.EndMission(starts + 3 * DAY), meta(), starts + 3 * DAY)
    assert not_candidate(pathway, AlertRule.MISSION_ENDING)
    assert not_candidate(pathway, AlertRule.POST_HIRE_CHECKIN)


def accompaniment_started(programme: ProgrammeDefinition) -> tuple[Pathway, datetime]:
    """A pathway whose accompaniment clock has started, at the instant the programme says."""
    accompaniment = programme.accompaniment
    assert accompaniment is not None
    pathway = new_pathway(programme)
    assert pathway.state.accompaniment_starts_at is None
    intake = T0 + 2 * DAY + 13 * SECOND
    pathway.execute(
        c.CompleteIntake(intake, tuple(k.key for k in programme.eligibility)), meta(), intake
    )
    start = intake
    if accompaniment.starts_on == "contract_signed":
        assert pathway.state.accompaniment_starts_at is None
        start = intake + 5 * DAY
        pathway.execute(c.SignContract(start), meta(), start)
    assert accompaniment.starts_on != "referral"
    assert pathway.state.accompaniment_starts_at == start
    return pathway, start


@parametrize_programme
def test_accompaniment_deadline_approaching(programme: ProgrammeDefinition) -> None:
    assert programme.accompaniment is not None
    pathway, start = accompaniment_started(programme)
    deadline = add_months(start, programme.accompaniment.months)
    edge = deadline - timedelta(days=programme.timers.accompaniment_notice_days)
    assert_edge(pathway, AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING, "accompaniment", edge)


@parametrize_programme
def test_accompaniment_deadline_reached(programme: ProgrammeDefinition) -> None:
    assert programme.accompaniment is not None
    pathway, start = accompaniment_started(programme)
    deadline = add_months(start, programme.accompaniment.months)
    assert_edge(
        pathway,
        AlertRule.ACCOMPANIMENT_DEADLINE_REACHED,
        "accompaniment",
        deadline,
        AlertAudience.COORDINATOR,
    )


def test_atp_accompaniment_lasts_two_years_from_the_contract() -> None:
    atp = PROGRAMMES[0]
    pathway, start = accompaniment_started(atp)
    reached = [
        a.due_at
        for a in candidate_alerts(pathway.state, atp)
        if a.rule is AlertRule.ACCOMPANIMENT_DEADLINE_REACHED
    ]
    assert reached == [start.replace(year=start.year + 2)]


@pytest.mark.parametrize("stage", [Stage.DROPPED_OUT, Stage.EXITED], ids=str)
@parametrize_programme
def test_accompaniment_is_not_watched_after_leaving(
    programme: ProgrammeDefinition, stage: Stage
) -> None:
    pathway, _ = drive_to(programme, stage)
    assert not_candidate(pathway, AlertRule.ACCOMPANIMENT_DEADLINE_REACHED)
    assert not_candidate(pathway, AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING)


def consenting(programme: ProgrammeDefinition) -> tuple[Pathway, datetime]:
    pathway, now = drive_to(programme, Stage.BARRIER_WORK)
    expires = now + 200 * DAY + 9 * SECOND
    pathway.execute(c.GiveConsent(PartnerKind.TRAINING_BODY, now, expires), meta(), now)
    return pathway, expires


@parametrize_programme
def test_consent_expiring(programme: ProgrammeDefinition) -> None:
    pathway, expires = consenting(programme)
    edge = expires - timedelta(days=programme.timers.consent_expiry_notice_days)
    assert_edge(pathway, AlertRule.CONSENT_EXPIRING, "training_body", edge)


@parametrize_programme
def test_consent_expired(programme: ProgrammeDefinition) -> None:
    pathway, expires = consenting(programme)
    assert pathway.state.consent_valid(PartnerKind.TRAINING_BODY, expires - SECOND)
    assert not pathway.state.consent_valid(PartnerKind.TRAINING_BODY, expires)
    assert_edge(pathway, AlertRule.CONSENT_EXPIRED, "training_body", expires)


@parametrize_programme
def test_withdrawn_or_open_ended_consent_needs_no_alert(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.BARRIER_WORK)
    pathway.execute(c.GiveConsent(PartnerKind.EMPLOYER, now), meta(), now)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, now, now + 90 * DAY), meta(), now)
    pathway.execute(c.WithdrawConsent(PartnerKind.REFERRER, now + HOUR), meta(), now + HOUR)
    assert not_candidate(pathway, AlertRule.CONSENT_EXPIRING)
    assert not_candidate(pathway, AlertRule.CONSENT_EXPIRED)


def raised_intake_alert(programme: ProgrammeDefinition) -> tuple[Pathway, str, datetime]:
    pathway = new_pathway(programme)
    edge = T0 + timedelta(days=programme.timers.intake_within_days)
    [event] = pathway.raise_due_alerts(edge)
    return pathway, event.details["alert_id"], edge


@parametrize_programme
def test_an_unacknowledged_alert_escalates_to_the_coordinator(
    programme: ProgrammeDefinition,
) -> None:
    pathway, alert_id, raised = raised_intake_alert(programme)
    edge = raised + timedelta(days=programme.timers.alert_escalation_days)
    assert_edge(pathway, AlertRule.ALERT_UNACKNOWLEDGED, alert_id, edge, AlertAudience.COORDINATOR)


@parametrize_programme
def test_a_failed_notification_is_an_alert_that_escalates(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.COACHING)
    failed = now + 13 * SECOND
    command = c.RecordNotificationFailure("pw-test:3:referrer", PartnerKind.REFERRER, failed)
    event = pathway.execute(command, meta(SYSTEM_ACTOR), failed)
    alert_id = event.details["alert_id"]
    assert alert_id == "notification_failed:pw-test:3:referrer"
    [alert] = [a for a in pathway.state.alerts if a.alert_id == alert_id]
    assert alert.audience is AlertAudience.COORDINATOR
    pathway.execute(command, meta(SYSTEM_ACTOR), failed + HOUR)  # reported twice, stored once
    assert [a.alert_id for a in pathway.state.alerts].count(alert_id) == 1
    edge = failed + timedelta(days=programme.timers.alert_escalation_days)
    assert_edge(pathway, AlertRule.ALERT_UNACKNOWLEDGED, alert_id, edge, AlertAudience.COORDINATOR)


@parametrize_programme
def test_an_acknowledged_alert_is_not_raised_again(programme: ProgrammeDefinition) -> None:
    pathway, alert_id, raised = raised_intake_alert(programme)
    event = pathway.execute(c.AcknowledgeAlert(alert_id), meta(), raised + HOUR)
    assert event.kind == "alert_acknowledged"
    [alert] = pathway.state.alerts
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert (alert.handled_by, alert.handled_at) == (meta().actor.actor_id, raised + HOUR)
    assert pathway.open_alerts() == []
    far = raised + 1000 * DAY
    assert due_alerts(pathway.state, programme, far) == []
    assert pathway.raise_due_alerts(far) == []
    assert pathway.next_alert_at(raised) is None
    with pytest.raises(MoveRefused) as refused:
        pathway.execute(c.AcknowledgeAlert(alert_id), meta(), far)
    assert refused.value.rule == "alert_acknowledged"
    assert refused.value.message == f"alert {alert_id} is already acknowledged"


@parametrize_programme
def test_a_snoozed_alert_comes_back_when_the_snooze_ends(programme: ProgrammeDefinition) -> None:
    pathway, alert_id, raised = raised_intake_alert(programme)
    until = raised + 2 * DAY + 21 * SECOND
    event = pathway.execute(c.SnoozeAlert(alert_id, until), meta(), raised + HOUR)
    assert event.details == {"alert_id": alert_id, "until": until.isoformat()}
    [alert] = pathway.state.alerts
    assert (alert.status, alert.snoozed_until) == (AlertStatus.SNOOZED, until)
    assert pathway.open_alerts() == [alert]  # snoozed is not handled for good
    # while snoozed it neither escalates nor fires again
    assert due_alerts(pathway.state, programme, until + 100 * DAY) == []
    assert pathway.next_alert_at(raised + HOUR) == until
    assert pathway.next_alert_at(until - SECOND) == until
    assert pathway.raise_due_alerts(until - SECOND) == []
    assert alert.status is AlertStatus.SNOOZED

    [reopened] = pathway.raise_due_alerts(until)
    assert (reopened.kind, reopened.at) == ("alert_reopened", until)
    assert reopened.details == {"alert_id": alert_id}
    assert (alert.status, alert.snoozed_until) == (AlertStatus.OPEN, None)
    assert [a.alert_id for a in pathway.state.alerts] == [alert_id]  # the same alert, once
    assert not [e for e in pathway.raise_due_alerts(until + SECOND) if e.kind != "alert_raised"]
    # once open again it escalates from when it was first raised
    escalation = raised + timedelta(days=programme.timers.alert_escalation_days)
    assert [a.rule for a in due_alerts(pathway.state, programme, max(until, escalation))] == [
        AlertRule.ALERT_UNACKNOWLEDGED
    ]


@parametrize_programme
def test_alerts_refer_to_known_alerts_only(programme: ProgrammeDefinition) -> None:
    pathway = new_pathway(programme)
    with pytest.raises(UnknownReference) as unknown:
        pathway.execute(c.AcknowledgeAlert("no_contact:contact:20260101T0000"), meta(), T0)
    assert unknown.value.rule == "unknown_reference"
    assert unknown.value.message == "no alert 'no_contact:contact:20260101T0000' on this pathway"


@parametrize_programme
def test_raising_is_deterministic_and_ordered(programme: ProgrammeDefinition) -> None:
    """Alerts due together are raised in due order, each with a stable id."""
    pathway, now = drive_to(programme, Stage.COACHING)
    at = now + 3 * DAY
    pathway.execute(
        c.ScheduleAppointment(at, AppointmentKind.COACHING, AppointmentPlace.OFFICE), meta(), now
    )
    late = at + 200 * DAY
    expected = due_alerts(pathway.state, programme, late)
    assert [a.due_at for a in expected] == sorted(a.due_at for a in expected)
    events = [e for e in pathway.raise_due_alerts(late) if e.kind == "alert_raised"]
    assert [e.details["alert_id"] for e in events] == [a.alert_id for a in expected]
    assert {a.rule for a in expected} >= {
        AlertRule.APPOINTMENT_REMINDER,
        AlertRule.APPOINTMENT_UNRECORDED,
        AlertRule.NO_CONTACT,
    }
    reminder = next(a for a in expected if a.rule is AlertRule.APPOINTMENT_REMINDER)
    due = reminder.due_at.strftime("%Y%m%dT%H%M")
    assert reminder.alert_id == f"appointment_reminder:a1:{due}"


def _alert(rule: AlertRule, subject: str, status: AlertStatus = AlertStatus.OPEN) -> Alert:
    due = T0 + timedelta(days=len(subject))
    alert_id = f"{rule.value}:{subject}:{due.strftime('%Y%m%dT%H%M')}"
    return Alert(alert_id, rule, subject, due, due, AlertAudience.REFERENT, status)


def test_staff_designate_an_open_alert_by_its_rule_or_the_start_of_its_id() -> None:
    referrer = _alert(AlertRule.NOTIFICATION_FAILED, "referrer")
    agency = _alert(AlertRule.NOTIFICATION_FAILED, "temp_agency")
    done = _alert(AlertRule.NO_CONTACT, "contact", AlertStatus.ACKNOWLEDGED)
    snoozed = _alert(AlertRule.INTAKE_OVERDUE, "intake", AlertStatus.SNOOZED)
    alerts = [referrer, agency, done, snoozed]
    assert designated(alerts, referrer.alert_id, None) == []  # an id: the pathway judges it
    assert designated(alerts, done.alert_id, None) == []
    assert designated(alerts, "x", AlertRule.NOTIFICATION_FAILED) == [referrer, agency]
    assert designated(alerts, "x", AlertRule.NO_CONTACT) == [done]  # the pathway says "handled"
    assert designated(alerts, "x", AlertRule.CONSENT_EXPIRED) == []  # never raised
    assert designated(alerts, "x", AlertRule.INTAKE_OVERDUE) == [snoozed]
    assert designated(alerts, "notification_failed:temp", None) == [agency]
    assert designated(alerts, "notification_failed:", None) == [referrer, agency]
    assert designated(alerts, "no_contact:", None) == [done]  # handled: the pathway says so
    assert designated(alerts, "", None) == []
