"""The shipped migrations build the schema from nothing and agree with the ORM tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, pool, text

from parcours.adapters.readmodel import (
    ReadModelAhead,
    UnsupportedDatabase,
    create_readmodel_engine,
    migrate,
    open_store,
)
from parcours.adapters.readmodel.migrate import HEAD, alembic_config, at_head
from parcours.adapters.readmodel.tables import Base
from tests.readmodel.builders import batch

TABLES = {
    "participants",
    "timeline_events",
    "alerts",
    "notifications",
    "partners",
    "sessions",
    "read_log",
    "person_keys",
    "staff_credentials",
}


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrate_creates_the_schema_from_an_empty_database(db_url: str) -> None:
    assert _tables(db_url) == set()

    migrate(db_url)

    assert _tables(db_url) == {*TABLES, "readmodel_alembic_version"}


def test_migrate_again_is_harmless_and_keeps_the_data(db_url: str) -> None:
    with open_store(db_url) as store:
        store.project(batch())

    migrate(db_url)
    with open_store(db_url) as store:
        assert [p.pathway_id for p in store.list_participants()] == ["pathway-0001"]


def test_the_migrations_match_the_orm_tables(db_url: str) -> None:
    migrate(db_url)
    engine = create_engine(db_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"version_table": "readmodel_alembic_version"}
            )
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_the_embedded_default_creates_its_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'data' / 'readmodel.sqlite'}"

    with open_store(url) as store:
        assert store.list_participants() == []
    assert (tmp_path / "fresh" / "data" / "readmodel.sqlite").is_file()


def test_an_in_memory_database_works_for_one_process() -> None:
    with open_store("sqlite://") as store:
        assert store.project(batch())
        assert [p.pathway_id for p in store.list_participants()] == ["pathway-0001"]


def test_other_databases_are_refused() -> None:
    with pytest.raises(UnsupportedDatabase, match="mysql"):
        open_store("mysql://user@localhost/readmodel")


def test_head_names_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_a_read_model_at_head_is_opened_without_asking_alembic(db_url: str) -> None:
    migrate(db_url)
    engine = create_readmodel_engine(db_url)
    try:
        assert at_head(engine)
    finally:
        engine.dispose()


def test_a_read_model_behind_head_is_upgraded_when_opened(db_url: str) -> None:
    """The cheap check says "not at head" and the migrations run, as before it existed."""
    engine = create_readmodel_engine(db_url)
    try:
        assert not at_head(engine)  # an empty database: no version table
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0005")
        assert not at_head(engine)
    finally:
        engine.dispose()
    with open_store(db_url) as store, store.engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM readmodel_alembic_version"))
        assert list(version.scalars()) == [HEAD]
        assert at_head(store.engine)


def test_a_read_model_a_newer_parcours_migrated_is_left_as_it_is(db_url: str) -> None:
    """Before, Alembic said it knew no revision "0012" and every command ended as a bug
    (exit 1): what a rollback of parcours after an upgrade meets. The read model is
    refused by name and not written."""
    with open_store(db_url) as store:
        store.project(batch())
    engine = create_engine(db_url, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE readmodel_alembic_version SET version_num = '0099'"))
    finally:
        engine.dispose()
    with pytest.raises(ReadModelAhead) as refused:
        open_store(db_url)
    assert refused.value.stamped == "0099"
    assert isinstance(refused.value, UnsupportedDatabase)  # every caller's "cannot be used"
    assert _tables(db_url) == {*TABLES, "readmodel_alembic_version"}  # nothing dropped
