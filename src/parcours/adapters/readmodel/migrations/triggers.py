"""The shared shape of a migration that guards a table with triggers.

A guarded table (the read log, the staff credentials) refuses some changes even to a
direct SQL session: PostgreSQL through a plpgsql function and its triggers, SQLite
through triggers alone. These helpers run the statements of the database in use and
take them away again; each migration keeps its own statements, so what it creates does
not depend on this module.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


def _on_postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def install(*, postgres: Sequence[str], sqlite: Sequence[str]) -> None:
    """Run the trigger statements written for the database in use."""
    for statement in postgres if _on_postgres() else sqlite:
        op.execute(statement)


def drop_guarded(table: str, function: str) -> None:
    """Drop a guarded table; on PostgreSQL its trigger function too (SQLite has none)."""
    if _on_postgres():
        op.execute(f"DROP TABLE {table}")
        op.execute(f"DROP FUNCTION {function}()")
        return
    op.drop_table(table)  # its triggers go with it
