"""The read log's rows as the database holds them, every value as text, for the CLI tests
that check who read what (and that no row says anything about the person read)."""

from __future__ import annotations

from sqlalchemy import create_engine, pool, text


def read_log_rows(url: str) -> list[dict[str, str]]:
    """Every row of the read log at `url`, oldest first; none when there is no log yet."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            if "read_log" not in engine.dialect.get_table_names(conn):
                return []
            rows = conn.execute(text("SELECT * FROM read_log ORDER BY id")).mappings()
            return [{k: "" if v is None else str(v) for k, v in row.items()} for row in rows]
    finally:
        engine.dispose()
