"""Consent: the participant lets a kind of partner hear of them, for a while."""

from __future__ import annotations

from datetime import datetime

from parcours.domain.commands.base import Command, Context, Details, Subject, record
from parcours.domain.commands.editing import iso
from parcours.domain.errors import MoveRefused
from parcours.domain.records import Consent, PathwayState
from parcours.domain.vocabulary import PartnerKind, Trigger


class ConsentTrigger(Trigger):
    GIVE_CONSENT = "give_consent", "consent_given"
    WITHDRAW_CONSENT = "withdraw_consent", "consent_withdrawn"


class GiveConsent(Command, trigger=ConsentTrigger.GIVE_CONSENT, when="given_at"):
    partner_kind: PartnerKind
    given_at: datetime
    expires_at: datetime | None = None


class WithdrawConsent(Command, trigger=ConsentTrigger.WITHDRAW_CONSENT, when="withdrawn_at"):
    partner_kind: PartnerKind
    withdrawn_at: datetime


def _give(state: PathwayState, cmd: GiveConsent, ctx: Context) -> Details:
    state.consents = [x for x in state.consents if x.partner_kind != cmd.partner_kind]
    state.consents.append(Consent(cmd.partner_kind, cmd.given_at, expires_at=cmd.expires_at))
    return {"partner_kind": cmd.partner_kind.value, "expires_at": iso(cmd.expires_at)}


def _withdrawable(state: PathwayState, kind: PartnerKind) -> list[Consent]:
    return [c for c in state.consents if c.partner_kind == kind and c.withdrawn_at is None]


def _withdraw(state: PathwayState, cmd: WithdrawConsent, ctx: Context) -> Details:
    for consent in _withdrawable(state, cmd.partner_kind):
        consent.withdrawn_at = cmd.withdrawn_at
    return {"partner_kind": cmd.partner_kind.value}


def nothing_to_withdraw(state: PathwayState, command: Command) -> MoveRefused | None:
    """The refusal a withdrawal earns when the pathway holds no consent of that kind that is
    not withdrawn already: it would record a withdrawal that did not happen, and move the
    record's retention. Judged on new requests only (`domain.input_on_pathway`): one
    recorded before this rule replays as it was."""
    if not isinstance(command, WithdrawConsent) or _withdrawable(state, command.partner_kind):
        return None
    kind = command.partner_kind.value
    return MoveRefused.for_rule(
        "consent_not_given",
        f"no consent to {kind} is on record that is not withdrawn already: nothing to withdraw",
        partner_kind=kind,
    )


ANY_CONSENT = Subject(None, lambda s: any(c.withdrawn_at is None for c in s.consents))
"""Withdrawing is offered while a consent is not withdrawn (the kind is judged on the
request, by `nothing_to_withdraw`)."""

SPECS = (
    record(GiveConsent, _give),
    record(WithdrawConsent, _withdraw, reference=ANY_CONSENT),
)
