"""`parcours alerts --all`'s query: open alerts in due order from the read model, walked
in the partial index that holds only them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text

from parcours.adapters.readmodel import Store
from parcours.adapters.readmodel.queries import still_open
from parcours.adapters.readmodel.tables import AlertRow, ParticipantRow
from parcours.domain.vocabulary import AlertStatus
from tests.readmodel.builders import alert, batch
from tests.support import T0

INDEX = "ix_alerts_open_due_at"


def _fill(store: Store) -> None:
    """Three pathways of two programmes; alerts of every status, due on different days."""
    day = T0 + timedelta(days=1)
    store.project(
        batch(
            "p-1",
            alerts=[
                alert("a", due_at=day + timedelta(days=5)),
                alert("b", status=AlertStatus.RESOLVED, due_at=day),
                alert("c", status=AlertStatus.SNOOZED, due_at=day + timedelta(days=2)),
            ],
        )
    )
    store.project(
        batch(
            "p-2",
            programme="nouveau-depart",
            alerts=[
                alert("a", due_at=day + timedelta(days=1)),
                alert("b", status=AlertStatus.ACKNOWLEDGED, due_at=day + timedelta(days=3)),
            ],
        )
    )
    store.project(batch("p-3", alerts=[alert("a", due_at=day + timedelta(days=1))]))


def _keys(store: Store, **given: object) -> list[tuple[str, str]]:
    return [(a.pathway_id, a.alert_id) for a in store.alerts_due(**given)]  # type: ignore[arg-type]


def test_open_and_snoozed_alerts_come_soonest_due_first(store: Store) -> None:
    _fill(store)
    assert _keys(store) == [("p-2", "a"), ("p-3", "a"), ("p-1", "c"), ("p-1", "a")]
    first = store.alerts_due()[0]
    assert (first.programme, first.referent, first.status) == (
        "nouveau-depart",
        "staff-7f3a",
        AlertStatus.OPEN,
    )


def test_the_listing_stops_at_its_limit_and_filters_by_programme(store: Store) -> None:
    _fill(store)
    assert _keys(store, limit=2) == [("p-2", "a"), ("p-3", "a")]
    assert _keys(store, programme="atp-cergy") == [("p-3", "a"), ("p-1", "c"), ("p-1", "a")]
    assert _keys(store, programme="atp-cergy", limit=1) == [("p-3", "a")]


def test_other_statuses_are_listed_when_chosen(store: Store) -> None:
    _fill(store)
    chosen = frozenset({AlertStatus.RESOLVED, AlertStatus.ACKNOWLEDGED})
    assert _keys(store, statuses=chosen) == [("p-1", "b"), ("p-2", "b")]
    assert _keys(store, statuses=frozenset({AlertStatus.CLOSED})) == []


def test_both_databases_can_walk_the_open_alerts_index(store: Store) -> None:
    """The query states the index's condition as the index does, so the planner uses it,
    in order: SQLite with no statistics (as the read model always is); on a few rows
    PostgreSQL prefers reading the table, so its scans of the table are turned off for
    the plan asked here (a query that could not use the index would still scan)."""
    _fill(store)
    stmt = (
        select(AlertRow, ParticipantRow.programme)
        .join(ParticipantRow, ParticipantRow.pathway_id == AlertRow.pathway_id)
        .where(still_open())
        .order_by(AlertRow.due_at, AlertRow.pathway_id, AlertRow.alert_id)
        .limit(200)
    )
    sql = str(stmt.compile(store.engine, compile_kwargs={"literal_binds": True}))
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            conn.execute(text("SET LOCAL enable_bitmapscan = off"))
            plan = " ".join(str(row[0]) for row in conn.execute(text(f"EXPLAIN {sql}")))
        else:
            plan = " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert INDEX in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite walks it in order
    assert "Sort" not in plan, plan  # and so does PostgreSQL
