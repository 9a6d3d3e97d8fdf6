"""`parcours barrier add|work|resolve|waive`: what stands between a person and work."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import naming_action, staff_action
from parcours.cli.options import flag, group_module, named_choice
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind

commands, barrier = group_module("barrier")

BarrierId = Annotated[str, typer.Argument(help="help.arg.barrier_id", metavar="BARRIER")]


@staff_action(barrier, "add")
def barrier_add(
    kind: Annotated[
        BarrierKind, named_choice(BarrierKind, "barrier_kind", "help.arg.barrier_kind", "KIND")
    ],
    aid: Annotated[bool, flag("--aid")] = False,
) -> c.Command:
    return c.OpenBarrier(kind=kind, aid_requested=aid)


naming_action(barrier, "work", c.WorkOnBarrier, BarrierId)
naming_action(barrier, "resolve", c.ResolveBarrier, BarrierId)
naming_action(barrier, "waive", c.WaiveBarrier, BarrierId)
