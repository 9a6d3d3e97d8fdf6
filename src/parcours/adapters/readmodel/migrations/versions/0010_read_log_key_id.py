"""Who read what, proven: the key id of the credential each reader held.

One nullable column on the read log, `key_id`: the staff credential the CLI proved the
reader holds (in force, granting the staff id and role they read with) before logging
the read. Empty for reads logged before it, in the declared-roles mode, and by the codec
server (whose passes are not credentials).

The column is added in place (`ALTER TABLE ... ADD COLUMN`, on SQLite as on PostgreSQL),
never by copying the table: the append-only triggers of migration 0005 stay as they are,
and no row is rewritten (they would refuse it).

Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"


def upgrade() -> None:
    op.add_column("read_log", sa.Column("key_id", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("read_log", "key_id")
