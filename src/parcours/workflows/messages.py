"""The payloads a pathway workflow exchanges: one dataclass per message.

The participant's identity travels only here, inside payloads the data converter
encrypts; workflow ids, search attributes and logs carry the opaque pathway id only.
Wire formats kept in histories for years: add fields with defaults only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from parcours.domain.commands import Refer
from parcours.domain.notification import Notification
from parcours.domain.records import (
    Alert,
    Appointment,
    Barrier,
    Consent,
    ExitOutcome,
    JobDating,
    Mission,
    PathwayEvent,
    PathwayState,
    RequestMeta,
    Training,
)
from parcours.domain.vocabulary import FrenchLevel, PartnerKind, Stage

if TYPE_CHECKING:  # only in signatures: the summary's module reads the programme models
    from parcours.domain.summary import Summary

__all__ = [
    "WORKFLOW_TYPE",
    "AlertDelivery",
    "Notification",
    "NotificationBatch",
    "NotificationFailure",
    "Participant",
    "PathwayHead",
    "PathwayInput",
    "PathwayResult",
    "PathwayStatus",
    "PendingDelivery",
    "ProjectionBatch",
    "UpdateResult",
    "participant_fields",
    "update_name",
]
"""`Notification` is the domain's (`notification.Notification`, decided by `routing`): the
message and the decision are one dataclass, sent as it is."""

WORKFLOW_TYPE = "ParticipantPathway"


@dataclass
class Participant:
    """Who the person is: special-category data, never logged, never in an id."""

    first_name: str
    last_name: str
    birth_date: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    availability: str = ""
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    notes: str = ""


def participant_fields(participant: Participant) -> dict[str, str]:
    """The participant as text fields, for the programme's per-partner minimisation."""
    return {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "birth_date": participant.birth_date,
        "phone": participant.phone,
        "email": participant.email,
        "address": participant.address,
        "availability": participant.availability,
        "skills": ", ".join(participant.skills),
        "languages": ", ".join(participant.languages),
    }


@dataclass
class PathwayInput:
    """Start input, and the carried state when the workflow continues as new."""

    pathway_id: str
    programme: dict[str, Any]
    participant: Participant
    referral: Refer
    meta: RequestMeta
    state: PathwayState | None = None
    applied_requests: dict[str, int] = field(default_factory=dict)
    published_seq: int = 0
    retried_requests: dict[str, int] = field(default_factory=dict)
    """Notification retries already handled, by request id: how many messages each sent."""
    deliveries: list[PendingDelivery] = field(default_factory=list)
    """Partner messages still being delivered when the run continued as new."""


@dataclass
class UpdateResult:
    """What a staff request did: the event it recorded and where the pathway stands now."""

    seq: int
    event: str
    stage: Stage
    allowed: list[str]
    duplicate: bool = False
    details: dict[str, str] = field(default_factory=dict)
    """The recorded event's details: the id of the record it created (`barrier_id`...),
    kinds and dates. Empty in answers recorded before it was added."""


@dataclass(frozen=True)
class PathwayHead:
    """What the status, the projection batch and the read model's participant row all
    start with, in this order. Frozen, so that the read model's frozen view can share it."""

    pathway_id: str
    programme: str
    programme_version: int
    stage: Stage
    stage_since: datetime
    referent: str
    session: str
    referred_at: datetime
    contract_signed_at: datetime | None
    accompaniment_ends_at: datetime | None


def _head_of(summary: Summary) -> dict[str, Any]:
    return {f.name: getattr(summary, f.name) for f in fields(PathwayHead)}


_AS_RECORDED = (
    "barriers",
    "consents",
    "intake_completed_at",
    "eligibility_criteria_met",
    "french_level",
    "last_contact_at",
    "suspended_from",
    "appointments",
    "trainings",
    "missions",
    "job_datings",
    "closed_at",
    "referred_again_at",
    "earlier_pathway_id",
)
"""The status fields that show the state's own, as recorded (its lists copied)."""


def _records_of(state: PathwayState) -> dict[str, Any]:
    values = {name: getattr(state, name) for name in _AS_RECORDED}
    return {name: list(v) if isinstance(v, list) else v for name, v in values.items()}


