"""`parcours intake complete`, `referent assign`, `contact`, `french assess`: the first steps.

Dates are typed in local time (`2026-11-25` or `2026-11-25T14:30`) and default to now.
"""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.options import JsonFlag, On, ReasonOpt, Ref, RequestOpt
from parcours.cli.runtime import current_session, guarded, parse_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import FrenchLevel

commands = typer.Typer()
intake = typer.Typer(help="help.intake", no_args_is_help=True)
referent = typer.Typer(help="help.referent", no_args_is_help=True)
french = typer.Typer(help="help.french", no_args_is_help=True)
commands.add_typer(intake, name="intake")
commands.add_typer(referent, name="referent")
commands.add_typer(french, name="french")


@intake.command("complete", help="help.intake.complete")
@guarded
def intake_complete(
    ref: Ref,
    criterion: Annotated[list[str] | None, typer.Option(help="help.opt.criterion")] = None,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.CompleteIntake(
        presented_at=parse_instant(on, current_session(), "--on"),
        criteria_met=tuple(criterion or ()),
    )
    act(ref, command, reason, request_id, as_json)


@referent.command("assign", help="help.referent.assign")
@guarded
def referent_assign(
    ref: Ref,
    staff_id: Annotated[str, typer.Argument(help="help.arg.staff_id")],
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.AssignReferent(referent=staff_id), reason, request_id, as_json)


@commands.command("contact", help="help.contact")
@guarded
def contact(
    ref: Ref,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.RecordContact(contacted_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)


@french.command("assess", help="help.french.assess")
@guarded
def french_assess(
    ref: Ref,
    level: Annotated[FrenchLevel, typer.Argument(help="help.arg.level")],
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.AssessFrench(level=level), reason, request_id, as_json)
