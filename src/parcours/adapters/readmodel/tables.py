"""The read model's tables: what staff list and filter, never who a participant is.

Rows hold opaque pathway ids, programme, stage, referent ids, dates, event kinds and
alert rules. The participant's identity stays in the encrypted workflow input only.
The schema itself is created by the Alembic migrations shipped beside this module;
a test checks that these classes and the migrations agree.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from parcours.adapters.readmodel.types import EnumText, UtcDateTime
from parcours.domain.sessions import SessionStatus
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

ID = 128
"""Room for opaque ids (pathway ids, alert ids, idempotency keys, staff ids)."""

STILL_OPEN = "status IN ('open', 'snoozed')"
"""The alerts someone still has to deal with (`AlertStatus.OPEN`, `SNOOZED`), as SQL: the
condition of the partial index `parcours alerts --all` walks (migration 0006). A query
uses that index only when it states this very condition, with the statuses written out
(`queries.still_open`), not as bound parameters. It replaces the index on (status,
due_at), which no query used but SQLite preferred, sorting after it, when the read
model has no statistics (it never runs ANALYZE)."""


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Base(DeclarativeBase):
    pass


class ParticipantRow(Base):
    """Where one pathway stands, as of the last projected event `last_seq`."""

    __tablename__ = "participants"
    __table_args__ = (
        Index("ix_participants_programme_stage", "programme", "stage"),
        Index("ix_participants_referent", "referent"),
        Index("ix_participants_next_alert_at", "next_alert_at"),
        Index("ix_participants_retention_due_at", "retention_due_at"),
    )

    pathway_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    programme: Mapped[str] = mapped_column(String(64))
    programme_version: Mapped[int] = mapped_column(Integer)
    stage: Mapped[Stage] = mapped_column(EnumText(Stage))
    stage_since: Mapped[datetime] = mapped_column(UtcDateTime)
    referent: Mapped[str] = mapped_column(String(ID))
    session: Mapped[str] = mapped_column(String(64))
    referred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    contract_signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    accompaniment_ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_alert_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome_reason: Mapped[ExitReason | None] = mapped_column(EnumText(ExitReason))
    outcome_positive: Mapped[bool | None] = mapped_column(Boolean)
    exited_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_seq: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retention_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When the person is to be anonymised, unless extended (`parcours retention list`)."""


class TimelineRow(Base):
    """One past event of a pathway; `details` holds ids, kinds and dates only."""

    __tablename__ = "timeline_events"

    pathway_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[str] = mapped_column(String(ID))
    role: Mapped[Role] = mapped_column(EnumText(Role))
    reason: Mapped[str] = mapped_column(Text)
    stage: Mapped[Stage] = mapped_column(EnumText(Stage))
    details: Mapped[dict[str, str]] = mapped_column(JSON)
    corrects_seq: Mapped[int | None] = mapped_column(Integer)
    """On a correction (`event_voided`, `event_restated`): the seq of the event it corrects."""
    restated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """On `event_restated`: when the corrected event is now said to have happened."""


class AlertRow(Base):
    """An alert raised by a pathway's timers; alert ids are unique within a pathway."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_due_at", "due_at"),
        Index(
            "ix_alerts_open_due_at",
            "due_at",
            "pathway_id",
            "alert_id",
            sqlite_where=text(STILL_OPEN),
            postgresql_where=text(STILL_OPEN),
        ),
    )

    pathway_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    alert_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    rule: Mapped[AlertRule] = mapped_column(EnumText(AlertRule, 48))
    audience: Mapped[AlertAudience] = mapped_column(EnumText(AlertAudience))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[AlertStatus] = mapped_column(EnumText(AlertStatus))
    snoozed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    handled_by: Mapped[str] = mapped_column(String(ID))
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotificationRow(Base):
    """The partner-notification outbox; `key` is the notification's idempotency key."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status", "status"),
        Index("ix_notifications_pathway_id", "pathway_id"),
    )

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    pathway_id: Mapped[str] = mapped_column(String(ID))
    partner_kind: Mapped[PartnerKind] = mapped_column(EnumText(PartnerKind))
    partner_name: Mapped[str] = mapped_column(String(ID))
    partner_address: Mapped[str] = mapped_column(String(1024), server_default="")
    """Where the message went: the partner's address when it was claimed (migration 0011);
    empty for messages sent before."""
    channel: Mapped[str] = mapped_column(String(32))
    event_kind: Mapped[str] = mapped_column(String(64))
    event_seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[OutboxStatus] = mapped_column(EnumText(OutboxStatus))
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PartnerRow(Base):
    """A partner organisation and how to reach it; `secret` signs its webhooks."""

    __tablename__ = "partners"
    __table_args__ = (Index("ix_partners_kind", "kind"),)

    name: Mapped[str] = mapped_column(String(ID), primary_key=True)
    kind: Mapped[PartnerKind] = mapped_column(EnumText(PartnerKind))
    channel: Mapped[ChannelKind] = mapped_column(EnumText(ChannelKind))
    address: Mapped[str] = mapped_column(String(1024))
    secret: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)


class SessionRow(Base):
    """A session of a programme; `referrers` lists the directory's partners referring into it."""

    __tablename__ = "sessions"

    programme: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)
    referrers: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[SessionStatus] = mapped_column(EnumText(SessionStatus))
    opened_by: Mapped[str] = mapped_column(String(ID))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReadRow(Base):
    """One read of a person's file (`read_log`): who, when, which pathway, which command.

    Append-only: the store offers no update or delete, and a trigger refuses both (see
    migration 0005). It never holds what was read, only that it was.
    """

    __tablename__ = "read_log"
    __table_args__ = (
        Index("ix_read_log_pathway_id", "pathway_id"),
        Index("ix_read_log_actor_id", "actor_id"),
        Index("ix_read_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor_id: Mapped[str] = mapped_column(String(ID))
    role: Mapped[Role] = mapped_column(EnumText(Role))
    command: Mapped[str] = mapped_column(String(32))
    pathway_id: Mapped[str | None] = mapped_column(String(ID))
    """The pathway read; None for a read over a whole programme (`report --unmasked`)."""
    programme: Mapped[str | None] = mapped_column(String(64))
    """The programme of a read over it (`report --unmasked`, `extract`); else None."""
    key_id: Mapped[str | None] = mapped_column(String(64))
    """The key id of the staff credential the reader proved they hold (migration 0010);
    None for a read made in the declared-roles mode, by the codec server, or before."""


class PersonKeyRow(Base):
    """One person's data key, wrapped under the keyring (`person_keys`). Deleting the row
    is the erasure: every value sealed under that key can never be opened again."""

    __tablename__ = "person_keys"
    __table_args__ = (Index("ix_person_keys_pathway_id", "pathway_id"),)

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pathway_id: Mapped[str] = mapped_column(String(ID))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_with: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CredentialRow(Base):
    """A staff member's credential (`staff_credentials`): the public half of the key pair a
    coordinator issued, who it names, in which role, and its revocation. Never deleted:
    the audit trail checks old signatures with it long after it was revoked."""

    __tablename__ = "staff_credentials"
    __table_args__ = (Index("ix_staff_credentials_actor_id", "actor_id"),)

    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(ID))
    role: Mapped[Role] = mapped_column(EnumText(Role))
    public_key: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    issued_by: Mapped[str] = mapped_column(String(64))
    """The key id of the coordinator's credential that issued it; empty for the first."""
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by: Mapped[str] = mapped_column(String(64), default="")
