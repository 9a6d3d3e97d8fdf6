"""A person referred in one month and re-entered in a later one counts, in the report's
SQL as in the fold, under the period of the first referral: a trial's October report
left her out, and its November one counted her October intake. SQLite and PostgreSQL."""

from __future__ import annotations

from parcours.adapters.readmodel import Store
from parcours.app.rebuild import batch_of
from parcours.domain.report import Selection
from parcours.domain.report_states import figures_by_session
from tests.domain.helpers import BACK, re_entered
from tests.support import T0


def test_the_sql_selects_a_re_entered_pathway_by_its_first_referral(store: Store) -> None:
    state = re_entered("pathway-00000000000000e1").state
    assert store.project(batch_of(state))
    first = Selection("atp-cergy", since=T0.date(), until=T0.date())
    later = Selection("atp-cergy", since=BACK.date(), until=BACK.date())
    for selection in (Selection("atp-cergy"), first, later):
        assert store.report_figures(selection) == figures_by_session([state], selection)
    assert [f.pathways for f in store.report_figures(first).values()] == [1]
    assert store.report_figures(later) == {}
