"""The report's SQL figures equal those of the pathways' histories folded through the domain.

Pathways are driven on the real dev server by a worker that projects into the test's
database (SQLite, then PostgreSQL); the report counts in SQL over that projection, and
the audit fold rebuilds every pathway from its history alone. Both give the figures of
each session; they must be equal, for the whole programme, one session and one period.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.readmodel import Store, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.audit.fold import fold
from parcours.audit.history import fetch_pathway_history
from parcours.audit.recording import record_of
from parcours.domain import commands as c
from parcours.domain.records import PathwayState
from parcours.domain.report import Selection, Step, month_of
from parcours.domain.report_states import figures_by_session
from parcours.domain.vocabulary import Stage
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.polling import eventually
from tests.report_pathways import SECOND_SESSION, drive_second_session
from tests.samples import ATP_CRITERIA, DAY
from tests.scenarios import (
    PAST,
    drive_corrected_pathway,
    drive_erased_pathway,
    drive_full_atp_pathway,
    drive_nouveau_depart_session,
    drive_open_pathway,
)
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")


@dataclass
class Driven:
    store: Store
    states: list[PathwayState]


async def folded_state(pathways: PathwayClient, pathway_id: str) -> PathwayState:
    history = await fetch_pathway_history(pathways.temporal, pathway_id)
    folded = fold(await record_of(history, pathways.temporal.data_converter))
    assert folded.discrepancies == [], pathway_id
    return folded.pathway.state


async def drive_re_entered_pathway(pathways: PathwayClient) -> str:
    """Dropped out after a first intake, re-entered into the same session 40 days later
    and admitted again: one intake counted, in the month of the first."""
    pid = await pathways.refer(ATP, participant("Karim", "Benali"), referral(PAST), meta())
    back = PAST + 40 * DAY
    for command, reason, at in (
        (c.CompleteIntake(PAST, ATP_CRITERIA), "", PAST),
        (c.DropOut(PAST + DAY), "no news", PAST + DAY),
        (c.ReEnter("2026-01", back), "called back", back),
        (c.CompleteIntake(back, ATP_CRITERIA), "", back),
    ):
        dated = dataclasses.replace(meta(reason=reason), effective_at=at)
        await pathways.execute(pid, command, dated)
    return pid


@pytest_asyncio.fixture(loop_scope="session")
async def driven(
    temporal_env: WorkflowEnvironment, tmp_path: Path, db_url: str
) -> AsyncIterator[Driven]:
    base = Settings.self_contained(str(tmp_path))
    settings = replace(base, task_queue=f"report-{uuid.uuid4().hex[:8]}", readmodel_url=db_url)
    client = temporal_env.client
    async with build_worker(client, settings, default_activities(settings)):
        pathways = PathwayClient(client, settings.task_queue)
        ids = [
            await drive_full_atp_pathway(pathways),
            await drive_nouveau_depart_session(pathways),
            await drive_open_pathway(pathways),
            await drive_corrected_pathway(pathways),
            *await drive_second_session(pathways),
            await drive_erased_pathway(pathways),
            await drive_re_entered_pathway(pathways),
        ]
        states = [await folded_state(pathways, pid) for pid in ids]
        with open_store(db_url) as store:
            expected = {s.pathway_id: s.next_seq - 1 for s in states}

            def projected() -> dict[str, int]:
                rows = store.list_participants()
                return {r.pathway_id: r.last_seq for r in rows if r.pathway_id in expected}

            await eventually(projected, lambda found: found == expected, what="all projected")
            yield Driven(store, states)


async def test_the_report_counts_what_the_histories_say(driven: Driven) -> None:
    """One test, so the pathways are driven once per database: the whole programme, one
    session and periods, then the counts themselves."""
    check_every_programme(driven)
    check_one_session_and_periods(driven)
    check_the_figures_are_the_ones_lived(driven)


def check_every_programme(driven: Driven) -> None:
    for programme in ("atp-cergy", "nouveau-depart"):
        selection = Selection(programme)
        assert driven.store.report_figures(selection) == figures_by_session(
            driven.states, selection
        ), programme


def check_one_session_and_periods(driven: Driven) -> None:
    month_ago = (PAST + 600 * DAY).date()
    for selection in (
        Selection("atp-cergy", session=SECOND_SESSION),
        Selection("atp-cergy", until=month_ago),
        Selection("atp-cergy", since=(PAST + DAY).date()),
        Selection("nouveau-depart", since=PAST.date(), until=PAST.date()),
        Selection("atp-cergy", since=(PAST + DAY).date(), zone=ZoneInfo("Pacific/Kiritimati")),
        Selection("atp-cergy", until=month_ago, zone=ZoneInfo("America/Los_Angeles")),
    ):
        found = driven.store.report_figures(selection)
        assert found == figures_by_session(driven.states, selection), selection


def check_the_figures_are_the_ones_lived(driven: Driven) -> None:
    """Not two empty reports agreeing: the counts are those of the pathways driven."""
    sessions = driven.store.report_figures(Selection("atp-cergy"))
    second = sessions[SECOND_SESSION]
    assert second.funnel[Step.REFERRED] == 2
    assert second.funnel[Step.TRAINING] == 1
    assert second.funnel[Step.DROPPED_OUT] == 1
    assert second.dropouts_by_stage == {"in_employment": 1, "training": 1}
    assert second.referrals_by_referrer == {"Pôle emploi": 1, "Voisins solidaires": 1}
    assert second.trainings_by_provider == {"AFPA": 1}
    assert second.missions_by_agency == {"Adecco": 1}
    assert second.days_to_first_mission == (44.0,)
    intakes = Counter(month_of(PAST + d * DAY) for d in (2, 9))  # the restated date, not 40
    assert second.intake_by_month == dict(sorted(intakes.items()))
    assert (second.exits, second.positive_exits) == (1, 0)
    # The corrected pathway's drop-out was voided: it counts as coaching, not dropped out.
    corrected = next(s for s in driven.states if s.pathway_id == driven.states[3].pathway_id)
    own = sessions[corrected.session]
    assert own.stages_now.get(Stage.COACHING.value, 0) >= 1
    assert own.dropouts_by_stage.get(Stage.COACHING.value, 0) == 0
    # The re-entered person counts one intake, the first (the SQL agreed above): the
    # months add up to the funnel's intakes, where the second intake made one more.
    back = driven.states[-1]
    by_month = sessions[back.session].intake_by_month
    assert sum(by_month.values()) == sessions[back.session].funnel[Step.INTAKE]
    # The person erased at their request stands there, not at the stage they were erased in.
    erased = driven.states[-2]
    assert erased.stage is Stage.BARRIER_WORK
    assert sessions[erased.session].stages_now.get("erased", 0) >= 1
    full = sessions[driven.states[0].session]
    assert full.positive_exits >= 1
    assert full.jobdating_outcomes["hired"] >= 1
    assert "" in full.missions_by_agency  # the permanent job was a direct hire
    assert dataclasses.asdict(full)["funnel"][Step.EMPLOYMENT] >= 1
    assert timedelta(days=full.median_days_to_first_mission or 0) > timedelta(0)
