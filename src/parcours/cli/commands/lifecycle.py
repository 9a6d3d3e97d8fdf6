"""`parcours suspend|resume|dropout|reenter|exit`: pausing, losing, taking back, ending."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.options import JsonFlag, On, ReasonOpt, Ref, RequestOpt
from parcours.cli.runtime import current_session, guarded, parse_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import ExitReason

commands = typer.Typer()


@commands.command("suspend", help="help.suspend")
@guarded
def suspend(
    ref: Ref,
    reason: ReasonOpt = "",
    on: On = None,
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.Suspend(suspended_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)


@commands.command("resume", help="help.resume")
@guarded
def resume(
    ref: Ref,
    reason: ReasonOpt = "",
    on: On = None,
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.Resume(resumed_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)


@commands.command("dropout", help="help.dropout")
@guarded
def dropout(
    ref: Ref,
    reason: ReasonOpt = "",
    on: On = None,
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.DropOut(noticed_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)


@commands.command("reenter", help="help.reenter")
@guarded
def reenter(
    ref: Ref,
    session_name: Annotated[str, typer.Option("--session", help="help.opt.session")],
    reason: ReasonOpt = "",
    on: On = None,
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.ReEnter(
        session=session_name, reentered_at=parse_instant(on, current_session(), "--on")
    )
    act(ref, command, reason, request_id, as_json)


@commands.command("exit", help="help.exit")
@guarded
def exit_pathway(
    ref: Ref,
    exit_reason: Annotated[ExitReason, typer.Argument(help="help.arg.exit_reason")],
    reason: ReasonOpt = "",
    on: On = None,
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    command = c.Exit(reason=exit_reason, exited_at=parse_instant(on, current_session(), "--on"))
    act(ref, command, reason, request_id, as_json)
