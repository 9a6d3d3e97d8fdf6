"""Bringing a read-model database to the current schema, from code (no alembic.ini)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, Select, String, column, select, table, text
from sqlalchemy.exc import DBAPIError

from parcours.adapters.readmodel.dialects import UnsupportedDatabase, create_readmodel_engine
from parcours.adapters.readmodel.store import Store

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0011"
"""The newest migration's revision: a read model stamped with it needs no upgrade (a test
checks it names the head of `migrations/versions`)."""
VERSION_TABLE = "readmodel_alembic_version"  # as `migrations/env.py` names it
PG_MIGRATION_LOCK = 0x70617263  # "parc": one migrating process at a time per database
_MIGRATING = threading.Lock()
"""One upgrade at a time in a process: Alembic keeps the running migration's context in
module globals, so two threads upgrading at once (a worker's first activity and a command
in the same process, as in the CLI tests) fail with a KeyError as the second one ends."""


def alembic_config() -> Config:
    """The Alembic configuration of the read model, for `migrate` and for maintainers."""
    from alembic.config import Config  # noqa: PLC0415 - only when there is something to do

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


class ReadModelAhead(UnsupportedDatabase):
    """The read model was migrated by a newer parcours than this one: its migration
    (`stamped`) is past this code's `HEAD`. Nothing is changed; the parcours that migrated
    it opens it (a rollback of parcours after an upgrade, a second machine left behind)."""

    def __init__(self, stamped: str) -> None:
        self.stamped = stamped
        super().__init__(f"read model at migration {stamped}, newer than this parcours's {HEAD}")


def stamped_version(engine: Engine) -> str | None:
    """The migration the read model behind `engine` is stamped with: one indexed read,
    where asking Alembic costs its import and a look at every migration script (30 to
    70 ms of every command and activity that opens the read model). None for a database
    without the version table: a new read model."""
    try:
        with engine.connect() as conn:
            stamped: Select[str] = select(column("version_num", String)).select_from(
                table(VERSION_TABLE)
            )
            found = list(conn.execute(stamped).scalars())
    except DBAPIError:  # no version table yet: a new read model
        return None
    return found[0] if found else None


def at_head(engine: Engine) -> bool:
    """Whether the read model behind `engine` is stamped with `HEAD`; one that is not
    (new, or behind) is upgraded by `migrate_engine`."""
    return stamped_version(engine) == HEAD


def migrate_engine(engine: Engine) -> None:
    """Upgrade the read model behind `engine` to the latest schema; when it is already
    there (`at_head`), nothing else is read. One a newer parcours migrated is refused
    (`ReadModelAhead`), never written: Alembic would only say it knows no such revision."""
    stamped = stamped_version(engine)
    if stamped == HEAD:
        return
    if stamped is not None and stamped > HEAD:  # revisions are zero-padded: "0012" > "0011"
        raise ReadModelAhead(stamped)
    from alembic import command  # noqa: PLC0415 - only when there is something to do

    with _MIGRATING, engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_MIGRATION_LOCK})
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def migrate(url: str) -> None:
    """Upgrade the read model at `url` to the latest schema; harmless when already there."""
    engine = create_readmodel_engine(url)
    try:
        migrate_engine(engine)
    finally:
        engine.dispose()


def open_store(url: str) -> Store:
    """Migrate the read model at `url`, then open it."""
    engine = create_readmodel_engine(url)
    try:
        migrate_engine(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
