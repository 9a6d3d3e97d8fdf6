"""Migration 0003 keeps each correction's target typed, and fills it in for old rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    pool,
    select,
)

from parcours.adapters.readmodel import open_store
from parcours.adapters.readmodel.migrate import alembic_config
from parcours.adapters.readmodel.tables import TimelineRow
from tests.support import T0

OLD_TIMELINE = Table(
    "timeline_events",
    MetaData(),
    Column("pathway_id", String, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String),
    Column("at", DateTime(timezone=True)),
    Column("actor_id", String),
    Column("role", String),
    Column("reason", Text),
    Column("stage", String),
    Column("details", JSON),
)
"""The timeline as migration 0001 made it."""

RESTATED = T0 + timedelta(days=3)


def _row(seq: int, kind: str, details: dict[str, str]) -> dict[str, object]:
    return {
        "pathway_id": "pathway-0001",
        "seq": seq,
        "kind": kind,
        "at": T0.replace(tzinfo=None) + timedelta(days=seq),
        "actor_id": "staff-7f3a",
        "role": "staff",
        "reason": "",
        "stage": "coaching",
        "details": details,
    }


def test_corrections_recorded_before_0003_get_their_target(db_url: str) -> None:
    engine = create_engine(db_url, poolclass=pool.NullPool)
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(
            OLD_TIMELINE.insert(),
            [
                _row(1, "referred", {"referrer": "CCAS", "session": "2026-01"}),
                _row(2, "dropped_out", {"from": "coaching"}),
                _row(3, "event_voided", {"seq": "2", "event": "dropped_out"}),
                _row(4, "event_restated", {"seq": "1", "restated_at": RESTATED.isoformat()}),
            ],
        )
    engine.dispose()
    with open_store(db_url) as store, store.engine.connect() as conn:
        found = conn.execute(
            select(TimelineRow.seq, TimelineRow.corrects_seq, TimelineRow.restated_at).order_by(
                TimelineRow.seq
            )
        ).all()
    assert [tuple(r) for r in found] == [
        (1, None, None),
        (2, None, None),
        (3, 2, None),
        (4, 1, RESTATED.astimezone(UTC)),
    ]
    assert isinstance(found[3][2], datetime)
