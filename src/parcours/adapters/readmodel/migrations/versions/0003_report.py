"""What the report needs to read the timeline as corrected: each correction's target.

A correction event names the event it corrects in its details (`seq`) and, when it
restates a date, the new instant (`restated_at`). Two columns keep them typed, so the
report can leave voided events out and date restated ones in SQL on every database.
Existing corrections are filled in from their details.

Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"

CORRECTIONS = ("event_voided", "event_restated")


def upgrade() -> None:
    op.add_column("timeline_events", sa.Column("corrects_seq", sa.Integer(), nullable=True))
    op.add_column(
        "timeline_events", sa.Column("restated_at", sa.DateTime(timezone=True), nullable=True)
    )
    _fill_in()


def _fill_in() -> None:
    events = sa.table(
        "timeline_events",
        sa.column("pathway_id", sa.String()),
        sa.column("seq", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("details", sa.JSON()),
        sa.column("corrects_seq", sa.Integer()),
        sa.column("restated_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    found = bind.execute(
        sa.select(events.c.pathway_id, events.c.seq, events.c.details).where(
            events.c.kind.in_(CORRECTIONS)
        )
    ).all()
    for pathway_id, seq, details in found:
        restated = details.get("restated_at") or None
        bind.execute(
            events.update()
            .where(events.c.pathway_id == pathway_id, events.c.seq == seq)
            .values(
                corrects_seq=int(details["seq"]),
                restated_at=_utc(restated),
            )
        )


def _utc(instant: str | None) -> datetime | None:
    return datetime.fromisoformat(instant).astimezone(UTC) if instant else None


def downgrade() -> None:
    with op.batch_alter_table("timeline_events") as batch:
        batch.drop_column("restated_at")
        batch.drop_column("corrects_seq")
