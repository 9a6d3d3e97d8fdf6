"""The read model's first schema: participants, timeline, alerts, outbox, partners.

Create Date: 2026-01-05
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None

ID = 128


def _instant(name: str, nullable: bool = False) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "participants",
        sa.Column("pathway_id", sa.String(ID), primary_key=True),
        sa.Column("programme", sa.String(64), nullable=False),
        sa.Column("programme_version", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        _instant("stage_since"),
        sa.Column("referent", sa.String(ID), nullable=False),
        sa.Column("session", sa.String(64), nullable=False),
        _instant("referred_at"),
        _instant("contract_signed_at", nullable=True),
        _instant("accompaniment_ends_at", nullable=True),
        _instant("next_alert_at", nullable=True),
        sa.Column("outcome_reason", sa.String(32), nullable=True),
        sa.Column("outcome_positive", sa.Boolean(), nullable=True),
        _instant("exited_at", nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        _instant("updated_at"),
    )
    op.create_index("ix_participants_programme_stage", "participants", ["programme", "stage"])
    op.create_index("ix_participants_referent", "participants", ["referent"])
    op.create_index("ix_participants_next_alert_at", "participants", ["next_alert_at"])

    op.create_table(
        "timeline_events",
        sa.Column("pathway_id", sa.String(ID), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(64), nullable=False),
        _instant("at"),
        sa.Column("actor_id", sa.String(ID), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    )

    op.create_table(
        "alerts",
        sa.Column("pathway_id", sa.String(ID), primary_key=True),
        sa.Column("alert_id", sa.String(ID), primary_key=True),
        sa.Column("rule", sa.String(48), nullable=False),
        sa.Column("audience", sa.String(32), nullable=False),
        _instant("due_at"),
        _instant("raised_at"),
        sa.Column("status", sa.String(32), nullable=False),
        _instant("snoozed_until", nullable=True),
        sa.Column("handled_by", sa.String(ID), nullable=False),
        _instant("handled_at", nullable=True),
    )
    op.create_index("ix_alerts_status_due_at", "alerts", ["status", "due_at"])
    op.create_index("ix_alerts_due_at", "alerts", ["due_at"])

    op.create_table(
        "notifications",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("pathway_id", sa.String(ID), nullable=False),
        sa.Column("partner_kind", sa.String(32), nullable=False),
        sa.Column("partner_name", sa.String(ID), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("event_kind", sa.String(64), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        _instant("created_at"),
        _instant("sent_at", nullable=True),
    )
    op.create_index("ix_notifications_status", "notifications", ["status"])
    op.create_index("ix_notifications_pathway_id", "notifications", ["pathway_id"])

    op.create_table(
        "partners",
        sa.Column("name", sa.String(ID), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("address", sa.String(1024), nullable=False),
        sa.Column("secret", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_partners_kind", "partners", ["kind"])


def downgrade() -> None:
    for table in ("partners", "notifications", "alerts", "timeline_events", "participants"):
        op.drop_table(table)
