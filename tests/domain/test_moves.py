"""Every move trigger from every stage of both programmes: allowed moves reach the
destination of the programme's table, forbidden ones are refused by the `stage` rule and
say what is allowed instead. Also the derived `resume` moves and the move-table sanity.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from parcours.domain.errors import MoveRefused
from parcours.domain.events import EVENT_OF_TRIGGER
from parcours.domain.machine import table_of
from parcours.domain.pathway import Pathway
from parcours.domain.programme import MOVE_TRIGGERS, RECORD_TRIGGERS, ProgrammeDefinition
from parcours.domain.vocabulary import Role, Stage
from tests.domain.helpers import (
    ATP,
    HOUR,
    ND,
    PROGRAMME_IDS,
    PROGRAMMES,
    canonical,
    drive_to,
    expected_allowed,
    move_table,
    path_to,
    request,
    suspendable,
)

CASES = [
    pytest.param(
        programme,
        stage,
        trigger,
        id=(
            f"{programme.name}-{stage.value}-{trigger}-"
            f"{'allowed' if (trigger, stage) in move_table(programme) else 'forbidden'}"
        ),
    )
    for programme in PROGRAMMES
    for stage in programme.stages
    for trigger in sorted(MOVE_TRIGGERS)
]


@pytest.mark.parametrize(("programme", "stage", "trigger"), CASES)
def test_move_from_stage(programme: ProgrammeDefinition, stage: Stage, trigger: str) -> None:
    pathway, now = drive_to(programme, stage)
    expected = move_table(programme).get((trigger, stage))
    command = canonical(trigger, pathway, now)
    assert command is not None
    listed = pathway.allowed_triggers(Role.STAFF)
    assert set(listed) == expected_allowed(programme, stage, pathway.state)
    last_seq = pathway.state.timeline[-1].seq
    since = pathway.state.stage_since

    if expected is not None:
        assert trigger in listed
        assert pathway.may(command, request(trigger))
        event = pathway.execute(command, request(trigger), now)
        assert pathway.state.stage is expected.dest
        assert pathway.stage is expected.dest
        # a move back into the same stage keeps the instant the stage was entered
        assert pathway.state.stage_since == (since if expected.dest is stage else now)
        assert event.kind == EVENT_OF_TRIGGER[trigger]
        assert event.seq == last_seq + 1
        assert event.stage is expected.dest
        return

    before = asdict(pathway.state)
    assert trigger not in listed
    assert not pathway.may(command, request(trigger))
    with pytest.raises(MoveRefused) as refused:
        pathway.execute(command, request(trigger), now)
    err = refused.value
    assert err.rule == "stage"
    assert err.message == (
        f"{trigger.replace('_', ' ')} is not allowed while the pathway is {stage.value}"
    )
    assert str(err) == err.message
    assert err.allowed == listed
    assert set(err.allowed) == expected_allowed(programme, stage, pathway.state)
    assert trigger not in err.allowed
    assert asdict(pathway.state) == before
    assert pathway.stage is stage


RESUME_CASES = [
    pytest.param(programme, stage, id=f"{programme.name}-{stage.value}")
    for programme in PROGRAMMES
    for stage in suspendable(programme)
]


@pytest.mark.parametrize(("programme", "stage"), RESUME_CASES)
def test_suspend_then_resume_returns_to_the_stage_left(
    programme: ProgrammeDefinition, stage: Stage
) -> None:
    pathway, now = drive_to(programme, stage)
    suspend = canonical("suspend", pathway, now)
    assert suspend is not None
    pathway.execute(suspend, request("suspend"), now)
    assert pathway.state.stage is Stage.SUSPENDED
    left = pathway.state.suspended_from  # a local: the attribute changes on resume
    assert left is stage
    assert "resume" in pathway.allowed_triggers(Role.STAFF)

    later = now + 3 * HOUR
    resume = canonical("resume", pathway, later)
    assert resume is not None
    event = pathway.execute(resume, request("resume"), later)
    assert event.kind == "resumed"
    assert event.details == {"to": stage.value}
    assert pathway.state.stage is stage
    assert pathway.state.suspended_from is None
    assert pathway.state.last_contact_at == later


NOT_SUSPENDED = [
    pytest.param(programme, stage, id=f"{programme.name}-{stage.value}")
    for programme in PROGRAMMES
    for stage in programme.stages
    if stage is not Stage.SUSPENDED
]


@pytest.mark.parametrize(("programme", "stage"), NOT_SUSPENDED)
def test_resume_is_refused_unless_suspended(programme: ProgrammeDefinition, stage: Stage) -> None:
    pathway, now = drive_to(programme, stage)
    resume = canonical("resume", pathway, now)
    assert resume is not None
    with pytest.raises(MoveRefused) as refused:
        pathway.execute(resume, request("resume"), now)
    assert refused.value.rule == "stage"
    assert refused.value.message == f"resume is not allowed while the pathway is {stage.value}"
    assert "resume" not in refused.value.allowed


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_resume_offers_only_the_stage_left(programme: ProgrammeDefinition) -> None:
    """The derived resume rows all start from `suspended`; only the one back to the stage
    that was left applies, so resuming never lands anywhere else."""
    resume_rows = [r for r in table_of(programme) if r.trigger == "resume"]
    assert {r.dest for r in resume_rows} == set(suspendable(programme))
    assert all(r.source is Stage.SUSPENDED for r in resume_rows)
    for stage in reversed(suspendable(programme)):
        pathway, now = drive_to(programme, stage)
        suspend = canonical("suspend", pathway, now)
        resume = canonical("resume", pathway, now + HOUR)
        assert suspend is not None
        assert resume is not None
        pathway.execute(suspend, request("suspend"), now)
        pathway.execute(resume, request("resume"), now + HOUR)
        assert pathway.state.stage is stage


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_every_stage_is_reachable_and_the_table_is_consistent(
    programme: ProgrammeDefinition,
) -> None:
    table = move_table(programme)
    for stage in programme.stages:  # path_to raises KeyError for an unreachable stage
        assert path_to(programme, stage) or stage is programme.initial_stage
    for (trigger, stage), expected in table.items():
        assert stage in programme.stages
        if trigger in MOVE_TRIGGERS:
            assert expected.dest in programme.stages
        else:
            assert trigger in RECORD_TRIGGERS
            assert expected.dest is None
    assert not [t for (t, s) in table if s is Stage.EXITED and t in MOVE_TRIGGERS]


def test_the_two_programmes_differ_where_the_descriptions_do() -> None:
    """ATP signs an engagement contract before coaching; Nouveau départ has none and
    coaches straight after barrier work; ATP may enrol from coaching, ND only after a
    job-dating oriented to training."""
    atp, nd = move_table(ATP), move_table(ND)
    assert atp[("sign_contract", Stage.BARRIER_WORK)].dest is Stage.CONTRACTED
    assert atp[("start_coaching", Stage.CONTRACTED)].dest is Stage.COACHING
    assert Stage.CONTRACTED not in ND.stages
    assert ("sign_contract", Stage.BARRIER_WORK) not in nd
    assert nd[("start_coaching", Stage.BARRIER_WORK)].guards == ("blocking_barriers_cleared",)
    assert ("enrol_training", Stage.COACHING) in atp
    assert ("enrol_training", Stage.COACHING) not in nd
    assert ("start_mission", Stage.COACHING) in atp
    assert ("start_mission", Stage.COACHING) not in nd


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_moves_are_recorded_in_the_timeline(programme: ProgrammeDefinition) -> None:
    pathway, _ = drive_to(programme, Stage.IN_EMPLOYMENT)
    kinds = [e.kind for e in pathway.state.timeline]
    assert kinds[0] == "referred"
    expected = [EVENT_OF_TRIGGER[t] for t in path_to(programme, Stage.IN_EMPLOYMENT)]
    assert kinds[-len(expected) :] == expected
    seqs = [e.seq for e in pathway.state.timeline]
    assert seqs == list(range(1, len(seqs) + 1))
    assert pathway.state.next_seq == len(seqs) + 1


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_a_pathway_rebuilt_from_its_state_continues_where_it_was(
    programme: ProgrammeDefinition,
) -> None:
    pathway, now = drive_to(programme, Stage.AWAITING_MISSION)
    rebuilt = Pathway(programme, pathway.state)
    assert rebuilt.stage is Stage.AWAITING_MISSION
    assert rebuilt.allowed_triggers() == pathway.allowed_triggers()
    start = canonical("start_mission", rebuilt, now)
    assert start is not None
    rebuilt.execute(start, request("start_mission"), now)
    assert rebuilt.state.stage is Stage.IN_EMPLOYMENT
