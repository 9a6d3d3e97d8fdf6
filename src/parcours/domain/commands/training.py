"""Trainings: a participant enrols, then completes or drops the module."""

from __future__ import annotations

from datetime import datetime

from parcours.domain.commands.base import Command, Context, Details, move
from parcours.domain.commands.editing import add_record, iso, touch
from parcours.domain.records import PathwayState, Training
from parcours.domain.vocabulary import Trigger


class TrainingTrigger(Trigger):
    ENROL_TRAINING = "enrol_training", "training_enrolled"
    COMPLETE_TRAINING = "complete_training", "training_completed"
    DROP_TRAINING = "drop_training", "training_dropped"


class EnrolTraining(Command, trigger=TrainingTrigger.ENROL_TRAINING):
    title: str
    provider: str
    starts_at: datetime
    ends_at: datetime
    paid: bool = False
    diploma_module: bool = False


class CompleteTraining(Command, trigger=TrainingTrigger.COMPLETE_TRAINING, when="completed_at"):
    completed_at: datetime


class DropTraining(Command, trigger=TrainingTrigger.DROP_TRAINING, when="dropped_at"):
    dropped_at: datetime


def _enrol(state: PathwayState, cmd: EnrolTraining, ctx: Context) -> Details:
    training_id = add_record(state.trainings, "t", Training, cmd)
    touch(state, ctx.now)
    return {
        "training_id": training_id,
        "provider": cmd.provider,
        "starts_at": iso(cmd.starts_at),
        "ends_at": iso(cmd.ends_at),
    }


def _finish(state: PathwayState, cmd: CompleteTraining | DropTraining, ctx: Context) -> Details:
    training = state.current_training()
    assert training is not None  # the machine only allows this from the training stage
    if isinstance(cmd, CompleteTraining):
        training.completed_at = cmd.completed_at
    else:
        training.dropped_at = cmd.dropped_at
    return {"training_id": training.training_id}


SPECS = (
    move(EnrolTraining, _enrol, creates="training_id"),
    move(CompleteTraining, _finish),
    move(DropTraining, _finish),
)
