"""The pathway's own life: suspended and resumed, dropped out, re-entered, exited."""

from __future__ import annotations

from datetime import datetime

from parcours.domain.commands.base import Command, CommandSpec, Context, Details, Shape, move, spec
from parcours.domain.commands.editing import touch
from parcours.domain.commands.roles import NOBODY
from parcours.domain.outcome import criterion_label, exit_criterion
from parcours.domain.records import ExitOutcome, PathwayState
from parcours.domain.vocabulary import ExitReason, Trigger


class LifecycleTrigger(Trigger):
    SUSPEND = "suspend", "suspended"
    RESUME = "resume", "resumed"
    DROP_OUT = "drop_out", "dropped_out"
    REENTER = "reenter", "reentered"
    EXIT = "exit", "exited"
    CLOSE_PATHWAY = "close_pathway", "pathway_closed"
    ERASE_PERSON = "erase_person", "person_erased"
    EXTEND_RETENTION = "extend_retention", "retention_extended"
    ADOPT_RETENTION = "adopt_retention", "retention_adopted"
    REFER_AGAIN = "refer_again", "referred_again"


class LifecycleEvent:
    """The retention events by the names the retention modules read them under: derived
    from their triggers, not declared again (new code says `LifecycleTrigger.X.event`)."""

    PATHWAY_CLOSED = LifecycleTrigger.CLOSE_PATHWAY.event
    PERSON_ERASED = LifecycleTrigger.ERASE_PERSON.event
    RETENTION_EXTENDED = LifecycleTrigger.EXTEND_RETENTION.event
    RETENTION_ADOPTED = LifecycleTrigger.ADOPT_RETENTION.event
    REFERRED_AGAIN = LifecycleTrigger.REFER_AGAIN.event


class Suspend(Command, trigger=LifecycleTrigger.SUSPEND, when="suspended_at"):
    suspended_at: datetime


class Resume(Command, trigger=LifecycleTrigger.RESUME, when="resumed_at"):
    resumed_at: datetime


class DropOut(Command, trigger=LifecycleTrigger.DROP_OUT, when="noticed_at"):
    noticed_at: datetime


class ReEnter(Command, trigger=LifecycleTrigger.REENTER, when="reentered_at"):
    session: str
    reentered_at: datetime


class Exit(Command, trigger=LifecycleTrigger.EXIT, when="exited_at"):
    reason: ExitReason
    exited_at: datetime


def _suspend(state: PathwayState, cmd: Suspend, ctx: Context) -> Details:
    state.suspended_from = ctx.before
    return {"from": ctx.before.value}


def _resume(state: PathwayState, cmd: Resume, ctx: Context) -> Details:
    state.suspended_from = None
    touch(state, cmd.resumed_at)
    return {"to": state.stage.value}


def _drop_out(state: PathwayState, cmd: DropOut, ctx: Context) -> Details:
    """Dropping out closes what was under way, so no stale alert or rule outlives it."""
    state.suspended_from = None
    details = {"from": ctx.before.value}
    training = state.current_training()
    if training is not None:
        training.dropped_at = cmd.noticed_at
        details["training_id"] = training.training_id
    mission = state.current_mission()
    if mission is not None:
        mission.ended_at = cmd.noticed_at
        details["mission_id"] = mission.mission_id
    return details


def _reenter(state: PathwayState, cmd: ReEnter, ctx: Context) -> Details:
    state.sessions.append(state.session)
    state.session = cmd.session
    state.referred_at = cmd.reentered_at
    state.intake_completed_at = None
    return {"session": cmd.session}


def _exit(state: PathwayState, cmd: Exit, ctx: Context) -> Details:
    criterion = exit_criterion(state, ctx.programme, cmd.exited_at)
    positive, label = criterion is not None, criterion_label(ctx.programme, criterion, "en")
    state.outcome = ExitOutcome(cmd.reason, positive, label, cmd.exited_at, criterion=criterion)
    return {"reason": cmd.reason.value, "positive": str(positive), "rule": label}


SPECS = (
    move(Suspend, _suspend, reason_required=True),
    spec(Shape.RESUME, Resume, _resume),
    move(DropOut, _drop_out, reason_required=True),
    move(ReEnter, _reenter, reason_required=True),
    move(Exit, _exit, reason_required=True),
    CommandSpec(LifecycleTrigger.CLOSE_PATHWAY, Shape.AUTOMATIC, NOBODY),
    CommandSpec(LifecycleTrigger.ERASE_PERSON, Shape.AUTOMATIC, NOBODY),
    CommandSpec(LifecycleTrigger.EXTEND_RETENTION, Shape.AUTOMATIC, NOBODY),
    CommandSpec(LifecycleTrigger.ADOPT_RETENTION, Shape.AUTOMATIC, NOBODY),
    CommandSpec(LifecycleTrigger.REFER_AGAIN, Shape.AUTOMATIC, NOBODY),
)
"""`close_pathway` is the pathway's own: it closes for good at the end of its retention
period after exit (`retention.py`). `erase_person` arrives as an update of its own,
checked by `erasure.py` (coordinators only), not by the programme's machine; so does
`extend_retention` and `adopt_retention` (`anonymisation.py`), and `refer_again`, which an
exited pathway records when its person is referred again (`returning.py`)."""
