"""`parcours contract sign`, `coaching start`, `jobdating outcome`: into accompaniment."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import staff_action
from parcours.cli.options import On
from parcours.cli.runtime import current_session, parse_instant
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
@staff_action()
def contract_sign(on: On = None) -> c.Command:
    return c.SignContract(signed_at=parse_instant(on, current_session(), "--on"))


@coaching.command("start", help="help.coaching.start")
@staff_action()
def coaching_start(on: On = None) -> c.Command:
    return c.StartCoaching(started_at=parse_instant(on, current_session(), "--on"))


@jobdating.command("outcome", help="help.jobdating.outcome")
@staff_action()
def jobdating_outcome(
    outcome: Annotated[JobDatingOutcome, typer.Argument(help="help.arg.outcome")],
    agency: Annotated[str, typer.Option(help="help.opt.agency")] = "",
    on: On = None,
) -> c.Command:
    held_at = parse_instant(on, current_session(), "--on")
    return c.RecordJobDating(held_at=held_at, outcome=outcome, agency=agency)
