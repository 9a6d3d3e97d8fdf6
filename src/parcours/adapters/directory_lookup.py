"""One question to the partner directory, without the read model's machinery: is this
name an active referrer (or temp agency)?

`parcours refer` asks it once the pathway exists, and must not pay for SQLAlchemy, the
mapped tables and Alembic (a third of a second of imports) to read one row: this module
reads the directory's table (`readmodel.tables.PartnerRow`, whose names a test keeps in
step with the query below) through the database's own driver, read-only. SQLite opens
the file read-only (never creating it); PostgreSQL goes through psycopg. A database that
holds no directory yet (no file, no table) holds no referrer: the answer is False.
Anything else that keeps it from answering is raised for the caller to note.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from parcours.domain.vocabulary import PartnerKind

SQLITE_QUERY = "SELECT kind, active FROM partners WHERE name = ?"
POSTGRES_QUERY = "SELECT kind, active FROM partners WHERE name = %s"
"""The partner's kind and whether it is active (`readmodel.tables.PartnerRow`)."""


def is_active_partner(readmodel_url: str, name: str, kind: PartnerKind, timeout: float) -> bool:
    """Whether the directory at `readmodel_url` holds `name` as an active partner of `kind`
    (a referrer for `refer`, a temp agency for `mission start`)."""
    scheme = urlsplit(readmodel_url).scheme.partition("+")[0]
    if scheme == "sqlite":
        row = _sqlite_row(readmodel_url, name, timeout)
    elif scheme == "postgresql":
        row = _postgres_row(readmodel_url, name, timeout)
    else:
        raise ValueError(f"the read model does not support the {scheme!r} database")
    return row is not None and row[0] == kind.value and bool(row[1])


def _sqlite_row(url: str, name: str, timeout: float) -> Any:
    path = urlsplit(url).path[1:]  # sqlite:///relative or sqlite:////absolute
    if not path or path == ":memory:" or not Path(path).exists():
        return None  # nothing has opened the read model yet: an empty directory
    uri = f"file:{quote(path)}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True, timeout=timeout)) as conn:
        try:
            return conn.execute(SQLITE_QUERY, (name,)).fetchone()
        except sqlite3.OperationalError as err:
            if "no such table" in str(err):
                return None
            raise


def _postgres_row(url: str, name: str, timeout: float) -> Any:
    import psycopg  # noqa: PLC0415 - only deployments on PostgreSQL pay for the driver
    from psycopg import errors  # noqa: PLC0415

    parts = urlsplit(url)
    conninfo = urlunsplit(("postgresql", *parts[1:]))
    with psycopg.connect(conninfo, connect_timeout=max(1, round(timeout))) as conn:
        try:
            return conn.execute(POSTGRES_QUERY, (name,)).fetchone()
        except errors.UndefinedTable:
            return None
