"""Who read what: the read log's writes (append only) and its listing.

A read is appended, never changed: this part of the store has no update and no delete,
and the database refuses both with a trigger (migration 0005), so a mistaken entry
stays, as in a paper register. Entries hold staff ids, a role, a command name, an opaque
pathway id or a programme name, the key id of the credential the reader proved, and an
instant: nothing about the person read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select

from parcours.adapters.readmodel.database import Database, starting_with, where_given
from parcours.adapters.readmodel.tables import ReadRow
from parcours.domain.vocabulary import Role


@dataclass(frozen=True)
class Read:
    """One read to log: who, which command, and the pathway or the programme read."""

    actor_id: str
    role: Role
    command: str
    pathway_id: str | None = None
    programme: str | None = None
    key_id: str | None = None
    """The credential the reader proved they hold; None when none was proven."""


@dataclass(frozen=True)
class ReadEntry:
    """A read as the log keeps it: numbered in order, and dated by the store's clock."""

    id: int
    at: datetime
    actor_id: str
    role: Role
    command: str
    pathway_id: str | None
    programme: str | None
    key_id: str | None


class ReadLog(Database):
    """The store's read log: append and list, nothing else."""

    def log_reads(self, reads: Sequence[Read]) -> None:
        """Append `reads`, all in one transaction, dated now; nothing when there are none."""
        if not reads:
            return
        now = self._clock()
        rows = [
            {
                "at": now,
                "actor_id": r.actor_id,
                "role": r.role,
                "command": r.command,
                "pathway_id": r.pathway_id,
                "programme": r.programme,
                "key_id": r.key_id,
            }
            for r in reads
        ]
        with self.engine.begin() as conn:
            conn.execute(insert(ReadRow), rows)

    def list_reads(
        self,
        pathway_id: str | None = None,
        actor_id: str | None = None,
        since: datetime | None = None,
    ) -> list[ReadEntry]:
        """The reads logged, oldest first, narrowed to a pathway, a reader and a start."""
        stmt = where_given(
            select(ReadRow), (ReadRow.pathway_id, pathway_id), (ReadRow.actor_id, actor_id)
        )
        if since is not None:
            stmt = stmt.where(ReadRow.at >= since)
        return self._views(ReadEntry, stmt.order_by(ReadRow.at, ReadRow.id))

    def read_pathways_like(self, prefix: str) -> list[str]:
        """The pathway ids in the log that start with `prefix` (a short reference)."""
        stmt = (
            select(ReadRow.pathway_id)
            .where(starting_with(ReadRow.pathway_id, prefix))
            .distinct()
            .order_by(ReadRow.pathway_id)
        )
        with self._read() as s:
            return [pid for pid in s.scalars(stmt) if pid is not None]
