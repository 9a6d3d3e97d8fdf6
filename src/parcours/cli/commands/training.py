"""`parcours training enrol|complete|drop`: training courses during accompaniment."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.options import JsonFlag, On, ReasonOpt, Ref, RequestOpt
from parcours.cli.runtime import current_session, guarded, parse_instant
from parcours.domain import commands as c

commands = typer.Typer()
training = typer.Typer(help="help.training", no_args_is_help=True)
commands.add_typer(training, name="training")


@training.command("enrol", help="help.training.enrol")
@guarded
def training_enrol(
    ref: Ref,
    title: Annotated[str, typer.Option(help="help.opt.title")],
    provider: Annotated[str, typer.Option(help="help.opt.provider")],
    start: Annotated[str, typer.Option(help="help.opt.start")],
    end: Annotated[str, typer.Option(help="help.opt.end")],
    paid: Annotated[bool, typer.Option("--paid", help="help.opt.paid")] = False,
    diploma_module: Annotated[
        bool, typer.Option("--diploma-module", help="help.opt.diploma_module")
    ] = False,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    session = current_session()
    command = c.EnrolTraining(
        title=title,
        provider=provider,
        starts_at=parse_instant(start, session, "--start"),
        ends_at=parse_instant(end, session, "--end"),
        paid=paid,
        diploma_module=diploma_module,
    )
    act(ref, command, reason, request_id, as_json)


@training.command("complete", help="help.training.complete")
@guarded
def training_complete(
    ref: Ref,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.CompleteTraining(completed_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)


@training.command("drop", help="help.training.drop")
@guarded
def training_drop(
    ref: Ref,
    on: On = None,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.DropTraining(dropped_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)
