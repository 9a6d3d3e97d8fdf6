"""`parcours consent give|withdraw`: what the person lets each kind of partner be told."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import staff_action
from parcours.cli.options import On
from parcours.cli.runtime import current_session, parse_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind

commands = typer.Typer()
consent = typer.Typer(help="help.consent", no_args_is_help=True)
commands.add_typer(consent, name="consent")

Partner = Annotated[PartnerKind, typer.Argument(help="help.arg.partner_kind")]


@consent.command("give", help="help.consent.give")
@staff_action()
def consent_give(
    partner: Partner,
    expires: Annotated[str | None, typer.Option(help="help.opt.expires")] = None,
    on: On = None,
) -> c.Command:
    session = current_session()
    return c.GiveConsent(
        partner_kind=partner,
        given_at=parse_instant(on, session, "--on"),
        expires_at=parse_instant(expires, session, "--expires") if expires else None,
    )


@consent.command("withdraw", help="help.consent.withdraw")
@staff_action()
def consent_withdraw(partner: Partner, on: On = None) -> c.Command:
    withdrawn_at = parse_instant(on, current_session(), "--on")
    return c.WithdrawConsent(partner_kind=partner, withdrawn_at=withdrawn_at)
