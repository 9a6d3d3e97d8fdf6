"""Insert-or-ignore and upsert, spelled for each database the read model runs on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

SUPPORTED = frozenset({"sqlite", "postgresql"})


class UnsupportedDatabase(RuntimeError):
    """The read model runs on SQLite (embedded default) and PostgreSQL only."""


def insert(conn: Connection, entity: Any) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that knows `ON CONFLICT` on this connection's database."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(entity)
    if name == "postgresql":
        return postgresql.insert(entity)
    raise UnsupportedDatabase(f"the read model does not support the {name!r} database")
