"""Bringing a read-model database to the current schema, from code (no alembic.ini)."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from parcours.adapters.readmodel.dialects import create_readmodel_engine
from parcours.adapters.readmodel.store import Store

MIGRATIONS = Path(__file__).with_name("migrations")
PG_MIGRATION_LOCK = 0x70617263  # "parc": one migrating process at a time per database
_MIGRATING = threading.Lock()
"""One upgrade at a time in a process: Alembic keeps the running migration's context in
module globals, so two threads upgrading at once (a worker's first activity and a command
in the same process, as in the CLI tests) fail with a KeyError as the second one ends."""


def alembic_config() -> Config:
    """The Alembic configuration of the read model, for `migrate` and for maintainers."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


def migrate_engine(engine: Engine) -> None:
    """Upgrade the read model behind `engine` to the latest schema."""
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
