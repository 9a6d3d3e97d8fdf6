"""Barriers to employment (housing, health, childcare...): opened, worked on, closed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from parcours.domain.commands.base import Command, CommandSpec, Context, Details, Shape, spec
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.records import Barrier, PathwayState
from parcours.domain.vocabulary import BarrierKind, BarrierStatus, EventKind, Trigger


@dataclass(frozen=True)
class OpenBarrier(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.OPEN_BARRIER
    kind: BarrierKind
    aid_requested: bool = False


@dataclass(frozen=True)
class WorkOnBarrier(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.WORK_ON_BARRIER
    barrier_id: str


@dataclass(frozen=True)
class ResolveBarrier(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.RESOLVE_BARRIER
    barrier_id: str


@dataclass(frozen=True)
class WaiveBarrier(Command):
    """A waiver needs a reason: the request's reason is required and recorded."""

    TRIGGER: ClassVar[Trigger] = Trigger.WAIVE_BARRIER
    barrier_id: str


BarrierCommand = WorkOnBarrier | ResolveBarrier | WaiveBarrier


def find_barrier(state: PathwayState, barrier_id: str) -> Barrier:
    for barrier in state.barriers:
        if barrier.barrier_id == barrier_id:
            return barrier
    listed = ", ".join(b.barrier_id for b in state.barriers)
    raise UnknownReference(
        f"no barrier {barrier_id!r} on this pathway (barriers: {listed or 'none yet'})",
        code="unknown_barrier",
        values={"barrier": barrier_id, "known": listed},
    )


def open_barrier_of(state: PathwayState, cmd: BarrierCommand) -> Barrier:
    """The barrier the command names, still open: a closed one is not worked on again."""
    barrier = find_barrier(state, cmd.barrier_id)
    if barrier.status in (BarrierStatus.RESOLVED, BarrierStatus.WAIVED):
        raise MoveRefused(
            f"barrier {cmd.barrier_id} is already {barrier.status.value}; open a new one if needed",
            rule="barrier_closed",
            code="barrier_closed",
            values={"barrier": cmd.barrier_id, "barrier_status": barrier.status.value},
        )
    return barrier


def _open(state: PathwayState, cmd: OpenBarrier, ctx: Context) -> Details:
    barrier_id = f"b{len(state.barriers) + 1}"
    state.barriers.append(
        Barrier(barrier_id, cmd.kind, BarrierStatus.OPEN, ctx.now, aid_requested=cmd.aid_requested)
    )
    return {"barrier_id": barrier_id, "kind": cmd.kind.value, "aid": str(cmd.aid_requested)}


def _set_status(state: PathwayState, cmd: BarrierCommand, ctx: Context) -> Barrier:
    barrier = find_barrier(state, cmd.barrier_id)
    if isinstance(cmd, WorkOnBarrier):
        barrier.status = BarrierStatus.IN_PROGRESS
        return barrier
    barrier.closed_at = ctx.now
    if isinstance(cmd, WaiveBarrier):
        barrier.status, barrier.waiver_reason = BarrierStatus.WAIVED, ctx.meta.reason
    else:
        barrier.status = BarrierStatus.RESOLVED
    return barrier


def _follow_up(state: PathwayState, cmd: BarrierCommand, ctx: Context) -> Details:
    barrier = _set_status(state, cmd, ctx)
    return {"barrier_id": barrier.barrier_id, "kind": barrier.kind.value}


SPECS: tuple[CommandSpec, ...] = (
    spec(OpenBarrier, EventKind.BARRIER_OPENED, Shape.RECORD, _open),
    spec(
        WorkOnBarrier,
        EventKind.BARRIER_WORKED_ON,
        Shape.RECORD,
        _follow_up,
        reference=open_barrier_of,
    ),
    spec(
        ResolveBarrier,
        EventKind.BARRIER_RESOLVED,
        Shape.RECORD,
        _follow_up,
        reference=open_barrier_of,
    ),
    spec(
        WaiveBarrier,
        EventKind.BARRIER_WAIVED,
        Shape.RECORD,
        _follow_up,
        reference=open_barrier_of,
        reason_required=True,
    ),
)
