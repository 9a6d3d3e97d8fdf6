"""The pathway row's `retention_due_at` (migration 0009), on SQLite and PostgreSQL: each
projection keeps it, `retention_due` lists the pathways by it, the soonest first, within
a horizon, and an erased person (no due date) is not listed."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from parcours.adapters.readmodel import Store
from tests.readmodel.builders import batch
from tests.support import T0

DAY = timedelta(days=1)


def test_pathways_are_listed_by_their_retention_due_date(store: Store) -> None:
    later = dataclasses.replace(batch("p-later"), retention_due_at=T0 + 700 * DAY)
    sooner = dataclasses.replace(batch("p-sooner"), retention_due_at=T0 + 30 * DAY)
    store.project(later)
    store.project(sooner)
    store.project(batch("p-none"))  # an old rule, or erased: nothing falls due
    assert [v.pathway_id for v in store.retention_due()] == ["p-sooner", "p-later"]
    assert [v.pathway_id for v in store.retention_due(T0 + 60 * DAY)] == ["p-sooner"]
    found = store.get_participant("p-sooner")
    assert found is not None
    assert found.retention_due_at == T0 + 30 * DAY


def test_a_later_projection_moves_or_clears_the_due_date(store: Store) -> None:
    first = dataclasses.replace(batch("p1"), retention_due_at=T0 + 30 * DAY)
    store.project(first)
    moved = dataclasses.replace(first, last_seq=first.last_seq + 1, retention_due_at=None)
    store.project(moved)
    assert store.retention_due() == []
