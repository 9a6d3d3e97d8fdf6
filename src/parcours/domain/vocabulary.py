"""The words of the pathway: stages, triggers and the events they record, roles, as enums.

Their labels, in French and English, live in `parcours/locale/` (`stage.<value>`,
`action.<trigger>`, `event.<kind>`).

Every value is a stable wire format: it is stored in workflow histories for years, so
values are only ever added, never renamed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

ERASED_TEXT = "[erased]"
"""What stands, once a person is erased, for a text sealed under their destroyed key (their
name, a reason typed): readers show it in their own words."""


class Stage(StrEnum):
    """Where a participant stands in the pathway (both programmes use subsets of these)."""

    REFERRED = "referred"
    BARRIER_WORK = "barrier_work"
    CONTRACTED = "contracted"
    COACHING = "coaching"
    AWAITING_TRAINING = "awaiting_training"
    TRAINING = "training"
    AWAITING_MISSION = "awaiting_mission"
    IN_EMPLOYMENT = "in_employment"
    SUSPENDED = "suspended"
    DROPPED_OUT = "dropped_out"
    EXITED = "exited"


class EventKind(str):
    """The past-tense name of what a trigger records (`barrier_opened`): the timeline's words.

    Never declared on its own: each trigger that records one names it beside its own value
    (`OPEN_BARRIER = "open_barrier", "barrier_opened"`), so a command's trigger and the
    event it records are one declaration; `commands.event_named` finds one by its value.
    """

    __slots__ = ()

    @property
    def value(self) -> str:
        return str(self)


class Trigger(StrEnum):
    """What a command asks of a pathway, stored in histories by its value.

    Member-less on purpose: each area module of the command table (`domain/commands/`)
    declares its own members (`class BarrierTrigger(Trigger)`), beside its rows, so a new
    command touches its area module only. A member that records an event names it second
    (`OPEN_BARRIER = "open_barrier", "barrier_opened"`). Every member is still a `Trigger`;
    to find one by its value, ask the table (`commands.trigger_named`).
    """

    _records: EventKind | None

    def __new__(cls, value: str, records: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._records = EventKind(records) if records else None
        return member

    @property
    def records(self) -> EventKind | None:
        """The event it records, if it records one (`retry_notification` does not)."""
        return self._records

    @property
    def event(self) -> EventKind:
        """The event it records, for a trigger known to record one."""
        if self._records is None:
            raise ValueError(f"{self.value!r} records no event")
        return self._records


class BarrierKind(StrEnum):
    HOUSING = "housing"
    HEALTH = "health"
    CHILDCARE = "childcare"
    MOBILITY = "mobility"
    LANGUAGE = "language"
    ADMINISTRATIVE = "administrative"
    FINANCES = "finances"


class BarrierStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    WAIVED = "waived"


class PartnerKind(StrEnum):
    """The partners a programme may tell about a participant, always under consent."""

    REFERRER = "referrer"
    TEMP_AGENCY = "temp_agency"
    TRAINING_BODY = "training_body"
    SOCIAL_ACTION_FUND = "social_action_fund"
    CAREER_ADVISOR = "career_advisor"
    EMPLOYER = "employer"
    EVALUATOR = "evaluator"


class JobDatingOutcome(StrEnum):
    HIRED = "hired"
    TRAINING = "training"
    NO_MATCH = "no_match"


class ContractType(StrEnum):
    TEMP_MISSION = "temp_mission"
    FIXED_TERM = "fixed_term"
    PERMANENT = "permanent"
    PROFESSIONALISATION = "professionalisation"


class AppointmentKind(StrEnum):
    INDIVIDUAL = "individual"
    COACHING = "coaching"
    JOB_DATING = "job_dating"
    CAREER_ADVICE = "career_advice"
    SOCIAL_SUPPORT = "social_support"
    EMPLOYER_FOLLOW_UP = "employer_follow_up"


class AppointmentPlace(StrEnum):
    OFFICE = "office"
    MOBILE_OFFICE = "mobile_office"
    PHONE = "phone"
    PARTNER_PREMISES = "partner_premises"
    WORKPLACE = "workplace"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    MISSED = "missed"


class FrenchLevel(StrEnum):
    """CEFR levels of French as a foreign language, lowest first."""

    NONE = "none"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"
    NATIVE = "native"

    @property
    def rank(self) -> int:
        return list(FrenchLevel).index(self)


class ExitReason(StrEnum):
    EMPLOYMENT = "employment"
    TRAINING_ELSEWHERE = "training_elsewhere"
    ACCOMPANIMENT_ENDED = "accompaniment_ended"
    DROPPED_OUT = "dropped_out"
    MOVED_AWAY = "moved_away"
    HEALTH = "health"
    INELIGIBLE = "ineligible"
    OTHER = "other"


class Role(StrEnum):
    STAFF = "staff"
    COORDINATOR = "coordinator"
    PARTNER = "partner"
    AUDITOR = "auditor"
    SYSTEM = "system"


class AlertRule(StrEnum):
    INTAKE_OVERDUE = "intake_overdue"
    NO_CONTACT = "no_contact"
    APPOINTMENT_REMINDER = "appointment_reminder"
    APPOINTMENT_UNRECORDED = "appointment_unrecorded"
    APPOINTMENT_MISSED = "appointment_missed"
    TRAINING_ENDING = "training_ending"
    MISSION_ENDING = "mission_ending"
    POST_HIRE_CHECKIN = "post_hire_checkin"
    ACCOMPANIMENT_DEADLINE_APPROACHING = "accompaniment_deadline_approaching"
    ACCOMPANIMENT_DEADLINE_REACHED = "accompaniment_deadline_reached"
    CONSENT_EXPIRING = "consent_expiring"
    CONSENT_EXPIRED = "consent_expired"
    ALERT_UNACKNOWLEDGED = "alert_unacknowledged"
    NOTIFICATION_FAILED = "notification_failed"
    RETENTION_DUE = "retention_due"


class ChannelKind(StrEnum):
    """How a partner of the directory is reached."""

    EMAIL = "email"
    WEBHOOK = "webhook"
    FILE = "file"


class AlertAudience(StrEnum):
    REFERENT = "referent"
    COORDINATOR = "coordinator"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    SNOOZED = "snoozed"
    CLOSED = "closed"
    """Still open when the pathway closed for good at the end of its retention period."""
    RESOLVED = "resolved"
    """Closed by the pathway itself: its condition stopped holding (`alert_resolved`)."""
