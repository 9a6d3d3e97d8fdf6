"""`parcours barrier add|work|resolve|waive`: what stands between a person and work."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.act import naming_action, staff_action
from parcours.cli.action_hooks import AFTER_DONE
from parcours.cli.options import flag, group_module, named_choice
from parcours.cli.runtime import Session
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.workflows.messages import UpdateResult

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


async def _same_kind_open(
    session: Session,
    pathways: PathwayClient,
    pathway_id: str,
    command: c.Command,
    result: UpdateResult,
) -> None:
    """Once a barrier is recorded: a warning when another of its kind is still open, with
    how to void this one if it was typed twice."""
    from parcours.cli.labels import short, word
    from parcours.domain.commands.barriers import also_open

    barrier_id = result.details.get("barrier_id")
    if barrier_id is None:  # an answer recorded before details were sent back
        return
    others = also_open(await pathways.state_as_stored(pathway_id), barrier_id)
    if others:
        text = session.text
        kind = word("barrier_kind", others[0].kind.value, text)
        said = text(
            "barrier.same_kind_open",
            kind=kind,
            barriers=", ".join(b.barrier_id for b in others),
            ref=short(pathway_id),
            seq=str(result.seq),
        )
        print(said, file=sys.stderr)


AFTER_DONE[c.OpenBarrier.TRIGGER] = _same_kind_open

naming_action(barrier, "work", c.WorkOnBarrier, BarrierId)
naming_action(barrier, "resolve", c.ResolveBarrier, BarrierId)
naming_action(barrier, "waive", c.WaiveBarrier, BarrierId)
