"""Consent: the participant lets a kind of partner hear of them, for a while."""

from __future__ import annotations

from datetime import datetime

from parcours.domain.commands.base import Command, Context, Details, record
from parcours.domain.commands.editing import iso
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


def _withdraw(state: PathwayState, cmd: WithdrawConsent, ctx: Context) -> Details:
    for consent in state.consents:
        if consent.partner_kind == cmd.partner_kind and consent.withdrawn_at is None:
            consent.withdrawn_at = cmd.withdrawn_at
    return {"partner_kind": cmd.partner_kind.value}


SPECS = (
    record(GiveConsent, _give),
    record(WithdrawConsent, _withdraw),
)
