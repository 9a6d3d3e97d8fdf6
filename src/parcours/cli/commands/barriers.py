"""`parcours barrier add|work|resolve|waive`: what stands between a person and work."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import act
from parcours.cli.options import JsonFlag, ReasonOpt, Ref, RequestOpt
from parcours.cli.runtime import guarded
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind

commands = typer.Typer()
barrier = typer.Typer(help="help.barrier", no_args_is_help=True)
commands.add_typer(barrier, name="barrier")

BarrierId = Annotated[str, typer.Argument(help="help.arg.barrier_id")]


@barrier.command("add", help="help.barrier.add")
@guarded
def barrier_add(
    ref: Ref,
    kind: Annotated[BarrierKind, typer.Argument(help="help.arg.barrier_kind")],
    aid: Annotated[bool, typer.Option("--aid", help="help.opt.aid")] = False,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.OpenBarrier(kind=kind, aid_requested=aid), reason, request_id, as_json)


@barrier.command("work", help="help.barrier.work")
@guarded
def barrier_work(
    ref: Ref,
    barrier_id: BarrierId,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.WorkOnBarrier(barrier_id=barrier_id), reason, request_id, as_json)


@barrier.command("resolve", help="help.barrier.resolve")
@guarded
def barrier_resolve(
    ref: Ref,
    barrier_id: BarrierId,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.ResolveBarrier(barrier_id=barrier_id), reason, request_id, as_json)


@barrier.command("waive", help="help.barrier.waive")
@guarded
def barrier_waive(
    ref: Ref,
    barrier_id: BarrierId,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    act(ref, c.WaiveBarrier(barrier_id=barrier_id), reason, request_id, as_json)
