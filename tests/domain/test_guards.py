"""Each named guard, through real pathways of both programmes: passing, and refusing with
its rule name, its sentence and the triggers still allowed, the state left untouched.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.calendar import add_months
from parcours.domain.errors import MoveRefused
from parcours.domain.guards import GUARDS, PASS, TYPING_VERDICTS, accompaniment_deadline
from parcours.domain.pathway import Pathway
from parcours.domain.programme import GUARD_NAMES, ProgrammeDefinition
from parcours.domain.vocabulary import (
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    Role,
    Stage,
)
from tests.domain.helpers import (
    ATP,
    DAY,
    HOUR,
    ND,
    PROGRAMME_IDS,
    PROGRAMMES,
    REASON,
    SECOND,
    criteria,
    drive_to,
    move_table,
    new_pathway,
    request,
)
from tests.support import T0, meta

EXIT_REASONS_BUT_DROPPED_OUT = [r for r in ExitReason if r is not ExitReason.DROPPED_OUT]


def refuse(pathway: Pathway, command: c.Command, rule: str, now: datetime) -> MoveRefused:
    """Assert `command` is refused by `rule`, changes nothing, and says what is allowed (a
    slip of the keyboard, such as an end before its start, lists nothing)."""
    req = meta(reason=REASON)
    before = asdict(pathway.state)
    assert not pathway.may(command, req)
    with pytest.raises(MoveRefused) as refused:
        pathway.execute(command, req, now)
    assert refused.value.rule == rule
    slip = refused.value.code in TYPING_VERDICTS
    assert refused.value.allowed == (() if slip else pathway.allowed_triggers(Role.STAFF))
    assert asdict(pathway.state) == before
    return refused.value


def accept(pathway: Pathway, command: c.Command, dest: Stage, now: datetime) -> None:
    req = meta(reason=REASON)
    assert pathway.may(command, req)
    pathway.execute(command, req, now)
    assert pathway.state.stage is dest


def guarded(programme: ProgrammeDefinition, guard: str) -> list[tuple[str, Stage, Stage]]:
    """(trigger, source, dest) of every row of the table guarded by `guard`."""
    return [
        (trigger, stage, expected.dest)
        for (trigger, stage), expected in move_table(programme).items()
        if guard in expected.guards and expected.dest is not None
    ]


def test_the_guard_registry_matches_the_names_programmes_may_use() -> None:
    assert set(GUARDS) == GUARD_NAMES
    used = {g for p in PROGRAMMES for m in p.moves for g in m.guards}
    assert used == GUARD_NAMES


@pytest.mark.parametrize(
    "name",
    sorted(
        {
            "eligibility_met",
            "training_dates_valid",
            "training_ends_before_deadline",
            "mission_dates_valid",
            "exit_reason_allowed",
        }
    ),
)
@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_guards_that_need_the_command_pass_without_one(
    programme: ProgrammeDefinition, name: str
) -> None:
    pathway, _ = drive_to(programme, Stage.IN_EMPLOYMENT)
    assert GUARDS[name](pathway.state, programme, None) == PASS


# -- eligibility_met -------------------------------------------------------------------


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_eligibility_met_refuses_each_missing_criterion(programme: ProgrammeDefinition) -> None:
    keys = criteria(programme)
    assert keys
    assert guarded(programme, "eligibility_met") == [
        ("complete_intake", Stage.REFERRED, Stage.BARRIER_WORK)
    ]
    for missing in keys:
        pathway = new_pathway(programme)
        met = tuple(k for k in keys if k != missing)
        err = refuse(pathway, c.CompleteIntake(T0, met), "eligibility_met", T0)
        assert err.message == f"eligibility criteria not met: {missing}"
        assert "complete_intake" in err.allowed  # the trigger itself may fire with criteria


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_eligibility_met_names_every_missing_criterion(programme: ProgrammeDefinition) -> None:
    err = refuse(new_pathway(programme), c.CompleteIntake(T0, ()), "eligibility_met", T0)
    assert err.message == f"eligibility criteria not met: {', '.join(criteria(programme))}"


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_eligibility_met_passes_with_every_criterion(programme: ProgrammeDefinition) -> None:
    pathway = new_pathway(programme)
    every = criteria(programme)
    accept(pathway, c.CompleteIntake(T0 + HOUR, every), Stage.BARRIER_WORK, T0 + HOUR)
    assert pathway.state.eligibility_criteria_met == list(every)
    assert pathway.state.intake_completed_at == T0 + HOUR


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
@pytest.mark.parametrize("with_the_others", [True, False], ids=["with-all", "alone"])
def test_an_unknown_criterion_is_refused_naming_it_and_the_programmes_criteria(
    programme: ProgrammeDefinition, with_the_others: bool
) -> None:
    """Before: alone it read "criteria not met", beside the real ones it was recorded."""
    keys = criteria(programme)
    typed = (*keys, "nonsense") if with_the_others else ("nonsense",)
    pathway = new_pathway(programme)
    before = asdict(pathway.state)
    with pytest.raises(MoveRefused) as refused:  # by the validators: `check`, not replay
        pathway.check(c.CompleteIntake(T0, typed), meta(reason=REASON))
    err = refused.value
    assert err.rule == "criterion_unknown"
    assert err.allowed == ()  # the criteria it names are what to type instead
    assert asdict(pathway.state) == before
    assert err.message == (
        f"unknown eligibility criterion: nonsense; this programme's criteria are {', '.join(keys)}"
    )
    assert err.values == {"unknown": "nonsense", "criteria": ", ".join(keys)}


# -- blocking_barriers_cleared ---------------------------------------------------------


def barrier_gate(programme: ProgrammeDefinition) -> tuple[str, Stage, Stage]:
    rows = guarded(programme, "blocking_barriers_cleared")
    assert len(rows) == 1
    return rows[0]


def gate_command(trigger: str, now: datetime) -> c.Command:
    return c.SignContract(now) if trigger == "sign_contract" else c.StartCoaching(now)


def test_atp_blocks_the_contract_on_housing_health_and_childcare() -> None:
    assert barrier_gate(ATP) == ("sign_contract", Stage.BARRIER_WORK, Stage.CONTRACTED)
    assert set(ATP.blocking_barriers) == {
        BarrierKind.HOUSING,
        BarrierKind.HEALTH,
        BarrierKind.CHILDCARE,
    }


@pytest.mark.parametrize("kind", list(BarrierKind), ids=str)
@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_blocking_barriers_cleared_by_kind(
    programme: ProgrammeDefinition, kind: BarrierKind
) -> None:
    trigger, source, dest = barrier_gate(programme)
    pathway, now = drive_to(programme, source)
    pathway.execute(c.OpenBarrier(kind), meta(), now)
    pathway.execute(c.WorkOnBarrier("b1"), meta(), now)
    if kind in programme.blocking_barriers:
        assert trigger not in pathway.allowed_triggers(Role.STAFF)
        err = refuse(pathway, gate_command(trigger, now), "blocking_barriers_cleared", now)
        assert err.message == (
            "blocking barriers must be resolved or waived with a reason first: b1"
        )
    else:
        assert trigger in pathway.allowed_triggers(Role.STAFF)
        accept(pathway, gate_command(trigger, now), dest, now)


@pytest.mark.parametrize("close", ["resolve_barrier", "waive_barrier"])
def test_blocking_barriers_cleared_once_resolved_or_waived(close: str) -> None:
    trigger, source, dest = barrier_gate(ATP)
    pathway, now = drive_to(ATP, source)
    pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), meta(), now)
    pathway.execute(c.OpenBarrier(BarrierKind.CHILDCARE), meta(), now)
    err = refuse(pathway, gate_command(trigger, now), "blocking_barriers_cleared", now)
    assert err.message.endswith(": b1, b2")
    pathway.execute(c.ResolveBarrier("b1"), meta(), now)
    err = refuse(pathway, gate_command(trigger, now), "blocking_barriers_cleared", now)
    assert err.message.endswith(": b2")
    command = c.ResolveBarrier("b2") if close == "resolve_barrier" else c.WaiveBarrier("b2")
    pathway.execute(command, request(close), now)
    if close == "waive_barrier":
        assert pathway.state.barriers[1].waiver_reason == REASON
    accept(pathway, gate_command(trigger, now + HOUR), dest, now + HOUR)


def test_blocking_barriers_guard_follows_the_programme_data() -> None:
    """Nouveau départ blocks nothing; the same guard blocks once a version lists a kind."""
    assert ND.blocking_barriers == []
    stricter = ND.model_copy(update={"blocking_barriers": [BarrierKind.LANGUAGE]})
    trigger, source, _ = barrier_gate(stricter)
    pathway, now = drive_to(stricter, source)
    pathway.execute(c.OpenBarrier(BarrierKind.LANGUAGE), meta(), now)
    refuse(pathway, gate_command(trigger, now), "blocking_barriers_cleared", now)


# -- training_prerequisites_met ---------------------------------------------------------


def enrol(now: datetime, days: int = 60) -> c.EnrolTraining:
    return c.EnrolTraining("Employé libre-service", "Muse", now + DAY, now + days * DAY)


@pytest.mark.parametrize(
    "level", [None, *FrenchLevel], ids=lambda v: "unassessed" if v is None else str(v)
)
def test_nouveau_depart_training_needs_french_a1(level: FrenchLevel | None) -> None:
    required = ND.training_prerequisites.french_level
    assert required is FrenchLevel.A1
    pathway, now = drive_to(ND, Stage.AWAITING_TRAINING, french=level)
    if level is not None and level.rank >= required.rank:
        assert "enrol_training" in pathway.allowed_triggers(Role.STAFF)
        accept(pathway, enrol(now), Stage.TRAINING, now)
        return
    assert "enrol_training" not in pathway.allowed_triggers(Role.STAFF)
    err = refuse(pathway, enrol(now), "training_prerequisites_met", now)
    assessed = "none" if level is None else level.value
    assert err.message == (
        f"this training requires French level A1 (assessed: {assessed}); record an assessment first"
    )


def test_atp_training_has_no_french_prerequisite() -> None:
    assert ATP.training_prerequisites.french_level is None
    pathway, now = drive_to(ATP, Stage.AWAITING_TRAINING, french=None)
    assert pathway.state.french_level is None
    accept(pathway, enrol(now), Stage.TRAINING, now)


def test_a_later_assessment_lifts_the_prerequisite() -> None:
    pathway, now = drive_to(ND, Stage.AWAITING_TRAINING, french=FrenchLevel.NONE)
    refuse(pathway, enrol(now), "training_prerequisites_met", now)
    pathway.execute(c.AssessFrench(FrenchLevel.A1), meta(), now)
    accept(pathway, enrol(now), Stage.TRAINING, now)


# -- training_dates_valid --------------------------------------------------------------


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
@pytest.mark.parametrize(
    ("length", "ok"),
    [(-DAY, False), (0 * SECOND, False), (SECOND, True), (30 * DAY, True)],
    ids=["ends-before-start", "ends-at-start", "one-second", "thirty-days"],
)
def test_training_dates_valid(programme: ProgrammeDefinition, length: timedelta, ok: bool) -> None:
    pathway, now = drive_to(programme, Stage.AWAITING_TRAINING)
    starts = now + DAY
    command = c.EnrolTraining("Module", "GRETA", starts, starts + length)
    if ok:
        accept(pathway, command, Stage.TRAINING, now)
        assert pathway.state.trainings[-1].ends_at == starts + length
    else:
        err = refuse(pathway, command, "training_dates_valid", now)
        assert err.message == "a training must end after it starts"
        assert err.allowed == ()  # a slip of the keyboard: no other action mends it


def test_a_mission_typed_wrong_lists_no_actions_but_a_stage_refusal_does() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    backwards = c.StartMission("Adecco", "Leroy", now, ContractType.TEMP_MISSION, 35, now - DAY)
    with pytest.raises(MoveRefused) as slip:
        pathway.check(backwards, meta())
    assert (slip.value.code, slip.value.allowed) == ("mission_dates_order", ())
    with pytest.raises(MoveRefused) as stage:
        pathway.check(c.EndMission(now), meta())
    assert stage.value.allowed  # a step of the pathway: what may be done instead


def test_guards_are_judged_in_table_order() -> None:
    """Bad dates and missing French: the first guard of the row names the refusal."""
    assert move_table(ND)[("enrol_training", Stage.AWAITING_TRAINING)].guards[:2] == (
        "training_dates_valid",
        "training_prerequisites_met",
    )
    pathway, now = drive_to(ND, Stage.AWAITING_TRAINING, french=None)
    refuse(pathway, c.EnrolTraining("M", "Muse", now, now), "training_dates_valid", now)


# -- training_ends_before_deadline -----------------------------------------------------


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
@pytest.mark.parametrize(
    ("offset", "ok"),
    [(-DAY, True), (0 * SECOND, True), (SECOND, False), (DAY, False)],
    ids=["day-before", "at-deadline", "second-after", "day-after"],
)
def test_training_ends_before_deadline(
    programme: ProgrammeDefinition, offset: timedelta, ok: bool
) -> None:
    accompaniment = programme.accompaniment
    assert accompaniment is not None
    pathway, now = drive_to(programme, Stage.AWAITING_TRAINING)
    start = pathway.state.accompaniment_starts_at
    assert start is not None
    deadline = add_months(start, accompaniment.months)
    assert accompaniment_deadline(pathway.state, programme) == deadline
    command = c.EnrolTraining("Module", "GRETA", deadline - 90 * DAY, deadline + offset)
    if ok:
        accept(pathway, command, Stage.TRAINING, now)
        return
    err = refuse(pathway, command, "training_ends_before_deadline", now)
    assert err.message == (
        f"a training must end before the accompaniment deadline "
        f"({deadline.date().isoformat()}); choose a shorter module"
    )


def test_the_accompaniment_deadline_is_in_calendar_months() -> None:
    assert add_months(T0, 24) == T0.replace(year=T0.year + 2)
    jan31 = T0.replace(month=1, day=31)
    assert add_months(jan31, 1) == jan31.replace(month=2, day=28)
    assert add_months(jan31.replace(year=2028), 1) == jan31.replace(year=2028, month=2, day=29)
    assert add_months(jan31, 11) == jan31.replace(month=12, day=31)
    assert add_months(jan31, 13) == jan31.replace(year=2027, month=2, day=28)


def test_no_deadline_no_limit() -> None:
    """A programme version without accompaniment puts no end on trainings."""
    free = ND.model_copy(update={"accompaniment": None})
    pathway, now = drive_to(free, Stage.AWAITING_TRAINING)
    assert accompaniment_deadline(pathway.state, free) is None
    accept(pathway, c.EnrolTraining("M", "Muse", now, now + 4000 * DAY), Stage.TRAINING, now)


# -- mission_dates_valid ---------------------------------------------------------------


def mission(now: datetime, hours: float, length: timedelta | None) -> c.StartMission:
    ends = None if length is None else now + length
    return c.StartMission("Adecco", "Entrepôt", now, ContractType.TEMP_MISSION, hours, ends)


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
@pytest.mark.parametrize(
    ("hours", "length", "why"),
    [
        (35, 30 * DAY, ""),
        (35, None, ""),
        (35, SECOND, ""),
        (35, 0 * SECOND, "a mission must end after it starts"),
        (35, -DAY, "a mission must end after it starts"),
        (48, 30 * DAY, ""),
        (0.5, 30 * DAY, ""),
        (48.01, 30 * DAY, "weekly hours must be more than 0 and at most 48"),
        (0, 30 * DAY, "weekly hours must be more than 0 and at most 48"),
        (-5, None, "weekly hours must be more than 0 and at most 48"),
    ],
    ids=[
        "month",
        "open-ended",
        "one-second",
        "ends-at-start",
        "ends-before-start",
        "48-hours",
        "half-hour",
        "over-48-hours",
        "zero-hours",
        "negative-hours",
    ],
)
def test_mission_dates_valid(
    programme: ProgrammeDefinition, hours: float, length: timedelta | None, why: str
) -> None:
    pathway, now = drive_to(programme, Stage.AWAITING_MISSION)
    command = mission(now, hours, length)
    if not why:
        accept(pathway, command, Stage.IN_EMPLOYMENT, now)
        assert pathway.state.current_mission() is not None
        return
    err = refuse(pathway, command, "mission_dates_valid", now)
    assert err.message == why
    assert err.allowed == ()  # retyped, not another action: nothing to list


# -- exit_reason_allowed ---------------------------------------------------------------


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_exit_as_dropped_out_is_refused_while_on_a_mission(
    programme: ProgrammeDefinition,
) -> None:
    pathway, now = drive_to(programme, Stage.IN_EMPLOYMENT)
    assert "exit" in pathway.allowed_triggers(Role.STAFF)
    err = refuse(pathway, c.Exit(ExitReason.DROPPED_OUT, now), "exit_reason_allowed", now)
    assert err.message == "a person on a mission cannot exit as dropped out; end it first"
    pathway.execute(c.EndMission(now), meta(), now)
    accept(pathway, c.Exit(ExitReason.DROPPED_OUT, now + HOUR), Stage.EXITED, now + HOUR)
    assert pathway.state.outcome is not None
    assert pathway.state.outcome.reason is ExitReason.DROPPED_OUT


@pytest.mark.parametrize("reason", EXIT_REASONS_BUT_DROPPED_OUT, ids=str)
@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_other_exit_reasons_are_allowed_on_a_mission(
    programme: ProgrammeDefinition, reason: ExitReason
) -> None:
    pathway, now = drive_to(programme, Stage.IN_EMPLOYMENT)
    accept(pathway, c.Exit(reason, now), Stage.EXITED, now)


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_exit_as_dropped_out_without_a_mission(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.COACHING)
    assert pathway.state.current_mission() is None
    accept(pathway, c.Exit(ExitReason.DROPPED_OUT, now), Stage.EXITED, now)
    assert pathway.state.outcome is not None
    assert not pathway.state.outcome.positive


def test_a_guard_refusal_lists_what_is_allowed_now() -> None:
    pathway, now = drive_to(ATP, Stage.BARRIER_WORK)
    pathway.execute(c.OpenBarrier(BarrierKind.HEALTH), meta(), now)
    err = refuse(pathway, c.SignContract(now), "blocking_barriers_cleared", now)
    assert "sign_contract" not in err.allowed
    assert {"resolve_barrier", "waive_barrier", "suspend", "drop_out", "exit"} <= set(err.allowed)
    partner_view = pathway.allowed_triggers(Role.PARTNER)
    assert set(partner_view) == {"record_contact"}
