"""Retention by the last contact: when each pathway's person is to be anonymised.

One nullable column on the pathway's row, `retention_due_at`, indexed for `parcours
retention list`; empty for pathways that follow the earlier rule or whose person is erased,
and for rows projected before it (filled by their next projection, or by `parcours
readmodel rebuild`).

Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"


def upgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("retention_due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_participants_retention_due_at", "participants", ["retention_due_at"])


def downgrade() -> None:
    op.drop_index("ix_participants_retention_due_at", table_name="participants")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("retention_due_at")
