"""Signed actors: the staff credentials (public keys) the worker checks requests against.

One row per credential a coordinator issued: its key id, the staff id and role it grants,
the public key, who issued it and when, and its revocation. A trigger refuses DELETE, so
a revoked credential stays to check the signatures already in the histories.

Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from parcours.adapters.readmodel.migrations import triggers

revision: str = "0008"
down_revision: str | None = "0007"

ID = 128
KEY = 64
REFUSAL = "staff credentials are revoked, never deleted"

SQLITE_TRIGGERS = (
    "CREATE TRIGGER staff_credentials_no_delete BEFORE DELETE ON staff_credentials "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
)

POSTGRES_TRIGGERS = (
    "CREATE FUNCTION staff_credentials_kept() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$",
    "CREATE TRIGGER staff_credentials_no_delete BEFORE DELETE ON staff_credentials "
    "FOR EACH ROW EXECUTE FUNCTION staff_credentials_kept()",
)


def upgrade() -> None:
    op.create_table(
        "staff_credentials",
        sa.Column("key_id", sa.String(KEY), primary_key=True),
        sa.Column("actor_id", sa.String(ID), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("public_key", sa.String(KEY), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(KEY), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(KEY), nullable=False, server_default=""),
    )
    op.create_index("ix_staff_credentials_actor_id", "staff_credentials", ["actor_id"])
    triggers.install(postgres=POSTGRES_TRIGGERS, sqlite=SQLITE_TRIGGERS)


def downgrade() -> None:
    triggers.drop_guarded("staff_credentials", "staff_credentials_kept")
