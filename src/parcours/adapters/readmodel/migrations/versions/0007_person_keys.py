"""Each person's data key, wrapped under the keyring: deleting its row erases the person.

Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"


def upgrade() -> None:
    op.create_table(
        "person_keys",
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("pathway_id", sa.String(128), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("wrapped_with", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_person_keys_pathway_id", "person_keys", ["pathway_id"])


def downgrade() -> None:
    op.drop_table("person_keys")
