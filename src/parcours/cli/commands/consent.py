"""`parcours consent give|withdraw`: what the person lets each kind of partner be told."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import staff_action
from parcours.cli.options import On, group_module, named_choice
from parcours.cli.runtime import typed_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind

commands, consent = group_module("consent")

Partner = Annotated[
    PartnerKind, named_choice(PartnerKind, "partner_kind", "help.arg.partner_kind", "PARTNER_KIND")
]


@staff_action(consent, "give")
def consent_give(
    partner: Partner,
    expires: Annotated[str | None, typer.Option(help="help.opt.expires")] = None,
    on: On = None,
) -> c.Command:
    return c.GiveConsent(
        partner_kind=partner,
        given_at=typed_instant(on),
        expires_at=typed_instant(expires, "--expires") if expires else None,
    )


@staff_action(consent, "withdraw")
def consent_withdraw(partner: Partner, on: On = None) -> c.Command:
    withdrawn_at = typed_instant(on)
    return c.WithdrawConsent(partner_kind=partner, withdrawn_at=withdrawn_at)
