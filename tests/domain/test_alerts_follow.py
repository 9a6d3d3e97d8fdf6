"""Alerts that follow the pathway (`PathwayState.alert_rules` 2): each rule's alert closes
by itself, with an `alert_resolved` event naming it and the event that closed it, once its
condition stops holding; an alert already due at a person's entry waits for the entries
to settle; a pathway entered after the fact raises only what is still true.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.alerts import SETTLING, due_alerts, follow_pathway, next_alert_at
from parcours.domain.errors import MoveRefused
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayEvent
from parcours.domain.vocabulary import (
    AlertRule,
    AlertStatus,
    AppointmentKind,
    AppointmentPlace,
    ContractType,
    ExitReason,
    PartnerKind,
    Stage,
)
from tests.domain.helpers import (
    ATP,
    DAY,
    HOUR,
    PROGRAMME_IDS,
    PROGRAMMES,
    REASON,
    SYSTEM_ACTOR,
    criteria,
    drive_to,
    new_pathway,
)
from tests.support import T0, meta

MINUTE = timedelta(minutes=1)

parametrize_programme = pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)


def following(pathway: Pathway, now: datetime) -> Pathway:
    follow_pathway(pathway.state, now)
    return pathway


def raised(pathway: Pathway, now: datetime, rule: AlertRule) -> str:
    """Raise what is due at `now` and return the one alert of `rule` it raised."""
    events = pathway.raise_due_alerts(now)
    [alert_id] = [
        e.details["alert_id"]
        for e in events
        if e.kind == "alert_raised" and e.details["rule"] == rule.value
    ]
    return alert_id


def status_of(pathway: Pathway, alert_id: str) -> AlertStatus:
    [alert] = [a for a in pathway.state.alerts if a.alert_id == alert_id]
    return alert.status


def resolutions(pathway: Pathway) -> dict[str, PathwayEvent]:
    return {e.details["alert_id"]: e for e in pathway.state.timeline if e.kind == "alert_resolved"}


def assert_resolved_by(pathway: Pathway, alert_id: str, closing: PathwayEvent) -> None:
    """The alert is resolved, by an event that names it and the event that closed it."""
    assert status_of(pathway, alert_id) is AlertStatus.RESOLVED
    event = resolutions(pathway)[alert_id]
    assert event.details["closed_by"] == str(closing.seq)
    assert event.details["rule"] == alert_id.split(":", maxsplit=1)[0]
    assert (event.at, event.actor_id) == (closing.at, "parcours")
    assert event.seq > closing.seq
    assert all(a.alert_id != alert_id for a in pathway.open_alerts())


def raised_rules(pathway: Pathway, now: datetime) -> list[str]:
    return [e.details["rule"] for e in pathway.raise_due_alerts(now) if e.kind == "alert_raised"]


# -- each rule resolves when its condition stops holding ----------------------------------


@parametrize_programme
def test_intake_overdue_resolved_by_the_intake(programme: ProgrammeDefinition) -> None:
    pathway = following(new_pathway(programme), T0)
    late = T0 + timedelta(days=programme.timers.intake_within_days)
    alert_id = raised(pathway, late, AlertRule.INTAKE_OVERDUE)
    done = pathway.execute(c.CompleteIntake(late + DAY, criteria(programme)), meta(), late + DAY)
    assert_resolved_by(pathway, alert_id, done)


@parametrize_programme
def test_no_contact_resolved_by_a_contact(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.COACHING)
    following(pathway, now)
    last = pathway.state.last_contact_at
    assert last is not None
    due = last + timedelta(days=programme.timers.no_contact_days)
    alert_id = raised(pathway, due, AlertRule.NO_CONTACT)
    contact = pathway.execute(c.RecordContact(due + HOUR), meta(), due + HOUR)
    assert_resolved_by(pathway, alert_id, contact)


def scheduled(programme: ProgrammeDefinition) -> tuple[Pathway, datetime, datetime]:
    pathway, now = drive_to(programme, Stage.COACHING)
    following(pathway, now)
    at = now + 10 * DAY
    pathway.execute(
        c.ScheduleAppointment(at, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE), meta(), now
    )
    return pathway, now, at


@parametrize_programme
def test_appointment_alerts_resolved_by_its_outcome(programme: ProgrammeDefinition) -> None:
    pathway, _, at = scheduled(programme)
    reminder = raised(pathway, at - DAY, AlertRule.APPOINTMENT_REMINDER)
    grace = timedelta(hours=programme.timers.appointment_outcome_grace_hours)
    unrecorded = raised(pathway, at + grace, AlertRule.APPOINTMENT_UNRECORDED)
    attended = pathway.execute(c.AttendAppointment("a1"), meta(), at + grace + HOUR)
    assert_resolved_by(pathway, reminder, attended)
    assert_resolved_by(pathway, unrecorded, attended)
    assert [e.seq for e in resolutions(pathway).values()] == [attended.seq + 1, attended.seq + 2]


@parametrize_programme
def test_a_missed_appointment_resolved_by_a_later_contact(programme: ProgrammeDefinition) -> None:
    pathway, _, at = scheduled(programme)
    pathway.execute(c.MissAppointment("a1"), meta(), at + HOUR)
    missed = raised(pathway, at + HOUR + SETTLING, AlertRule.APPOINTMENT_MISSED)
    before = pathway.execute(c.RecordContact(at - HOUR), meta(), at + 2 * DAY)
    assert status_of(pathway, missed) is AlertStatus.OPEN  # a contact before it meets nothing
    after = pathway.execute(c.RecordContact(at + DAY), meta(), at + 2 * DAY)
    assert_resolved_by(pathway, missed, after)
    assert before.seq < after.seq


@parametrize_programme
def test_training_ending_resolved_when_it_completes(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.AWAITING_TRAINING)
    following(pathway, now)
    ends = now + 60 * DAY
    pathway.execute(c.EnrolTraining("Module", "GRETA", now + DAY, ends), meta(), now)
    notice = ends - timedelta(days=programme.timers.training_end_notice_days)
    alert_id = raised(pathway, notice, AlertRule.TRAINING_ENDING)
    done = pathway.execute(c.CompleteTraining(notice + DAY), meta(), notice + DAY)
    assert_resolved_by(pathway, alert_id, done)


@parametrize_programme
def test_mission_alerts_resolved_by_its_end_or_a_check_in(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.AWAITING_MISSION)
    following(pathway, now)
    ends = now + 200 * DAY
    start = c.StartMission("Adecco", "Entrepôt", now, ContractType.TEMP_MISSION, 35, ends)
    pathway.execute(start, meta(), now)
    first_day = programme.timers.post_hire_checkin_days[0]
    checkin = raised(pathway, now + first_day * DAY, AlertRule.POST_HIRE_CHECKIN)
    called = pathway.execute(c.RecordContact(now + (first_day + 1) * DAY), meta(), now + 9 * DAY)
    assert_resolved_by(pathway, checkin, called)
    notice = ends - timedelta(days=programme.timers.mission_end_notice_days)
    ending = raised(pathway, notice, AlertRule.MISSION_ENDING)
    ended = pathway.execute(c.EndMission(notice + DAY), meta(), notice + DAY)
    assert_resolved_by(pathway, ending, ended)


@pytest.mark.parametrize("change", ["renewed", "withdrawn"])
@parametrize_programme
def test_consent_alerts_resolved_by_renewal_or_withdrawal(
    programme: ProgrammeDefinition, change: str
) -> None:
    pathway = following(new_pathway(programme), T0)
    expires = T0 + 40 * DAY
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, T0, expires), meta(), T0)
    expiring = raised(pathway, expires - 30 * DAY, AlertRule.CONSENT_EXPIRING)
    expired = raised(pathway, expires, AlertRule.CONSENT_EXPIRED)
    later = expires + DAY
    command: c.Command = (
        c.GiveConsent(PartnerKind.REFERRER, later, later + 365 * DAY)
        if change == "renewed"
        else c.WithdrawConsent(PartnerKind.REFERRER, later)
    )
    closing = pathway.execute(command, meta(), later)
    assert_resolved_by(pathway, expiring, closing)
    assert_resolved_by(pathway, expired, closing)


def test_an_exit_resolves_nothing_what_was_open_stays_open() -> None:
    """Life after exit: the alerts open when the person left stay listed, to be
    acknowledged or closed with the pathway at the end of its retention."""
    pathway, now = drive_to(ATP, Stage.IN_EMPLOYMENT)
    following(pathway, now)
    deadline = pathway.summary(now).accompaniment_ends_at
    assert deadline is not None
    approaching = raised(pathway, deadline - 90 * DAY, AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING)
    reached = raised(pathway, deadline, AlertRule.ACCOMPANIMENT_DEADLINE_REACHED)
    pathway.execute(c.Exit(ExitReason.OTHER, deadline), meta(reason=REASON), deadline)
    assert status_of(pathway, approaching) is AlertStatus.OPEN
    assert status_of(pathway, reached) is AlertStatus.OPEN
    assert resolutions(pathway) == {}


@parametrize_programme
def test_an_escalation_resolves_with_the_alert_it_escalates(
    programme: ProgrammeDefinition,
) -> None:
    pathway = following(new_pathway(programme), T0)
    late = T0 + timedelta(days=programme.timers.intake_within_days)
    intake = raised(pathway, late, AlertRule.INTAKE_OVERDUE)
    escalated = late + timedelta(days=programme.timers.alert_escalation_days)
    escalation = raised(pathway, escalated, AlertRule.ALERT_UNACKNOWLEDGED)
    done = pathway.execute(c.CompleteIntake(escalated, criteria(programme)), meta(), escalated)
    assert_resolved_by(pathway, intake, done)
    assert resolutions(pathway)[escalation].details["closed_by"] == str(done.seq)
    assert status_of(pathway, escalation) is AlertStatus.RESOLVED


@parametrize_programme
def test_an_escalation_resolves_once_its_alert_is_acknowledged(
    programme: ProgrammeDefinition,
) -> None:
    pathway = following(new_pathway(programme), T0)
    late = T0 + timedelta(days=programme.timers.intake_within_days)
    intake = raised(pathway, late, AlertRule.INTAKE_OVERDUE)
    escalated = late + timedelta(days=programme.timers.alert_escalation_days)
    escalation = raised(pathway, escalated, AlertRule.ALERT_UNACKNOWLEDGED)
    acked = pathway.execute(c.AcknowledgeAlert(intake), meta(), escalated + HOUR)
    assert status_of(pathway, intake) is AlertStatus.ACKNOWLEDGED
    assert_resolved_by(pathway, escalation, acked)


@parametrize_programme
def test_a_snoozed_alert_resolves_too(programme: ProgrammeDefinition) -> None:
    pathway = following(new_pathway(programme), T0)
    late = T0 + timedelta(days=programme.timers.intake_within_days)
    intake = raised(pathway, late, AlertRule.INTAKE_OVERDUE)
    pathway.execute(c.SnoozeAlert(intake, late + 10 * DAY), meta(), late)
    done = pathway.execute(c.CompleteIntake(late + DAY, criteria(programme)), meta(), late + DAY)
    assert_resolved_by(pathway, intake, done)
    [alert] = [a for a in pathway.state.alerts if a.alert_id == intake]
    assert (alert.snoozed_until, alert.handled_by, alert.handled_at) == (
        None,
        "parcours",
        late + DAY,
    )
    assert [e.kind for e in pathway.raise_due_alerts(late + 11 * DAY)] == []  # no reopening


@parametrize_programme
def test_a_resolved_alert_cannot_be_acknowledged_or_snoozed(
    programme: ProgrammeDefinition,
) -> None:
    pathway = following(new_pathway(programme), T0)
    late = T0 + timedelta(days=programme.timers.intake_within_days)
    intake = raised(pathway, late, AlertRule.INTAKE_OVERDUE)
    pathway.execute(c.CompleteIntake(late, criteria(programme)), meta(), late)
    for command in (c.AcknowledgeAlert(intake), c.SnoozeAlert(intake, late + DAY)):
        with pytest.raises(MoveRefused) as refused:
            pathway.check(command, meta())
        assert (refused.value.rule, refused.value.values) == ("alert_resolved", {"alert": intake})


@parametrize_programme
def test_a_failed_notification_never_resolves_by_itself(programme: ProgrammeDefinition) -> None:
    pathway = following(new_pathway(programme), T0)
    failure = c.RecordNotificationFailure("n-1", PartnerKind.REFERRER, T0 + HOUR)
    pathway.execute(failure, meta(SYSTEM_ACTOR), T0 + HOUR)
    pathway.execute(c.CompleteIntake(T0 + DAY, criteria(programme)), meta(), T0 + DAY)
    pathway.execute(c.Exit(ExitReason.OTHER, T0 + 2 * DAY), meta(reason=REASON), T0 + 2 * DAY)
    assert [a.rule for a in pathway.open_alerts()] == [AlertRule.NOTIFICATION_FAILED]


@parametrize_programme
def test_a_suspension_pauses_alerts_and_resolves_none(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.COACHING)
    following(pathway, now)
    last = pathway.state.last_contact_at
    assert last is not None
    due = last + timedelta(days=programme.timers.no_contact_days)
    alert_id = raised(pathway, due, AlertRule.NO_CONTACT)
    pathway.execute(c.Suspend(due + HOUR), meta(reason=REASON), due + HOUR)
    assert status_of(pathway, alert_id) is AlertStatus.OPEN
    resumed = pathway.execute(c.Resume(due + DAY), meta(), due + DAY)  # a resumption is a contact
    assert_resolved_by(pathway, alert_id, resumed)


@parametrize_programme
def test_the_first_rules_keep_alerts_open(programme: ProgrammeDefinition) -> None:
    """What histories recorded before the patch replay: nothing resolves (issue 10)."""
    pathway = new_pathway(programme)
    late = T0 + timedelta(days=programme.timers.intake_within_days)
    intake = raised(pathway, late, AlertRule.INTAKE_OVERDUE)
    pathway.execute(c.CompleteIntake(late, criteria(programme)), meta(), late)
    assert status_of(pathway, intake) is AlertStatus.OPEN
    assert pathway.state.alert_rules == 1
    assert pathway.state.last_entry_at is None


# -- alerts due at an entry wait for the entries to settle ----------------------------------


@parametrize_programme
def test_an_overdue_alert_waits_until_entries_settle(programme: ProgrammeDefinition) -> None:
    referred = T0 - 90 * DAY
    pathway = following(new_pathway(programme, referred), T0)
    state = pathway.state
    assert due_alerts(state, programme, T0) == []
    assert next_alert_at(state, programme, T0) == T0 + SETTLING
    pathway.execute(c.RecordContact(referred + DAY), meta(), T0 + 40 * MINUTE)
    assert due_alerts(state, programme, T0 + SETTLING) == []
    assert next_alert_at(state, programme, T0) == T0 + 40 * MINUTE + SETTLING
    assert raised_rules(pathway, T0 + 40 * MINUTE + SETTLING) == ["intake_overdue"]


@parametrize_programme
def test_an_intake_entered_later_meets_its_alert(programme: ProgrammeDefinition) -> None:
    """Issue 10: `intake_overdue` raised for an intake done on time, entered a minute later."""
    referred = T0 - 90 * DAY
    pathway = following(new_pathway(programme, referred), T0)
    assert pathway.raise_due_alerts(T0) == []
    intake = c.CompleteIntake(referred + 3 * DAY, criteria(programme))
    pathway.execute(intake, meta(), T0 + MINUTE)
    assert "intake_overdue" not in raised_rules(pathway, T0 + DAY)
    assert all(a.rule is not AlertRule.INTAKE_OVERDUE for a in pathway.state.alerts)


@parametrize_programme
def test_an_appointment_entered_as_attended_raises_nothing(
    programme: ProgrammeDefinition,
) -> None:
    """Issue 10: `appointment_unrecorded` for an appointment recorded as attended."""
    pathway, now = drive_to(programme, Stage.COACHING)
    following(pathway, now)
    past = now - 20 * DAY
    schedule = c.ScheduleAppointment(past, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    pathway.execute(schedule, meta(), now + MINUTE)
    assert pathway.raise_due_alerts(now + 2 * MINUTE) == []
    pathway.execute(c.AttendAppointment("a1"), meta(), now + 2 * MINUTE)
    appointment_rules = {"appointment_reminder", "appointment_unrecorded", "appointment_missed"}
    assert not appointment_rules & set(raised_rules(pathway, now + DAY))


@parametrize_programme
def test_an_alert_falling_due_after_the_last_entry_is_raised_on_time(
    programme: ProgrammeDefinition,
) -> None:
    pathway = following(new_pathway(programme), T0)
    due = T0 + timedelta(days=programme.timers.intake_within_days)
    assert next_alert_at(pathway.state, programme, T0) == due
    assert raised_rules(pathway, due) == ["intake_overdue"]


@parametrize_programme
def test_what_the_system_records_does_not_hold_alerts_back(
    programme: ProgrammeDefinition,
) -> None:
    referred = T0 - 90 * DAY
    pathway = following(new_pathway(programme, referred), T0)
    failure = c.RecordNotificationFailure("n-1", PartnerKind.REFERRER, T0 + 50 * MINUTE)
    pathway.execute(failure, meta(SYSTEM_ACTOR), T0 + 50 * MINUTE)
    assert pathway.state.last_entry_at == T0
    assert "intake_overdue" in raised_rules(pathway, T0 + SETTLING)


@parametrize_programme
def test_a_moot_alert_is_never_raised(programme: ProgrammeDefinition) -> None:
    """A reminder that entries push past its appointment, an expiry notice for a consent
    already expired: neither would say anything true any more."""
    pathway, now = drive_to(programme, Stage.COACHING)
    following(pathway, now)
    soon = now + 30 * MINUTE
    schedule = c.ScheduleAppointment(soon, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    pathway.execute(schedule, meta(), now)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, now - 90 * DAY, now - DAY), meta(), now)
    rules = raised_rules(pathway, now + SETTLING)
    assert "appointment_reminder" not in rules
    assert "consent_expiring" not in rules
    assert "consent_expired" in rules


@parametrize_programme
def test_a_check_in_met_by_a_contact_is_never_raised(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.AWAITING_MISSION)
    following(pathway, now)
    start = now - 100 * DAY
    mission = c.StartMission("Adecco", "Entrepôt", start, ContractType.TEMP_MISSION, 35)
    pathway.execute(mission, meta(), now)
    pathway.execute(c.RecordContact(now - DAY), meta(), now + MINUTE)
    assert "post_hire_checkin" not in raised_rules(pathway, now + DAY)
    later = programme.timers.post_hire_checkin_days[-1]
    pending = due_alerts(pathway.state, programme, start + later * DAY)
    checkins = [a.subject for a in pending if a.rule is AlertRule.POST_HIRE_CHECKIN]
    assert checkins == [f"m1-d{d}" for d in programme.timers.post_hire_checkin_days if d > 99]


# -- corrections: the pathway judged again ----------------------------------------------


@parametrize_programme
def test_voiding_the_entry_that_closed_an_alert_opens_it_again(
    programme: ProgrammeDefinition,
) -> None:
    pathway = following(new_pathway(programme), T0)
    late = T0 + timedelta(days=programme.timers.intake_within_days)
    intake = raised(pathway, late, AlertRule.INTAKE_OVERDUE)
    done = pathway.execute(c.CompleteIntake(late, criteria(programme)), meta(), late + HOUR)
    assert status_of(pathway, intake) is AlertStatus.RESOLVED
    pathway.execute(c.CorrectEvent(done.seq), meta(reason="wrong pathway"), late + 2 * HOUR)
    assert pathway.state.stage is programme.initial_stage
    assert pathway.state.alert_rules == 2
    assert status_of(pathway, intake) is AlertStatus.OPEN  # true again: no intake


@parametrize_programme
def test_a_correction_resolves_what_it_makes_untrue(programme: ProgrammeDefinition) -> None:
    pathway = following(new_pathway(programme), T0)
    expires = T0 + 40 * DAY
    given = pathway.execute(c.GiveConsent(PartnerKind.REFERRER, T0, expires), meta(), T0)
    expired = raised(pathway, expires, AlertRule.CONSENT_EXPIRED)
    fixed = pathway.execute(c.CorrectEvent(given.seq), meta(reason="never given"), expires + DAY)
    assert (fixed.kind, fixed.details["seq"]) == ("event_voided", str(given.seq))
    assert_resolved_by(pathway, expired, fixed)
