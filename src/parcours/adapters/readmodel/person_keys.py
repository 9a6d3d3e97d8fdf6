"""Each person's data key, as stored: wrapped under the keyring, one row per key.

The store never sees a key in clear (wrapping and unwrapping are the Temporal adapter's,
`adapters.temporal.sealing`). Destroying a pathway's keys deletes their rows; on SQLite
the freed pages are overwritten (`secure_delete`), so the bytes do not linger in the file.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, text

from parcours.adapters.readmodel.database import Database
from parcours.adapters.readmodel.rows import column_values
from parcours.adapters.readmodel.tables import PersonKeyRow


@dataclass(frozen=True)
class StoredPersonKey:
    key_id: str
    pathway_id: str
    wrapped: bytes
    wrapped_with: str


class PersonKeys(Database):
    """The store's person keys: add, read, destroy."""

    def add_person_key(self, key: StoredPersonKey) -> None:
        values = column_values(PersonKeyRow, key, created_at=self._clock())
        with self.engine.begin() as conn:
            conn.execute(insert(PersonKeyRow).values(values))

    def person_keys(self, key_ids: Collection[str]) -> dict[str, StoredPersonKey]:
        """The stored keys among `key_ids`, by id; a destroyed key is simply absent."""
        if not key_ids:
            return {}
        stmt = select(PersonKeyRow).where(PersonKeyRow.key_id.in_(sorted(key_ids)))
        return {k.key_id: k for k in self._stored(stmt)}

    def keys_of_pathway(self, pathway_id: str) -> list[StoredPersonKey]:
        return self._stored(select(PersonKeyRow).where(PersonKeyRow.pathway_id == pathway_id))

    def _stored(self, stmt: object) -> list[StoredPersonKey]:
        with self._read() as s:
            return [
                StoredPersonKey(r.key_id, r.pathway_id, r.wrapped, r.wrapped_with)
                for r in s.scalars(stmt)  # type: ignore[call-overload]
            ]

    def destroy_person_keys(self, pathway_id: str) -> int:
        """Delete every key of the pathway; how many were deleted. Cannot be undone."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.execute(text("PRAGMA secure_delete = ON"))
            done = conn.execute(delete(PersonKeyRow).where(PersonKeyRow.pathway_id == pathway_id))
        return int(done.rowcount)
