"""The sessions of the read model, on SQLite and PostgreSQL: kept, listed, closed, counted."""

from __future__ import annotations

import pytest

from parcours.adapters.readmodel import Store
from parcours.adapters.readmodel.sessions import SessionExists
from parcours.domain.sessions import Session, SessionStatus
from parcours.domain.vocabulary import Stage
from tests.readmodel.builders import batch
from tests.support import T0

MARCH = Session("nouveau-depart", "2026-01", T0, capacity=9, referrers=["Amicale du Nid"])


def test_a_session_is_kept_listed_and_closed(store: Store) -> None:
    store.add_session(MARCH)
    store.add_session(Session("atp-cergy", "2026-01", T0))
    assert store.get_session("nouveau-depart", "2026-01") == MARCH
    assert [s.programme for s in store.list_sessions()] == ["atp-cergy", "nouveau-depart"]
    assert store.list_sessions("atp-cergy")[0].capacity is None
    with pytest.raises(SessionExists):
        store.add_session(MARCH)
    closed = store.close_session(MARCH, T0)
    assert store.get_session("nouveau-depart", "2026-01") == closed
    assert (closed.status, closed.closed_at) == (SessionStatus.CLOSED, T0)


def test_a_sessions_people_are_read_from_the_projection(store: Store) -> None:
    store.add_session(MARCH)
    store.project(batch("pathway-0001", programme="nouveau-depart"))
    store.project(batch("pathway-0002", programme="nouveau-depart", stage=Stage.COACHING))
    store.project(batch("pathway-0003", programme="atp-cergy"))  # same label, other programme
    assert store.session_size("nouveau-depart", "2026-01") == 2
    assert store.session_people("nouveau-depart", "2026-01") == [
        ("pathway-0001", Stage.REFERRED),
        ("pathway-0002", Stage.COACHING),
    ]
    store.clear()  # a rebuild empties the projection, never the sessions
    assert store.get_session("nouveau-depart", "2026-01") == MARCH


def test_a_session_only_referred_into_is_listed_as_never_opened(store: Store) -> None:
    """People referred without a session stand under their month's name: that session is
    listed (its start, the first referral), beside those opened, but has no record."""
    from dataclasses import replace
    from datetime import timedelta

    from parcours.domain.sessions import unopened

    store.add_session(MARCH)  # nouveau-depart's 2026-01 was opened
    store.project(batch("pathway-0001", programme="nouveau-depart"))
    store.project(replace(batch("pathway-0002"), referred_at=T0 + timedelta(days=2)))
    store.project(replace(batch("pathway-0003"), referred_at=T0 + timedelta(days=1)))
    never = unopened("atp-cergy", "2026-01", T0 + timedelta(days=1))
    assert store.unopened_sessions() == [never]
    assert store.unopened_sessions("atp-cergy", "2026-01") == [never]
    assert store.unopened_sessions("atp-cergy", "2026-02") == []
    assert store.unopened_sessions("nouveau-depart") == []
    assert store.all_sessions() == [never, MARCH]
    assert store.get_session("atp-cergy", "2026-01") is None  # nothing recorded
    assert never.status is SessionStatus.UNOPENED
