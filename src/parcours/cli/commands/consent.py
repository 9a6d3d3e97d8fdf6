"""`parcours consent give|withdraw`: what the person lets each kind of partner be told."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.options import JsonFlag, On, ReasonOpt, Ref, RequestOpt
from parcours.cli.runtime import current_session, guarded, parse_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind

commands = typer.Typer()
consent = typer.Typer(help="help.consent", no_args_is_help=True)
commands.add_typer(consent, name="consent")

Partner = Annotated[PartnerKind, typer.Argument(help="help.arg.partner_kind")]


@consent.command("give", help="help.consent.give")
@guarded
def consent_give(
    ref: Ref,
    partner: Partner,
    expires: Annotated[str | None, typer.Option(help="help.opt.expires")] = None,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    session = current_session()
    command = c.GiveConsent(
        partner_kind=partner,
        given_at=parse_instant(on, session, "--on"),
        expires_at=parse_instant(expires, session, "--expires") if expires else None,
    )
    act(ref, command, reason, request_id, as_json)


@consent.command("withdraw", help="help.consent.withdraw")
@guarded
def consent_withdraw(
    ref: Ref,
    partner: Partner,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.WithdrawConsent(
        partner_kind=partner, withdrawn_at=parse_instant(on, current_session(), "--on")
    )
    act(ref, command, reason, request_id, as_json)
