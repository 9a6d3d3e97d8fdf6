"""From referral to coaching: intake, referent, contacts, French, contract, coaching."""

from __future__ import annotations

from datetime import datetime, tzinfo

from parcours.domain.commands.base import Command, Context, Details, Shape, move, record, spec
from parcours.domain.commands.editing import iso, touch
from parcours.domain.commands.roles import COORDINATORS, WITH_PARTNERS
from parcours.domain.errors import MoveRefused
from parcours.domain.records import PATHWAY_ID, PathwayState
from parcours.domain.vocabulary import FrenchLevel, Trigger


class IntakeTrigger(Trigger):
    REFER = "refer", "referred"
    COMPLETE_INTAKE = "complete_intake", "intake_completed"
    ASSIGN_REFERENT = "assign_referent", "referent_assigned"
    RECORD_CONTACT = "record_contact", "contact_recorded"
    ASSESS_FRENCH = "assess_french", "french_assessed"
    SIGN_CONTRACT = "sign_contract", "contract_signed"
    START_COACHING = "start_coaching", "coaching_started"


class Refer(Command, trigger=IntakeTrigger.REFER, when="referred_at"):
    """Starts a pathway: no personal data here, it travels in the encrypted start input."""

    referrer: str
    referred_at: datetime
    session: str
    referent: str
    earlier_pathway_id: str = ""
    """The same person's exited pathway this one follows (`refer --returning`), if any: an
    auditor starting from the new pathway finds the earlier one."""


def referral(
    referrer: str,
    referred_at: datetime,
    actor_id: str,
    *,
    zone: tzinfo,
    session: str | None = None,
    referent: str | None = None,
) -> Refer:
    """A referral with the programme's defaults: the intake session is the month of the
    referral where staff work (`zone`: a referral on 1 November at 00:30 in Paris is in
    `2026-11`, although it is still October in UTC), and the referent is whoever refers
    until someone else is assigned."""
    return Refer(
        referrer=referrer,
        referred_at=referred_at,
        session=session or month_where(referred_at, zone),
        referent=referent or actor_id,
    )


def month_where(instant: datetime, zone: tzinfo) -> str:
    """The month of `instant` on the calendar of `zone`, `YYYY-MM`: a default session."""
    return instant.astimezone(zone).strftime("%Y-%m")


class CompleteIntake(Command, trigger=IntakeTrigger.COMPLETE_INTAKE, when="presented_at"):
    presented_at: datetime
    criteria_met: tuple[str, ...] = ()


class AssignReferent(Command, trigger=IntakeTrigger.ASSIGN_REFERENT):
    referent: str


class RecordContact(Command, trigger=IntakeTrigger.RECORD_CONTACT, when="contacted_at"):
    contacted_at: datetime


class AssessFrench(Command, trigger=IntakeTrigger.ASSESS_FRENCH):
    level: FrenchLevel


class SignContract(Command, trigger=IntakeTrigger.SIGN_CONTRACT, when="signed_at"):
    signed_at: datetime


class StartCoaching(Command, trigger=IntakeTrigger.START_COACHING, when="started_at"):
    started_at: datetime


def _start_accompaniment(state: PathwayState, ctx: Context, on: str, at: datetime) -> None:
    """The programme's accompaniment clock starts at the event its file names."""
    accompaniment = ctx.programme.accompaniment
    if accompaniment is not None and accompaniment.starts_on == on:
        state.accompaniment_starts_at = at


def _refer(state: PathwayState, cmd: Refer, ctx: Context) -> Details:
    if cmd.earlier_pathway_id and not PATHWAY_ID.fullmatch(cmd.earlier_pathway_id):
        raise MoveRefused.for_rule(  # it outlives an erasure: no text may hide in it
            "referral_earlier",
            "the earlier pathway a referral names must be a pathway's id "
            "(pathway- and 16 hexadecimal digits), never a text",
        )
    _start_accompaniment(state, ctx, "referral", cmd.referred_at)
    state.earlier_pathway_id = cmd.earlier_pathway_id
    earlier = {"earlier_pathway_id": cmd.earlier_pathway_id} if cmd.earlier_pathway_id else {}
    return {"referrer": cmd.referrer, "session": cmd.session, **earlier}


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


SPECS = (
    spec(Shape.START, Refer, _refer, roles=WITH_PARTNERS),
    move(CompleteIntake, _intake),
    record(AssignReferent, _assign, roles=COORDINATORS),
    record(RecordContact, _contact, roles=WITH_PARTNERS),
    record(AssessFrench, _french),
    move(SignContract, _contract),
    move(StartCoaching, _coaching),
)
