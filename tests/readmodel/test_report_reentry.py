"""A person referred in one month and re-entered in a later one counts, in the report's
SQL as in the fold, under the period of the first referral: a trial's October report
left her out, and its November one counted her October intake. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from parcours.adapters.readmodel import Store
from parcours.app.rebuild import batch_of
from parcours.domain import commands as c
from parcours.domain.pathway import Pathway
from parcours.domain.records import PathwayState
from parcours.domain.report import Selection
from parcours.domain.report_states import figures_by_session
from parcours.programmes import get_programme
from tests.samples import ATP_CRITERIA
from tests.support import T0, meta, referral

DAY = timedelta(days=1)
BACK = T0 + 40 * DAY


def re_entered() -> PathwayState:
    atp = get_programme("atp-cergy")
    pathway = Pathway.refer(atp, "pathway-00000000000000e1", referral(T0), meta(), T0)
    pathway.execute(c.CompleteIntake(T0, ATP_CRITERIA), meta(), T0)
    pathway.execute(c.DropOut(T0 + DAY), meta(reason="no news"), T0 + DAY)
    pathway.execute(c.ReEnter("2026-02", BACK), meta(reason="called back"), BACK)
    pathway.execute(c.CompleteIntake(BACK, ATP_CRITERIA), meta(), BACK)
    return pathway.state


def test_the_sql_selects_a_re_entered_pathway_by_its_first_referral(store: Store) -> None:
    state = re_entered()
    assert store.project(batch_of(state))
    first = Selection("atp-cergy", since=T0.date(), until=T0.date())
    later = Selection("atp-cergy", since=BACK.date(), until=BACK.date())
    for selection in (Selection("atp-cergy"), first, later):
        assert store.report_figures(selection) == figures_by_session([state], selection)
    assert [f.pathways for f in store.report_figures(first).values()] == [1]
    assert store.report_figures(later) == {}
