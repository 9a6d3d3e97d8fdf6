"""`parcours barrier add|work|resolve|waive`: what stands between a person and work."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import staff_action
from parcours.cli.options import flag, subgroup
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind

commands = typer.Typer()
barrier = subgroup(commands, "barrier")

BarrierId = Annotated[str, typer.Argument(help="help.arg.barrier_id")]


@staff_action(barrier, "add")
def barrier_add(
    kind: Annotated[BarrierKind, typer.Argument(help="help.arg.barrier_kind")],
    aid: Annotated[bool, flag("--aid")] = False,
) -> c.Command:
    return c.OpenBarrier(kind=kind, aid_requested=aid)


@staff_action(barrier, "work")
def barrier_work(barrier_id: BarrierId) -> c.Command:
    return c.WorkOnBarrier(barrier_id=barrier_id)


@staff_action(barrier, "resolve")
def barrier_resolve(barrier_id: BarrierId) -> c.Command:
    return c.ResolveBarrier(barrier_id=barrier_id)


@staff_action(barrier, "waive")
def barrier_waive(barrier_id: BarrierId) -> c.Command:
    return c.WaiveBarrier(barrier_id=barrier_id)
