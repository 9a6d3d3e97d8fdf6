"""Alert rules: pure functions of a pathway and an instant.

`candidate_alerts` lists every alert the current state implies, past or future, each with
a deterministic id; `due_alerts` keeps those due and not yet raised; `next_alert_at` tells
a workflow how long it may sleep. An alert is due at its instant exactly, not before.

From `FOLLOWS_PATHWAY` on (`PathwayState.alert_rules`), alerts follow what is recorded:
an alert that fell due before the last entry of a person (staff entering a past pathway,
say) waits until `SETTLING` has passed with no new entry, so that the entries that meet
its condition come first; one that would only say something moot by then (a reminder
after its appointment) is not raised; a check-in or a missed appointment followed by a
contact is met. `domain.resolution` closes those whose condition stops holding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parcours.domain.anonymisation import warning_due_at
from parcours.domain.consent_notice import asks_nothing, notice_due
from parcours.domain.guards import accompaniment_deadline
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Alert, PathwayState
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    AppointmentStatus,
    Stage,
)

INACTIVE = frozenset({Stage.SUSPENDED, Stage.DROPPED_OUT, Stage.EXITED})

FOLLOWS_PATHWAY = 2
"""The `PathwayState.alert_rules` from which alerts follow the pathway (see above)."""

SETTLING = timedelta(hours=1)
"""How long an alert already due at a person's entry waits for no further entry."""


@dataclass(frozen=True)
class DueAlert:
    rule: AlertRule
    subject: str
    due_at: datetime
    audience: AlertAudience = AlertAudience.REFERENT
    moot_at: datetime | None = field(default=None, compare=False)
    """From then on the alert, not raised yet, would say nothing useful: never raised
    (under `FOLLOWS_PATHWAY`)."""

    @property
    def alert_id(self) -> str:
        return f"{self.rule.value}:{self.subject}:{self.due_at.strftime('%Y%m%dT%H%M')}"

    @property
    def details(self) -> dict[str, str]:
        """What its `alert_raised` event records."""
        return {"alert_id": self.alert_id, "rule": self.rule.value, "audience": self.audience.value}


def rule_and_subject(alert_id: str) -> tuple[AlertRule, str] | None:
    """What an alert id says: its rule and subject (`rule:subject:due`; a failed
    notification's id names the notification, not a subject: ""). None for an id of no
    known rule. An escalation's subject is the id of the alert it escalates."""
    rule_text, _, rest = alert_id.partition(":")
    if rule_text not in AlertRule.__members__.values():
        return None
    rule = AlertRule(rule_text)
    if rule is AlertRule.NOTIFICATION_FAILED:
        return rule, ""
    return rule, rest.rpartition(":")[0]


def follows_pathway(state: PathwayState) -> bool:
    return state.alert_rules >= FOLLOWS_PATHWAY


def follow_pathway(state: PathwayState, now: datetime) -> None:
    """Adopt the rules that follow the pathway; until `now`, nothing is taken as settled.
    A pathway that follows them already is left as it is."""
    if not follows_pathway(state):
        state.alert_rules, state.last_entry_at = FOLLOWS_PATHWAY, now


def _contact_since(state: PathwayState, instant: datetime) -> bool:
    """A contact recorded at or after `instant`, under the rules that follow the pathway."""
    last = state.last_contact_at
    return follows_pathway(state) and last is not None and last >= instant


