"""Where each partner message went: the partner's address when it was sent.

One column on the outbox, `partner_address`: the directory entry's address (folder, email
address or URL) the message was handed to. A partner's entry can be replaced (`partners
add --replace`), and the messages already sent stay where they went: an erasure deletes a
file partner's files where they were written, and tells the data-protection officer each
address the person's messages reached. Empty for messages sent before it (an erasure then
looks at the partner's address now, as before).

Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"


def upgrade() -> None:
    column = sa.Column("partner_address", sa.String(1024), nullable=False, server_default="")
    op.add_column("notifications", column)


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("partner_address")
