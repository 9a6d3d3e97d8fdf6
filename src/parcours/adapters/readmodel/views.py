"""What read-model queries return: plain frozen values, detached from any session.

They carry the same opaque, non-identifying data as the tables, so the CLI can print
them or dump them as JSON directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from parcours.adapters.readmodel.tables import OutboxStatus
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    ChannelKind,
    ExitReason,
    PartnerKind,
    Role,
    Stage,
)
from parcours.workflows.summaries import PathwayHead


@dataclass(frozen=True)
class ParticipantView(PathwayHead):
    """The head the last projected batch carried, and what the read model adds to it."""

    next_alert_at: datetime | None
    outcome_reason: ExitReason | None
    outcome_positive: bool | None
    exited_at: datetime | None
    last_seq: int
    updated_at: datetime
    retention_due_at: datetime | None = None


@dataclass(frozen=True)
class TimelineEntry:
    pathway_id: str
    seq: int
    kind: str
    at: datetime
    actor_id: str
    role: Role
    reason: str
    stage: Stage
    details: dict[str, str]


@dataclass(frozen=True)
class AlertView:
    pathway_id: str
    alert_id: str
    rule: AlertRule
    audience: AlertAudience
    due_at: datetime
    raised_at: datetime
    status: AlertStatus
    snoozed_until: datetime | None
    handled_by: str
    handled_at: datetime | None
    programme: str = ""
    referent: str = ""


@dataclass(frozen=True)
class OutboxEntry:
    key: str
    pathway_id: str
    partner_kind: PartnerKind
    partner_name: str
    channel: str
    event_kind: str
    event_seq: int
    status: OutboxStatus
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    partner_address: str = ""
    """Where it went (empty for a message sent before addresses were kept)."""


@dataclass(frozen=True)
class Partner:
    """A partner organisation of the directory; the secret never shows in a repr."""

    name: str
    kind: PartnerKind
    channel: ChannelKind
    address: str
    secret: str = field(default="", repr=False)
    active: bool = True
