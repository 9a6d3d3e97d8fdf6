"""`parcours contract sign`, `coaching start`, `jobdating outcome`: into accompaniment."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.options import JsonFlag, On, ReasonOpt, Ref, RequestOpt
from parcours.cli.runtime import current_session, guarded, parse_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import JobDatingOutcome

commands = typer.Typer()
contract = typer.Typer(help="help.contract", no_args_is_help=True)
coaching = typer.Typer(help="help.coaching", no_args_is_help=True)
jobdating = typer.Typer(help="help.jobdating", no_args_is_help=True)
commands.add_typer(contract, name="contract")
commands.add_typer(coaching, name="coaching")
commands.add_typer(jobdating, name="jobdating")


@contract.command("sign", help="help.contract.sign")
@guarded
def contract_sign(
    ref: Ref,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.SignContract(signed_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)


@coaching.command("start", help="help.coaching.start")
@guarded
def coaching_start(
    ref: Ref,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.StartCoaching(started_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)


@jobdating.command("outcome", help="help.jobdating.outcome")
@guarded
def jobdating_outcome(
    ref: Ref,
    outcome: Annotated[JobDatingOutcome, typer.Argument(help="help.arg.outcome")],
    agency: Annotated[str, typer.Option(help="help.opt.agency")] = "",
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.RecordJobDating(
        held_at=parse_instant(on, current_session(), "--on"), outcome=outcome, agency=agency
    )
    act(ref, command, reason, request_id, as_json)