@dataclass(frozen=True)
class PathwayStatus(PathwayHead):
    """The answer to the `status` query: the summary, what staff may do next, and every
    record of the pathway (barriers, consents, appointments, training, missions...)."""

    barriers: list[Barrier]
    consents: list[Consent]
    open_alerts: list[Alert]
    next_alert_at: datetime | None
    allowed: list[str]
    outcome: ExitOutcome | None
    last_event_seq: int
    as_of: datetime | None = None
    intake_completed_at: datetime | None = None
    eligibility_criteria_met: list[str] = field(default_factory=list)
    french_level: FrenchLevel | None = None
    last_contact_at: datetime | None = None
    suspended_from: Stage | None = None
    appointments: list[Appointment] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    missions: list[Mission] = field(default_factory=list)
    job_datings: list[JobDating] = field(default_factory=list)
    closes_at: datetime | None = None
    """Once exited: when the pathway closes for good, at the end of its retention period."""
    closed_at: datetime | None = None
    """When it closed for good; from then on it accepts nothing."""
    retention_due_at: datetime | None = None
    """By the retention by the last contact, whatever the stage: when its person is to be
    anonymised (`domain.anonymisation.anonymise_at`)."""
    referred_again_at: datetime | None = None  # its person back in a new pathway, once exited
    earlier_pathway_id: str = ""  # the same person's exited pathway this one follows, if any

    @classmethod
    def of(
        cls, summary: Summary, state: PathwayState, allowed: list[str], as_of: datetime
    ) -> PathwayStatus:
        return cls(
            **_head_of(summary),
            open_alerts=list(summary.open_alerts),
            next_alert_at=state.next_alert(summary.next_alert_at),  # a query: never replayed
            allowed=allowed,
            outcome=summary.outcome,
            last_event_seq=summary.last_seq,
            as_of=as_of,
            closes_at=summary.closes_at,
            retention_due_at=summary.retention_due_at,
            **_records_of(state),
        )


@dataclass
class AlertDelivery:
    """Alerts raised by the durable timers, for the alert channel (no personal data)."""

    pathway_id: str
    programme: str
    referent: str
    alerts: list[Alert]


@dataclass
class PathwayResult:
    """What a finished pathway returns: its final state."""

    state: PathwayState
    events: list[PathwayEvent] = field(default_factory=list)


def update_name(command_type: type[object]) -> str:
    """The update a command travels as: its class name in snake case (`sign_contract`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", command_type.__name__).lower()


@dataclass(frozen=True)
class ProjectionBatch(PathwayHead):
    """What the read model needs after a change: the pathway's summary and its new events.

    `last_seq` orders batches: a batch at or below what a row has already seen changes
    nothing, so a retried or replayed projection is harmless.
    """

    next_alert_at: datetime | None
    outcome: ExitOutcome | None
    last_seq: int
    events: list[PathwayEvent]
    alerts: list[Alert]
    retention_due_at: datetime | None = None
    """When the person is to be anonymised (none in batches sent before it was added)."""

    @classmethod
    def of(
        cls, summary: Summary, events: list[PathwayEvent], alerts: list[Alert]
    ) -> ProjectionBatch:
        return cls(
            **_head_of(summary),
            next_alert_at=summary.next_alert_at,
            outcome=summary.outcome,
            last_seq=summary.last_seq,
            events=events,
            alerts=alerts,
            retention_due_at=summary.retention_due_at,
        )


@dataclass
class NotificationBatch:
    pathway_id: str
    programme: str
    notifications: list[Notification]
    undelivered_after: float = 0.0
    """Seconds after its first attempt a message failing for now is reported as
    undelivered (`NotificationFailure.overdue`) rather than retried; 0: never."""
    resumed: list[str] = field(default_factory=list)
    """Outbox keys already reported undelivered, sent again until they go or fail for good."""


@dataclass
class NotificationFailure:
    """A notification that can never be delivered (rejected address, 4xx answer), or, when
    `overdue`, one still failing for now after the programme's threshold."""

    key: str
    partner_kind: PartnerKind
    error: str
    overdue: bool = False


@dataclass
class PendingDelivery:
    """A partner message the pathway is delivering in the background, and the outbox keys
    already reported undelivered (kept trying, never reported again)."""

    notification: Notification
    resumed: list[str] = field(default_factory=list)
