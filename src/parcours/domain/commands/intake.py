"""From referral to coaching: intake, referent, contacts, French, contract, coaching."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from parcours.domain.commands.base import (
    COORDINATORS,
    WITH_PARTNERS,
    Command,
    CommandSpec,
    Context,
    Details,
    Shape,
    iso,
    spec,
    touch,
)
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import EventKind, FrenchLevel, Trigger


@dataclass(frozen=True)
class Refer(Command):
    """Starts a pathway: no personal data here, it travels in the encrypted start input."""

    TRIGGER: ClassVar[Trigger] = Trigger.REFER
    referrer: str
    referred_at: datetime
    session: str
    referent: str


@dataclass(frozen=True)
class CompleteIntake(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.COMPLETE_INTAKE
    presented_at: datetime
    criteria_met: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssignReferent(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.ASSIGN_REFERENT
    referent: str


@dataclass(frozen=True)
class RecordContact(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.RECORD_CONTACT
    contacted_at: datetime


@dataclass(frozen=True)
class AssessFrench(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.ASSESS_FRENCH
    level: FrenchLevel


@dataclass(frozen=True)
class SignContract(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.SIGN_CONTRACT
    signed_at: datetime


@dataclass(frozen=True)
class StartCoaching(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.START_COACHING
    started_at: datetime


def _start_accompaniment(state: PathwayState, ctx: Context, on: str, at: datetime) -> None:
    """The programme's accompaniment clock starts at the event its file names."""
    accompaniment = ctx.programme.accompaniment
    if accompaniment is not None and accompaniment.starts_on == on:
        state.accompaniment_starts_at = at


def _refer(state: PathwayState, cmd: Refer, ctx: Context) -> Details:
    _start_accompaniment(state, ctx, "referral", cmd.referred_at)
    return {"referrer": cmd.referrer, "session": cmd.session}


def _intake(state: PathwayState, cmd: CompleteIntake, ctx: Context) -> Details:
    state.intake_completed_at = cmd.presented_at
    state.eligibility_criteria_met = list(cmd.criteria_met)
    touch(state, cmd.presented_at)
    _start_accompaniment(state, ctx, "intake_completed", cmd.presented_at)
    return {"presented_at": iso(cmd.presented_at)}


def _assign(state: PathwayState, cmd: AssignReferent, ctx: Context) -> Details:
    state.referent = cmd.referent
    return {"referent": cmd.referent}


def _contact(state: PathwayState, cmd: RecordContact, ctx: Context) -> Details:
    touch(state, cmd.contacted_at)
    return {"contacted_at": iso(cmd.contacted_at)}


def _french(state: PathwayState, cmd: AssessFrench, ctx: Context) -> Details:
    state.french_level = cmd.level
    return {"level": cmd.level.value}


def _contract(state: PathwayState, cmd: SignContract, ctx: Context) -> Details:
    state.contract_signed_at = cmd.signed_at
    touch(state, cmd.signed_at)
    _start_accompaniment(state, ctx, "contract_signed", cmd.signed_at)
    return {"signed_at": iso(cmd.signed_at)}


def _coaching(state: PathwayState, cmd: StartCoaching, ctx: Context) -> Details:
    touch(state, cmd.started_at)
    return {"started_at": iso(cmd.started_at)}


SPECS: tuple[CommandSpec, ...] = (
    spec(Refer, EventKind.REFERRED, Shape.START, _refer, roles=WITH_PARTNERS),
    spec(CompleteIntake, EventKind.INTAKE_COMPLETED, Shape.MOVE, _intake),
    spec(AssignReferent, EventKind.REFERENT_ASSIGNED, Shape.RECORD, _assign, roles=COORDINATORS),
    spec(RecordContact, EventKind.CONTACT_RECORDED, Shape.RECORD, _contact, roles=WITH_PARTNERS),
    spec(AssessFrench, EventKind.FRENCH_ASSESSED, Shape.RECORD, _french),
    spec(SignContract, EventKind.CONTRACT_SIGNED, Shape.MOVE, _contract),
    spec(StartCoaching, EventKind.COACHING_STARTED, Shape.MOVE, _coaching),
)
