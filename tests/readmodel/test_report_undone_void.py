"""A void voided in turn is undone (`domain.correcting.undoes_a_void`): the report's SQL
counts the event again, as the fold does. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from parcours.adapters.readmodel import Store
from parcours.app.rebuild import batch_of
from parcours.domain import commands as c
from parcours.domain.report import Selection, Step
from parcours.domain.report_states import figures_by_session
from parcours.domain.vocabulary import Stage
from tests.domain.helpers import ATP, drive_to
from tests.support import meta

HOUR = timedelta(hours=1)


def test_the_sql_counts_an_event_whose_void_was_undone(store: Store) -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    dropped = pathway.execute(c.DropOut(now), meta(reason="no news"), now)
    selection = Selection("atp-cergy")
    seen: list[int] = []
    for step, correction in enumerate((dropped.seq, dropped.seq + 1), start=1):
        sent = meta(reason="a mistake")
        pathway.execute(c.CorrectEvent(correction), sent, now + step * HOUR)
        assert store.project(batch_of(pathway.state))
        found = store.report_figures(selection)
        assert found == figures_by_session([pathway.state], selection)
        seen += [figures.funnel[Step.DROPPED_OUT] for figures in found.values()]
    assert seen == [0, 1]  # voided, then the void undone: dropped out again
    assert pathway.state.stage is Stage.DROPPED_OUT
