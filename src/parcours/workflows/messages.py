"""The payloads a pathway workflow exchanges: one dataclass per message.

The participant's identity travels only here, inside payloads the data converter
encrypts; workflow ids, search attributes and logs carry the opaque pathway id only.
Wire formats kept in histories for years: add fields with defaults only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from parcours.domain.commands import Refer
from parcours.domain.notification import Notification
from parcours.domain.records import (
    Alert,
    PathwayEvent,
    PathwayState,
    RequestMeta,
)
from parcours.domain.vocabulary import PartnerKind, Stage

__all__ = [
    "WORKFLOW_TYPE",
    "AlertDelivery",
    "Notification",
    "NotificationBatch",
    "NotificationFailure",
    "Participant",
    "PathwayInput",
    "PathwayResult",
    "PendingDelivery",
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
