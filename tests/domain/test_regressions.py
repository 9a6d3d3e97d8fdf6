"""Regression tests for domain bugs found by the table-driven and stateful tests.

- dropping out left the current training and mission open, so a later training could
  never complete and a dropped-out participant on a mission could not exit;
- `Pathway.may` raised on an unknown reference or a role without the right;
- the missing-reason refusal said nothing was allowed.
"""

from __future__ import annotations

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import MoveRefused
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.vocabulary import ExitReason, JobDatingOutcome, Role, Stage
from tests.domain.helpers import DAY, HOUR, PROGRAMME_IDS, PROGRAMMES, REASON, criteria, drive_to
from tests.support import AUDITOR, meta


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_completing_a_training_after_reentry_completes_that_training(
    programme: ProgrammeDefinition,
) -> None:
    pathway, now = drive_to(programme, Stage.TRAINING)
    pathway.execute(c.DropOut(now), meta(reason=REASON), now)
    now += 30 * DAY
    pathway.execute(c.ReEnter("2027-03", now), meta(reason=REASON), now)
    pathway.execute(c.CompleteIntake(now, criteria(programme)), meta(), now + HOUR)
    if Stage.CONTRACTED in programme.stages:
        pathway.execute(c.SignContract(now), meta(), now + HOUR)
    pathway.execute(c.StartCoaching(now), meta(), now + HOUR)
    pathway.execute(c.RecordJobDating(now, JobDatingOutcome.TRAINING), meta(), now + HOUR)
    pathway.execute(
        c.EnrolTraining("Module 2", "GRETA", now + DAY, now + 40 * DAY), meta(), now + HOUR
    )
    assert [t.training_id for t in pathway.state.trainings] == ["t1", "t2"]
    event = pathway.execute(c.CompleteTraining(now + 40 * DAY), meta(), now + 40 * DAY)
    assert event.details == {"training_id": "t2"}
    assert pathway.state.current_training() is None


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_dropped_out_during_a_mission_can_exit_as_dropped_out(
    programme: ProgrammeDefinition,
) -> None:
    pathway, now = drive_to(programme, Stage.IN_EMPLOYMENT)
    pathway.execute(c.DropOut(now), meta(reason=REASON), now)
    assert "end_mission" not in pathway.allowed_triggers(Role.STAFF)
    exit_ = c.Exit(ExitReason.DROPPED_OUT, now + DAY)
    pathway.execute(exit_, meta(reason="never came back"), now + DAY)
    assert pathway.state.stage is Stage.EXITED


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_may_answers_false_for_an_unknown_reference(programme: ProgrammeDefinition) -> None:
    pathway, _ = drive_to(programme, Stage.BARRIER_WORK)
    assert pathway.may(c.WorkOnBarrier("b9"), meta()) is False


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_may_answers_false_for_a_role_that_may_not(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.BARRIER_WORK)
    assert pathway.may(c.RecordContact(now), meta(AUDITOR)) is False


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
def test_a_missing_reason_still_says_what_is_allowed(programme: ProgrammeDefinition) -> None:
    pathway, now = drive_to(programme, Stage.COACHING)
    with pytest.raises(MoveRefused) as refused:
        pathway.execute(c.Suspend(now), meta(reason=""), now)
    assert refused.value.rule == "reason_required"
    assert refused.value.allowed == pathway.allowed_triggers(Role.STAFF)
