"""Barriers to employment (housing, health, childcare...): opened, worked on, closed."""

from __future__ import annotations

from operator import attrgetter

from parcours.domain.commands.base import Command, Context, Details, Subject, record
from parcours.domain.commands.editing import already_closed, find_by_id, next_id
from parcours.domain.records import Barrier, PathwayState
from parcours.domain.vocabulary import BarrierKind, BarrierStatus, Trigger


class BarrierTrigger(Trigger):
    OPEN_BARRIER = "open_barrier", "barrier_opened"
    WORK_ON_BARRIER = "work_on_barrier", "barrier_worked_on"
    RESOLVE_BARRIER = "resolve_barrier", "barrier_resolved"
    WAIVE_BARRIER = "waive_barrier", "barrier_waived"


class OpenBarrier(Command, trigger=BarrierTrigger.OPEN_BARRIER):
    kind: BarrierKind
    aid_requested: bool = False


class BarrierFollowUp(Command):
    """A command following up an open barrier: it names the barrier."""

    barrier_id: str


class WorkOnBarrier(BarrierFollowUp, trigger=BarrierTrigger.WORK_ON_BARRIER):
    """Work on the barrier has started."""


class ResolveBarrier(BarrierFollowUp, trigger=BarrierTrigger.RESOLVE_BARRIER):
    """The barrier is lifted."""


class WaiveBarrier(BarrierFollowUp, trigger=BarrierTrigger.WAIVE_BARRIER):
    """A waiver needs a reason: the request's reason is required and recorded."""


def find_barrier(state: PathwayState, barrier_id: str) -> Barrier:
    return find_by_id(state.barriers, attrgetter("barrier_id"), barrier_id, "barrier")


CLOSED = (BarrierStatus.RESOLVED, BarrierStatus.WAIVED)


def also_open(state: PathwayState, barrier_id: str) -> list[Barrier]:
    """The other barriers still open of the kind of `barrier_id`. A second barrier of a
    kind is allowed (a person may have two housing difficulties) but is as often the same
    one typed twice, which staff are told of."""
    kinds = {b.kind for b in state.barriers if b.barrier_id == barrier_id}  # none if voided
    return [
        b
        for b in state.barriers
        if b.kind in kinds and b.barrier_id != barrier_id and b.status not in CLOSED
    ]


def open_barrier_of(state: PathwayState, cmd: BarrierFollowUp) -> Barrier:
    """The barrier the command names, still open: a closed one is not worked on again."""
    barrier = find_barrier(state, cmd.barrier_id)
    if barrier.status in CLOSED:
        status, wanted = barrier.status, cmd.barrier_id
        message = f"barrier {wanted} is already {status.value}; open a new one if needed"
        raise already_closed("barrier", wanted, status, "barrier_closed", message)
    return barrier


OPEN_BARRIER = Subject(open_barrier_of, lambda s: any(b.status not in CLOSED for b in s.barriers))


def _open(state: PathwayState, cmd: OpenBarrier, ctx: Context) -> Details:
    barrier_id = next_id("b", state.barriers)
    state.barriers.append(
        Barrier(barrier_id, cmd.kind, BarrierStatus.OPEN, ctx.now, aid_requested=cmd.aid_requested)
    )
    return {"barrier_id": barrier_id, "kind": cmd.kind.value, "aid": str(cmd.aid_requested)}


def _set_status(state: PathwayState, cmd: BarrierFollowUp, ctx: Context) -> Barrier:
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


def _follow_up(state: PathwayState, cmd: BarrierFollowUp, ctx: Context) -> Details:
    barrier = _set_status(state, cmd, ctx)
    return {"barrier_id": barrier.barrier_id, "kind": barrier.kind.value}


SPECS = (
    record(OpenBarrier, _open, creates="barrier_id"),
    record(WorkOnBarrier, _follow_up, reference=OPEN_BARRIER),
    record(ResolveBarrier, _follow_up, reference=OPEN_BARRIER),
    record(WaiveBarrier, _follow_up, reference=OPEN_BARRIER, reason_required=True),
)
