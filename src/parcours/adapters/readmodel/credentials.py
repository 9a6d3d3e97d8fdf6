"""Staff credentials: the public halves the worker checks signed requests against.

Issued by a coordinator (`parcours staff add`), listed, revoked; never deleted (a trigger
refuses it, migration 0006), so a signature already in a history can still be checked
after its credential was revoked.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from parcours.adapters.readmodel.database import Database
from parcours.adapters.readmodel.rows import column_values
from parcours.adapters.readmodel.tables import CredentialRow
from parcours.domain.signing import Credential


class StaffCredentials(Database):
    """The store's credentials: add, find, list, revoke."""

    def add_credential(self, credential: Credential) -> None:
        values = column_values(CredentialRow, credential, revoked_at=None, revoked_by="")
        with self.engine.begin() as conn:
            conn.execute(insert(CredentialRow).values(values))

    def credential(self, key_id: str) -> Credential | None:
        return self._view(Credential, CredentialRow, key_id)

    def credentials(self, actor_id: str | None = None) -> list[Credential]:
        stmt = select(CredentialRow)
        if actor_id is not None:
            stmt = stmt.where(CredentialRow.actor_id == actor_id)
        return self._views(Credential, stmt.order_by(CredentialRow.issued_at))

    def revoke_credential(self, key_id: str, by: str, at: datetime | None = None) -> bool:
        """Revoke `key_id`; False when there is no such credential or it was revoked."""
        stmt = (
            update(CredentialRow)
            .where(CredentialRow.key_id == key_id, CredentialRow.revoked_at.is_(None))
            .values(revoked_at=at or self._clock(), revoked_by=by)
        )
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount == 1
