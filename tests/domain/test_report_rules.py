"""The report's rules: the funnel's steps, masking, sums of sessions, ages, medians."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from parcours.domain import commands as c
from parcours.domain.disclosure import Mask
from parcours.domain.erasure import anonymise, erase
from parcours.domain.extract import age_band, extract_row
from parcours.domain.pathway import Pathway
from parcours.domain.report import (
    Figures,
    Selection,
    Step,
    combined,
    days_between,
    dropout_stage,
    partner_share,
    steps_of,
    yearly_intake,
)
from parcours.domain.report_states import figures_by_session, stage_now
from parcours.domain.vocabulary import Stage
from parcours.programmes import get_programme
from tests.domain.helpers import BACK, re_entered
from tests.samples import ATP_CRITERIA
from tests.support import COORDINATOR, T0, meta, referral

ATP, ND = get_programme("atp-cergy"), get_programme("nouveau-depart")
DAY = timedelta(days=1)


def test_a_programme_without_contract_has_no_contract_step() -> None:
    assert Step.CONTRACT in steps_of(ATP.stages)
    assert Step.CONTRACT not in steps_of(ND.stages)
    assert steps_of(ND.stages)[0] is Step.REFERRED


def test_masking_hides_one_to_threshold_minus_one_and_what_comes_of_them() -> None:
    mask = Mask(5)
    assert [mask.count(n) for n in (0, 1, 4, 5, 60)] == [0, "<5", "<5", 5, 60]
    assert mask.derived(0.5, 10, mask.count(4)) == "<5"
    assert mask.derived(0.5, 10, mask.count(5)) == 0.5
    assert mask.derived(None, 0, 0) is None
    assert Mask(5, off=True).count(1) == 1
    assert ATP.reporting.small_cell_threshold == 5


def test_sessions_add_up() -> None:
    a = Figures(pathways=2, funnel={Step.REFERRED: 2}, days_to_first_mission=(3.0, 9.0))
    b = Figures(pathways=1, funnel={Step.REFERRED: 1}, days_to_first_mission=(5.0,))
    total = combined([a, b])
    assert total.pathways == 3
    assert total.funnel[Step.REFERRED] == 3
    assert total.median_days_to_first_mission == 5.0
    assert total.positive_exit_rate is None


def test_small_rules() -> None:
    assert yearly_intake({"2017-03": 9, "2017-11": 1, "2018-03": 7}) == {"2017": 10, "2018": 7}
    assert partner_share({"CCAS": 9, "a neighbour": 1}, ATP.referrers) == (9, 10)
    assert dropout_stage("training_dropped", {}) == "training"
    assert dropout_stage("dropped_out", {"from": "coaching"}) == "coaching"
    assert days_between(T0, T0 + timedelta(days=1, hours=12)) == 1.5
    referred = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    assert Selection("atp-cergy", since=date(2026, 3, 1)).covers("s", referred)
    assert not Selection("atp-cergy", until=date(2026, 2, 28)).covers("s", referred)
    assert not Selection("atp-cergy", session="x").covers("s", referred)
    paris = Selection("atp-cergy", since=date(2026, 3, 2), zone=ZoneInfo("Europe/Paris"))
    assert paris.covers("s", referred)  # 00:30 on 2 March in Paris
    assert paris.month_of(datetime(2026, 10, 31, 23, 30, tzinfo=UTC)) == "2026-11"
    assert paris.day_start(date(2026, 7, 1)) == datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


def test_age_bands_at_referral() -> None:
    at = datetime(2026, 4, 2, 9, tzinfo=UTC)
    assert age_band(date(2000, 4, 3), at) == "under_26"  # 25 until tomorrow
    assert age_band(date(2000, 4, 2), at) == "26_34"
    assert age_band(date(1971, 4, 2), at) == "55_and_over"
    assert age_band(None, at) == "unknown"
    late = datetime(2026, 4, 2, 22, 30, tzinfo=UTC)  # already 3 April in Paris
    assert age_band(date(2000, 4, 3), late) == "under_26"
    assert age_band(date(2000, 4, 3), late, ZoneInfo("Europe/Paris")) == "26_34"


def test_the_extract_gives_months_on_staff_calendar() -> None:
    """Referred at 00:30 on 1 November in Paris (still October in UTC): the session is
    November's, and so is the extract's month, read on the same calendar."""
    paris = ZoneInfo("Europe/Paris")
    referred = datetime(2025, 10, 31, 23, 30, tzinfo=UTC)
    pathway = Pathway.refer(ATP, "pathway-0002", referral(referred), meta(), referred)
    assert extract_row(pathway.state, None, "p", paris)["referred_month"] == "2025-11"
    assert extract_row(pathway.state, None, "p")["referred_month"] == "2025-10"


def test_a_voided_drop_out_counts_for_nothing() -> None:
    pathway = Pathway.refer(ATP, "pathway-0001", referral(T0), meta(), T0)
    pathway.execute(c.CompleteIntake(T0, ATP_CRITERIA), meta(), T0)
    dropped = pathway.execute(c.DropOut(T0 + DAY), meta(reason="no news"), T0 + DAY)
    assert pathway.state.stage is Stage.DROPPED_OUT
    pathway.execute(c.CorrectEvent(dropped.seq), meta(reason="wrong person"), T0 + 2 * DAY)
    [figures] = figures_by_session([pathway.state], Selection("atp-cergy")).values()
    assert figures.funnel[Step.DROPPED_OUT] == 0
    assert figures.dropouts_by_stage == {}
    assert figures.intake_by_month == {"2026-01": 1}
    row = extract_row(pathway.state, date(1990, 4, 2), "p")
    assert row["dropped_out"] is False
    assert row["intake_month"] == "2026-01"


def test_a_person_erased_or_anonymised_stands_there_not_at_their_stage() -> None:
    """An evaluator read an erased person's row, and the report's "where they stand now",
    as someone still followed in coaching: they stand where the erasure left them."""
    erased = Pathway.refer(ATP, "pathway-0003", referral(T0), meta(), T0)
    erased.execute(c.CompleteIntake(T0, ATP_CRITERIA), meta(), T0)
    erase(erased.state, meta(COORDINATOR, reason="GDPR article 17"), T0 + DAY, erased._record)
    gone = Pathway.refer(ATP, "pathway-0004", referral(T0), meta(), T0)
    anonymise(gone.state, T0 + 700 * DAY, gone._record)
    followed = Pathway.refer(ATP, "pathway-0005", referral(T0), meta(), T0)

    assert erased.state.stage is Stage.BARRIER_WORK  # the stage as recorded is kept
    assert [stage_now(p.state) for p in (erased, gone, followed)] == [
        "erased",
        "anonymised",
        "referred",
    ]
    [figures] = figures_by_session(
        [p.state for p in (erased, gone, followed)], Selection("atp-cergy")
    ).values()
    assert figures.stages_now == {"anonymised": 1, "erased": 1, "referred": 1}
    rows = [extract_row(p.state, None, "p") for p in (erased, gone, followed)]
    assert [(r["stage"], r["closed"]) for r in rows] == [
        ("barrier_work", "erased"),
        ("referred", "anonymised"),
        ("referred", ""),
    ]


def test_a_person_re_entered_counts_one_intake_in_the_month_of_the_first() -> None:
    """A trial's report read 4 intakes in the funnel and 5 for the year: the person who
    dropped out and was re-entered into the same session was counted twice against the
    yearly target. Each pathway counts its first intake, so the two add up, and a month
    already reported keeps its count when the person comes back."""
    pathway, back = re_entered("pathway-0006"), BACK
    [figures] = figures_by_session([pathway.state], Selection("atp-cergy")).values()
    assert figures.funnel[Step.INTAKE] == 1
    assert figures.intake_by_month == {T0.strftime("%Y-%m"): 1}
    assert back.strftime("%Y-%m") != T0.strftime("%Y-%m")  # the test tells them apart


def test_a_person_re_entered_stays_in_the_period_and_months_of_the_first_referral() -> None:
    """A trial's October report left out a person referred in October and re-entered in
    November, and its November one counted her October intake; her extract row gave
    November for both months, where the report counted her intake in October."""
    pathway, back = re_entered("pathway-0007"), BACK
    assert pathway.state.referred_at == back  # the state's date moves with the re-entry

    def period(since: datetime, until: datetime) -> dict[str, int]:
        selection = Selection("atp-cergy", since=since.date(), until=until.date())
        return {s: f.pathways for s, f in figures_by_session([pathway.state], selection).items()}

    assert period(T0, T0 + DAY) == {"2026-01": 1}  # referred then: counted there
    assert period(back, back + DAY) == {}  # the re-entry is no referral
    row = extract_row(pathway.state, None, "p")
    assert row["referred_month"] == row["intake_month"] == T0.strftime("%Y-%m")
    birth = date(T0.year - 26, T0.month, T0.day) + 20 * DAY  # 26 between the two dates
    assert extract_row(pathway.state, birth, "p")["age_band"] == "under_26"
