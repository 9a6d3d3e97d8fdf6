"""What differs between the databases the read model runs on: connecting, and ON CONFLICT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite

SUPPORTED = frozenset({"sqlite", "postgresql"})


class UnsupportedDatabase(RuntimeError):
    """The read model runs on SQLite (embedded default) and PostgreSQL only."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def _ensure_sqlite_folder(url: URL) -> None:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


CONNECT_WAIT = {"connect_timeout": 10}
"""A PostgreSQL read model that takes the connection but never answers is given up after
10 s (a `connect_timeout` in the URL wins): a command then says it cannot be reached."""


def create_readmodel_engine(url: str) -> Engine:
    """An engine for the read model; SQLite waits for a busy writer instead of failing.

    The embedded default's folder is created on first use, so a fresh clone just runs.
    """
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    if dialect not in SUPPORTED:
        raise UnsupportedDatabase(f"the read model does not support the {dialect!r} database")
    if dialect == "sqlite":
        _ensure_sqlite_folder(parsed)
    waits = {} if dialect == "sqlite" or "connect_timeout" in parsed.query else CONNECT_WAIT
    engine = create_engine(parsed, pool_pre_ping=True, connect_args=waits)
    if dialect == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def insert(conn: Connection, entity: Any) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that knows `ON CONFLICT` on this connection's database."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(entity)
    if name == "postgresql":
        return postgresql.insert(entity)
    raise UnsupportedDatabase(f"the read model does not support the {name!r} database")
