"""Where people stand now in the report's SQL, for pathways closed for good, agrees with the
fold of their committed histories: a person anonymised by parcours, one erased at a
coordinator's request, and a pathway closed at the end of its retention after exit (the
earlier rule), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from parcours.adapters.readmodel import Store
from parcours.app.rebuild import batch_of
from parcours.domain.closure import Closure, closure
from parcours.domain.report import Selection
from parcours.domain.report_states import figures_by_session
from tests.histories.record import HERE
from tests.workflows.patch_replay import folded

pytestmark = pytest.mark.asyncio(loop_scope="session")

CLOSED = {
    "atp-anonymised.json": Closure.ANONYMISED,
    "atp-erased.json": Closure.ERASED,
    "atp-after-exit.json": Closure.RETENTION_OVER,
}


async def test_the_sql_and_the_fold_agree_on_where_closed_pathways_stand(store: Store) -> None:
    states = [await folded(HERE / name) for name in CLOSED]
    assert [closure(s) for s in states] == list(CLOSED.values())
    for state in states:
        assert store.project(batch_of(state))
    selection = Selection("atp-cergy")
    found = store.report_figures(selection)
    assert found == figures_by_session(states, selection)
    stands = {key: n for figures in found.values() for key, n in figures.stages_now.items()}
    assert stands.get("anonymised") == stands.get("erased") == 1
    assert stands.get("exited", 0) >= 1  # closed at the end of its retention: still exited