def _intake(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    if state.stage is not Stage.REFERRED:
        return []
    due = state.referred_at + timedelta(days=p.timers.intake_within_days)
    return [DueAlert(AlertRule.INTAKE_OVERDUE, "intake", due)]


def _no_contact(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    if state.stage in INACTIVE or state.stage is Stage.REFERRED:
        return []
    since = state.last_contact_at or state.stage_since
    return [
        DueAlert(AlertRule.NO_CONTACT, "contact", since + timedelta(days=p.timers.no_contact_days))
    ]


def _appointments(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    if state.stage is Stage.EXITED:
        return []
    found: list[DueAlert] = []
    reminder = timedelta(hours=p.timers.appointment_reminder_hours)
    grace = timedelta(hours=p.timers.appointment_outcome_grace_hours)
    for a in state.appointments:
        if a.status is AppointmentStatus.SCHEDULED:
            found.append(
                DueAlert(
                    AlertRule.APPOINTMENT_REMINDER, a.appointment_id, a.at - reminder, moot_at=a.at
                )
            )
            found.append(DueAlert(AlertRule.APPOINTMENT_UNRECORDED, a.appointment_id, a.at + grace))
        elif (
            a.status is AppointmentStatus.MISSED
            and a.recorded_at is not None
            and not _contact_since(state, a.at + timedelta(seconds=1))
        ):
            found.append(DueAlert(AlertRule.APPOINTMENT_MISSED, a.appointment_id, a.recorded_at))
    return found


def _training(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    training = state.current_training()
    if training is None or state.stage in INACTIVE:
        return []
    due = training.ends_at - timedelta(days=p.timers.training_end_notice_days)
    return [
        DueAlert(AlertRule.TRAINING_ENDING, training.training_id, due, moot_at=training.ends_at)
    ]


def _missions(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    mission = state.current_mission()
    if mission is None or state.stage is Stage.EXITED:
        return []
    found: list[DueAlert] = []
    if mission.ends_at is not None:
        due = mission.ends_at - timedelta(days=p.timers.mission_end_notice_days)
        ending = DueAlert(
            AlertRule.MISSION_ENDING, mission.mission_id, due, moot_at=mission.ends_at
        )
        found.append(ending)
    for day in p.timers.post_hire_checkin_days:
        due = mission.starts_at + timedelta(days=day)
        if (mission.ends_at is None or due <= mission.ends_at) and not _contact_since(state, due):
            found.append(DueAlert(AlertRule.POST_HIRE_CHECKIN, f"{mission.mission_id}-d{day}", due))
    return found


def _accompaniment(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    deadline = accompaniment_deadline(state, p)
    if deadline is None or state.stage in (Stage.EXITED, Stage.DROPPED_OUT):
        return []
    notice = deadline - timedelta(days=p.timers.accompaniment_notice_days)
    return [
        DueAlert(
            AlertRule.ACCOMPANIMENT_DEADLINE_APPROACHING, "accompaniment", notice, moot_at=deadline
        ),
        DueAlert(
            AlertRule.ACCOMPANIMENT_DEADLINE_REACHED,
            "accompaniment",
            deadline,
            AlertAudience.COORDINATOR,
        ),
    ]


def _consents(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    if asks_nothing(state):
        return []
    found: list[DueAlert] = []
    notice = timedelta(days=p.timers.consent_expiry_notice_days)
    for c in state.consents:
        if c.expires_at is None or c.withdrawn_at is not None:
            continue
        subject = c.partner_kind.value
        due = notice_due(state, c, notice)
        found.append(DueAlert(AlertRule.CONSENT_EXPIRING, subject, due, moot_at=c.expires_at))
        found.append(DueAlert(AlertRule.CONSENT_EXPIRED, subject, c.expires_at))
    return found


def _escalations(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    after = timedelta(days=p.timers.alert_escalation_days)
    return [
        DueAlert(
            AlertRule.ALERT_UNACKNOWLEDGED,
            a.alert_id,
            a.raised_at + after,
            AlertAudience.COORDINATOR,
        )
        for a in state.alerts
        if a.status is AlertStatus.OPEN and a.rule is not AlertRule.ALERT_UNACKNOWLEDGED
    ]


def _retention(state: PathwayState, p: ProgrammeDefinition) -> list[DueAlert]:
    """The coordinator's warning before the person is anonymised (`domain.anonymisation`)."""
    due = warning_due_at(state, p)
    audience = AlertAudience.COORDINATOR
    return [] if due is None else [DueAlert(AlertRule.RETENTION_DUE, "retention", due, audience)]


RULES = (
    _intake,
    _no_contact,
    _appointments,
    _training,
    _missions,
    _accompaniment,
    _consents,
    _escalations,
    _retention,
)


def candidate_alerts(state: PathwayState, programme: ProgrammeDefinition) -> list[DueAlert]:
    """Every alert the state implies, whatever its instant."""
    return [alert for rule in RULES for alert in rule(state, programme)]


def raise_at(alert: DueAlert, state: PathwayState) -> datetime | None:
    """When an alert not raised yet may be raised: at its due instant, or, when it fell
    due at or before a person's last entry, once that entry has settled; None when it
    would be moot by then (both under `FOLLOWS_PATHWAY` only)."""
    if not follows_pathway(state):
        return alert.due_at
    at = alert.due_at
    if state.last_entry_at is not None and at <= state.last_entry_at:
        at = state.last_entry_at + SETTLING
    return None if alert.moot_at is not None and at >= alert.moot_at else at


def _pending(
    state: PathwayState, programme: ProgrammeDefinition
) -> list[tuple[DueAlert, datetime]]:
    """Alerts the state implies, never raised and not moot, with when they may be raised."""
    raised = {a.alert_id for a in state.alerts}
    found = []
    for alert in candidate_alerts(state, programme):
        at = None if alert.alert_id in raised else raise_at(alert, state)
        if at is not None:
            found.append((alert, at))
    return found


def due_alerts(
    state: PathwayState, programme: ProgrammeDefinition, now: datetime
) -> list[DueAlert]:
    """Alerts that may be raised at `now` (see `raise_at`) and were never raised."""
    due = [a for a, at in _pending(state, programme) if at <= now]
    return sorted(due, key=lambda a: (a.due_at, a.alert_id))


def snooze_ended(alert: Alert, now: datetime) -> bool:
    """A snoozed alert whose snooze is over at `now`: it opens again."""
    return (
        alert.status is AlertStatus.SNOOZED
        and alert.snoozed_until is not None
        and alert.snoozed_until <= now
    )


def next_alert_at(
    state: PathwayState, programme: ProgrammeDefinition, now: datetime
) -> datetime | None:
    """The next instant after `now` when something falls due: an alert or a snooze ending."""
    found = next_due(state, programme, now)
    return None if found is None else found[0]


def next_due(
    state: PathwayState, programme: ProgrammeDefinition, now: datetime
) -> tuple[datetime, AlertRule | None] | None:
    """That instant, with the rule of the alert raised, or reopened from its snooze, then:
    what `show` names beside it, the settling hour being otherwise silent about what comes."""
    instants: list[tuple[datetime, AlertRule | None]]
    instants = [(at, a.rule) for a, at in _pending(state, programme) if at > now]
    instants += [
        (a.snoozed_until, a.rule)
        for a in state.alerts
        if a.status is AlertStatus.SNOOZED and a.snoozed_until is not None and a.snoozed_until > now
    ]
    return min(instants, key=lambda found: found[0], default=None)
