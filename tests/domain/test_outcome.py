"""Exit classification by each programme's own rule, at the edge of every branch.

ATP: positive when a full-time job is held at least 13 months, or two part-time permanent
contracts, or a professionalisation contract of over a year in a hiring sector.
Nouveau départ: positive on access to temp work (or any other employment contract).
Thresholds are read from the programme; the test only checks they say what DOMAIN.md says.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.calendar import add_months
from parcours.domain.outcome import classify_exit
from parcours.domain.programme import PositiveExitCriterion
from parcours.domain.records import Mission, PathwayState
from parcours.domain.vocabulary import ContractType, ExitReason, Stage
from tests.domain.helpers import ATP, DAY, HOUR, ND, SECOND, drive_to
from tests.support import T0, meta

FULL_TIME, TWO_PART_TIME, PROFESSIONALISATION = ATP.outcome.positive_if_any
[TEMP_WORK] = ND.outcome.positive_if_any
START = T0 + 10 * DAY


def state_with(*missions: Mission) -> PathwayState:
    return PathwayState(
        pathway_id="pw-outcome",
        programme=ATP.name,
        programme_version=ATP.version,
        stage=Stage.IN_EMPLOYMENT,
        stage_since=T0,
        referred_at=T0,
        referrer="CCAS",
        session="2026-01",
        referent="staff-7f3a",
        missions=list(missions),
    )


def job(
    contract: ContractType,
    hours: float,
    *,
    starts: datetime = START,
    ends: datetime | None = None,
    ended: datetime | None = None,
    sector_hiring: bool = False,
    mission_id: str = "m1",
) -> Mission:
    return Mission(
        mission_id,
        "Adecco",
        "Employer",
        starts,
        contract,
        hours,
        ends_at=ends,
        ended_at=ended,
        sector_hiring=sector_hiring,
    )


def months(criterion: PositiveExitCriterion) -> int:
    assert criterion.min_months is not None
    return criterion.min_months


def test_the_atp_rule_is_the_one_of_the_description() -> None:
    assert FULL_TIME.min_months == 13
    assert not FULL_TIME.strictly_longer
    assert FULL_TIME.min_weekly_hours == 35
    assert set(FULL_TIME.contract_types) == {ContractType.PERMANENT, ContractType.FIXED_TERM}
    assert TWO_PART_TIME.min_count == 2
    assert TWO_PART_TIME.contract_types == [ContractType.PERMANENT]
    assert TWO_PART_TIME.max_weekly_hours is not None
    assert TWO_PART_TIME.max_weekly_hours < 35
    assert PROFESSIONALISATION.min_months == 12
    assert PROFESSIONALISATION.strictly_longer
    assert PROFESSIONALISATION.sector_hiring
    assert ATP.targets.positive_exit_rate == 0.6


# -- ATP: full-time job held at least 13 months -----------------------------------------


@pytest.mark.parametrize(
    ("end_offset", "positive"),
    [(-SECOND, False), (0 * SECOND, True), (DAY, True)],
    ids=["a-second-short", "exactly-13-months", "a-day-more"],
)
@pytest.mark.parametrize("contract", FULL_TIME.contract_types, ids=str)
def test_atp_full_time_held_long_enough(
    contract: ContractType, end_offset: timedelta, positive: bool
) -> None:
    horizon = add_months(START, months(FULL_TIME))
    ended = horizon + end_offset
    state = state_with(job(contract, 35, ended=ended))
    expected = (True, FULL_TIME.label.en) if positive else (False, "")
    assert classify_exit(state, ATP, ended + 30 * DAY) == expected


@pytest.mark.parametrize(
    ("hours", "positive"),
    [(FULL_TIME.min_weekly_hours, True), (48, True), (34.995, False), (20, False)],
    ids=["at-minimum", "48h", "just-under", "part-time"],
)
def test_atp_full_time_means_the_minimum_weekly_hours(hours: float, positive: bool) -> None:
    assert hours is not None
    ended = add_months(START, months(FULL_TIME))
    state = state_with(job(ContractType.PERMANENT, hours, ended=ended))
    assert classify_exit(state, ATP, ended)[0] is positive


@pytest.mark.parametrize(
    "contract", [ContractType.TEMP_MISSION, ContractType.PROFESSIONALISATION], ids=str
)
def test_atp_full_time_needs_a_job_contract(contract: ContractType) -> None:
    ended = add_months(START, 24)
    assert classify_exit(state_with(job(contract, 35, ended=ended)), ATP, ended) == (False, "")


def test_atp_length_counts_the_planned_end_then_time_held_so_far() -> None:
    horizon = add_months(START, months(FULL_TIME))
    planned = state_with(job(ContractType.FIXED_TERM, 35, ends=horizon))
    assert classify_exit(planned, ATP, START + 30 * DAY) == (True, FULL_TIME.label.en)
    planned_short = state_with(job(ContractType.FIXED_TERM, 35, ends=horizon - SECOND))
    assert classify_exit(planned_short, ATP, horizon + DAY) == (False, "")
    ongoing = state_with(job(ContractType.PERMANENT, 35))
    assert classify_exit(ongoing, ATP, horizon - SECOND) == (False, "")
    assert classify_exit(ongoing, ATP, horizon) == (True, FULL_TIME.label.en)
    ended_early = state_with(job(ContractType.FIXED_TERM, 35, ends=horizon, ended=horizon - DAY))
    assert classify_exit(ended_early, ATP, horizon + DAY) == (False, "")


def test_atp_a_job_starting_after_the_exit_does_not_count() -> None:
    later = state_with(job(ContractType.PERMANENT, 35, starts=START + 5 * DAY))
    assert classify_exit(later, ATP, START + 4 * DAY) == (False, "")


# -- ATP: two part-time permanent contracts ---------------------------------------------


def part_time(
    hours: float, mission_id: str, contract: ContractType = ContractType.PERMANENT
) -> Mission:
    return job(contract, hours, ended=START + 60 * DAY, mission_id=mission_id)


@pytest.mark.parametrize(
    ("missions", "positive"),
    [
        ([part_time(20, "m1")], False),
        ([part_time(20, "m1"), part_time(24, "m2")], True),
        ([part_time(20, "m1"), part_time(34.99, "m2")], True),
        ([part_time(20, "m1"), part_time(35, "m2")], False),
        ([part_time(20, "m1"), part_time(20, "m2", ContractType.FIXED_TERM)], False),
        ([part_time(10, "m1"), part_time(10, "m2"), part_time(10, "m3")], True),
    ],
    ids=[
        "one-contract",
        "two-contracts",
        "second-at-max-hours",
        "second-full-time",
        "second-fixed-term",
        "three-contracts",
    ],
)
def test_atp_two_part_time_permanent_contracts(missions: list[Mission], positive: bool) -> None:
    expected = (True, TWO_PART_TIME.label.en) if positive else (False, "")
    assert classify_exit(state_with(*missions), ATP, START + 90 * DAY) == expected


# -- ATP: professionalisation contract of over a year in a hiring sector ----------------


@pytest.mark.parametrize(
    ("end_offset", "sector_hiring", "positive"),
    [
        (0 * SECOND, True, False),
        (SECOND, True, True),
        (30 * DAY, True, True),
        (30 * DAY, False, False),
    ],
    ids=["exactly-a-year", "a-second-over", "a-month-over", "sector-not-hiring"],
)
def test_atp_professionalisation(
    end_offset: timedelta, sector_hiring: bool, positive: bool
) -> None:
    ends = add_months(START, months(PROFESSIONALISATION)) + end_offset
    mission = job(
        ContractType.PROFESSIONALISATION, 35, ends=ends, ended=ends, sector_hiring=sector_hiring
    )
    expected = (True, PROFESSIONALISATION.label.en) if positive else (False, "")
    assert classify_exit(state_with(mission), ATP, ends + DAY) == expected


def test_atp_first_matching_criterion_names_the_exit() -> None:
    ended = add_months(START, 24)
    both = state_with(
        job(ContractType.PERMANENT, 35, ended=ended, mission_id="m1"),
        job(ContractType.PERMANENT, 20, ended=ended, mission_id="m2"),
        job(ContractType.PERMANENT, 20, ended=ended, mission_id="m3"),
    )
    assert classify_exit(both, ATP, ended) == (True, FULL_TIME.label.en)


def test_atp_no_job_no_positive_exit() -> None:
    assert classify_exit(state_with(), ATP, START) == (False, "")


# -- Nouveau départ: access to temp work -------------------------------------------------


def test_the_nouveau_depart_rule_is_the_one_of_the_description() -> None:
    assert set(TEMP_WORK.contract_types) == set(ContractType)
    assert TEMP_WORK.min_months is None
    assert TEMP_WORK.min_count == 1
    assert TEMP_WORK.min_weekly_hours is None
    assert not TEMP_WORK.sector_hiring


@pytest.mark.parametrize("contract", list(ContractType), ids=str)
def test_nouveau_depart_any_employment_contract_is_positive(contract: ContractType) -> None:
    short = job(contract, 7, ends=START + DAY, ended=START + DAY)
    assert classify_exit(state_with(short), ND, START + DAY) == (True, TEMP_WORK.label.en)


def test_nouveau_depart_exit_at_the_mission_start_counts_but_not_before() -> None:
    mission = job(ContractType.TEMP_MISSION, 35)
    assert classify_exit(state_with(mission), ND, START) == (True, TEMP_WORK.label.en)
    assert classify_exit(state_with(mission), ND, START - SECOND) == (False, "")


def test_nouveau_depart_no_mission_no_positive_exit() -> None:
    assert classify_exit(state_with(), ND, START) == (False, "")


# -- through the pathway -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "positive"), [(-SECOND, False), (0 * SECOND, True)], ids=["short", "13-months"]
)
def test_an_atp_exit_records_the_classified_outcome(held: timedelta, positive: bool) -> None:
    pathway, now = drive_to(ATP, Stage.AWAITING_MISSION)
    hired = c.StartMission("", "Hypermarché", now, ContractType.PERMANENT, 35)
    pathway.execute(hired, meta(), now)
    exited = add_months(now, months(FULL_TIME)) + held
    event = pathway.execute(c.Exit(ExitReason.EMPLOYMENT, exited), meta(reason="hired"), exited)
    outcome = pathway.state.outcome
    assert outcome is not None
    assert (outcome.reason, outcome.positive, outcome.exited_at) == (
        ExitReason.EMPLOYMENT,
        positive,
        exited,
    )
    assert outcome.rule_label == (FULL_TIME.label.en if positive else "")
    assert event.details == {
        "reason": "employment",
        "positive": str(positive),
        "rule": outcome.rule_label,
    }


def test_a_nouveau_depart_exit_records_the_classified_outcome() -> None:
    pathway, now = drive_to(ND, Stage.AWAITING_MISSION)
    event = pathway.execute(c.Exit(ExitReason.OTHER, now), meta(reason="moved"), now)
    assert event.details == {"reason": "other", "positive": "False", "rule": ""}
    hired, now = drive_to(ND, Stage.IN_EMPLOYMENT)
    event = hired.execute(c.Exit(ExitReason.EMPLOYMENT, now + HOUR), meta(reason="ok"), now)
    assert hired.state.outcome is not None
    assert hired.state.outcome.positive
    assert event.details["rule"] == TEMP_WORK.label.en
