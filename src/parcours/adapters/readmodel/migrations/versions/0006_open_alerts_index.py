"""The open alerts in due order: a partial index for `parcours alerts --all`.

Only the alerts someone still has to deal with (open or snoozed), ordered as they are
listed (due date, pathway, alert): the listing walks the index in order and stops at its
`--limit`, without reading the resolved and acknowledged ones or sorting. Chosen with
EXPLAIN on SQLite and PostgreSQL (README, "Alerts"). The index on (status, due_at) goes:
no query of parcours used it, and SQLite, which has no statistics on the read model
(nothing runs ANALYZE), chose it over the partial one and sorted every open alert.

Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"

STILL_OPEN = "status IN ('open', 'snoozed')"


def upgrade() -> None:
    op.drop_index("ix_alerts_status_due_at", table_name="alerts")
    op.create_index(
        "ix_alerts_open_due_at",
        "alerts",
        ["due_at", "pathway_id", "alert_id"],
        sqlite_where=sa.text(STILL_OPEN),
        postgresql_where=sa.text(STILL_OPEN),
    )


def downgrade() -> None:
    op.drop_index("ix_alerts_open_due_at", table_name="alerts")
    op.create_index("ix_alerts_status_due_at", "alerts", ["status", "due_at"])
