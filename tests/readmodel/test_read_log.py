"""The read log: appended in order, listed by pathway, reader and date, and append-only
down to the database (a trigger refuses UPDATE, DELETE and, on PostgreSQL, TRUNCATE)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, delete, pool, text, update
from sqlalchemy.exc import DBAPIError

from parcours.adapters.readmodel import Read, Store, create_readmodel_engine, migrate
from parcours.adapters.readmodel.migrate import alembic_config
from parcours.adapters.readmodel.tables import ReadRow
from parcours.app.errors import PathwayNotFound
from parcours.app.read_log import ReadCommand, log_reads, reads
from parcours.app.references import AmbiguousReference, ReferenceTooShort
from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role
from tests.readmodel.builders import batch
from tests.support import T0

FIRST, SECOND = "pathway-00000000000000a1", "pathway-00000000000000b2"
STAFF, AUDITOR = Actor("staff-7f3a", Role.STAFF), Actor("aud-01", Role.AUDITOR)


class Clock:
    """The store's clock, moved on by hand: each read is dated where the test puts it."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def logged(db_url: str, clock: Clock) -> Iterator[Store]:
    """A read model with three reads: staff show FIRST at T0, an auditor's timeline of
    SECOND a day later, staff's unmasked report of a programme two days later."""
    migrate(db_url)
    with Store(create_readmodel_engine(db_url), clock) as store:
        log_reads(store, STAFF, ReadCommand.SHOW, [FIRST])
        clock.now = T0 + timedelta(days=1)
        log_reads(store, AUDITOR, ReadCommand.TIMELINE, [SECOND])
        clock.now = T0 + timedelta(days=2)
        log_reads(store, STAFF, ReadCommand.REPORT_UNMASKED, programme="atp-cergy")
        yield store


def test_reads_are_listed_oldest_first_with_who_when_and_what(logged: Store) -> None:
    found = logged.list_reads()

    assert [(r.actor_id, r.role, r.command) for r in found] == [
        ("staff-7f3a", Role.STAFF, "show"),
        ("aud-01", Role.AUDITOR, "timeline"),
        ("staff-7f3a", Role.STAFF, "report_unmasked"),
    ]
    assert [r.at for r in found] == [T0, T0 + timedelta(days=1), T0 + timedelta(days=2)]
    assert [(r.pathway_id, r.programme) for r in found] == [
        (FIRST, None),
        (SECOND, None),
        (None, "atp-cergy"),
    ]
    assert found[0].id < found[1].id < found[2].id


def test_reads_are_narrowed_by_pathway_reader_and_date(logged: Store) -> None:
    assert [r.command for r in reads(logged, FIRST)] == ["show"]
    assert [r.command for r in reads(logged, actor_id="aud-01")] == ["timeline"]
    since = T0 + timedelta(hours=12)
    assert [r.command for r in reads(logged, since=since)] == ["timeline", "report_unmasked"]
    assert [r.command for r in reads(logged, SECOND, "staff-7f3a")] == []
    with pytest.raises(PathwayNotFound):  # neither read nor projected: no such pathway
        reads(logged, "pathway-ffffffffffffffff")


def test_a_short_reference_names_the_one_pathway_read(logged: Store) -> None:
    assert [r.pathway_id for r in reads(logged, "00000000000000b")] == [SECOND]
    with pytest.raises(AmbiguousReference):
        reads(logged, "00000000")
    with pytest.raises(ReferenceTooShort):
        reads(logged, "a1")


def test_one_read_per_pathway_opened(db_url: str) -> None:
    migrate(db_url)
    with Store(create_readmodel_engine(db_url)) as store:
        log_reads(store, AUDITOR, ReadCommand.EXTRACT, [FIRST, SECOND, FIRST], "atp-cergy")
        found = store.list_reads()
    assert [(r.pathway_id, r.programme) for r in found] == [
        (FIRST, "atp-cergy"),
        (SECOND, "atp-cergy"),
    ]


def test_the_database_refuses_to_change_or_delete_a_read(logged: Store) -> None:
    for statement in (
        update(ReadRow).values(actor_id="someone-else"),
        delete(ReadRow),
        delete(ReadRow).where(ReadRow.pathway_id == FIRST),
    ):
        with pytest.raises(DBAPIError, match="append-only"), logged.engine.begin() as conn:
            conn.execute(statement)
    assert len(logged.list_reads()) == 3


def test_postgresql_refuses_truncate_too(postgres_url: str) -> None:
    migrate(postgres_url)
    with Store(create_readmodel_engine(postgres_url)) as store:
        store.log_reads([Read("staff-7f3a", Role.STAFF, "show", FIRST)])
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("TRUNCATE read_log"))
        assert len(store.list_reads()) == 1


def test_the_store_offers_no_way_to_change_the_log() -> None:
    verbs = ("update", "delete", "remove", "clear", "edit", "replace")
    assert not [
        name for name in dir(Store) if "read" in name and any(verb in name for verb in verbs)
    ]


def test_clearing_the_projection_keeps_the_read_log(logged: Store) -> None:
    logged.project(batch())
    logged.clear()
    logged.remove_pathways([FIRST, SECOND])

    assert logged.list_participants() == []
    assert len(logged.list_reads()) == 3


def test_the_log_holds_no_column_for_what_was_read(db_url: str) -> None:
    migrate(db_url)
    engine = create_engine(db_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            names = list(conn.execute(text("SELECT * FROM read_log")).keys())
    finally:
        engine.dispose()
    assert names == [
        "id",
        "at",
        "actor_id",
        "role",
        "command",
        "pathway_id",
        "programme",
        "key_id",
    ]


KEY = "key-0123456789abcdef"


def test_migration_0010_adds_the_key_id_and_keeps_the_log_append_only(db_url: str) -> None:
    """Reads logged before 0010 stay, with no key id; the triggers of 0005 still refuse to
    change them, and a downgrade takes the column away without touching the rest."""
    engine = create_readmodel_engine(db_url)
    try:
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, "0009")
            conn.execute(
                text(
                    "INSERT INTO read_log (at, actor_id, role, command, pathway_id) "
                    "VALUES (:at, 'staff-7f3a', 'staff', 'show', :pid)"
                ),
                {"at": T0, "pid": FIRST},
            )
    finally:
        engine.dispose()
    migrate(db_url)
    with Store(create_readmodel_engine(db_url)) as store:
        store.log_reads([Read("aud-01", Role.AUDITOR, "timeline", SECOND, key_id=KEY)])
        assert [(r.actor_id, r.key_id) for r in store.list_reads()] == [
            ("staff-7f3a", None),
            ("aud-01", KEY),
        ]
        for statement in (update(ReadRow).values(key_id=KEY), delete(ReadRow)):
            with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
                conn.execute(statement)
        with store.engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0009")
        with store.engine.connect() as conn:
            kept = conn.execute(text("SELECT actor_id FROM read_log ORDER BY id")).scalars()
            assert list(kept) == ["staff-7f3a", "aud-01"]
        with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM read_log"))
