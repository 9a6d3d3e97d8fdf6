"""Who read what: the read log, append-only.

One row per read of a person's file: who (staff id and role), when, which pathway (or
which programme, for a read over a whole programme) and which command. No personal data.
A trigger refuses every UPDATE and DELETE on the table (and TRUNCATE on PostgreSQL), so
not even a direct SQL session can rewrite it through the read model's own connection.

Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from parcours.adapters.readmodel.migrations import triggers

revision: str = "0005"
down_revision: str | None = "0004"

ID = 128
REFUSAL = "the read log is append-only"

SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER read_log_no_{verb.lower()} BEFORE {verb} ON read_log "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    for verb in ("UPDATE", "DELETE")
)

POSTGRES_TRIGGERS = (
    "CREATE FUNCTION read_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER read_log_no_change BEFORE UPDATE OR DELETE ON read_log "
    "FOR EACH ROW EXECUTE FUNCTION read_log_append_only()",
    "CREATE TRIGGER read_log_no_truncate BEFORE TRUNCATE ON read_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION read_log_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "read_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(ID), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("pathway_id", sa.String(ID), nullable=True),
        sa.Column("programme", sa.String(64), nullable=True),
    )
    op.create_index("ix_read_log_pathway_id", "read_log", ["pathway_id"])
    op.create_index("ix_read_log_actor_id", "read_log", ["actor_id"])
    op.create_index("ix_read_log_at", "read_log", ["at"])
    triggers.install(postgres=POSTGRES_TRIGGERS, sqlite=SQLITE_TRIGGERS)


def downgrade() -> None:
    triggers.drop_guarded("read_log", "read_log_append_only")
