"""Running a pathway again from its referral, without some events or with restated dates.

Every command the pathway kept (`PathwayState.applied`) runs again, in order, with the
instants it first ran with, on a fresh pathway (from the corrected event on, within the
bounds of its instants, `domain.instants`, as if entered then); alerts the pathway raised
or reopened itself are re-applied as they were. The timeline is kept as recorded: only the
state is rebuilt.
A later event that is refused, or records something else (another kind or details, or a
move that lands elsewhere), depends on the corrected one (`correcting.py`).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Protocol

from parcours.domain.alerts import follow_pathway, follows_pathway
from parcours.domain.command_log import command_of
from parcours.domain.commands import CORRECTION_EVENTS, SPECS, Command, CommandSpec, Refer, Shape
from parcours.domain.commands.alerts import AlertTrigger
from parcours.domain.errors import DomainError, MoveRefused
from parcours.domain.instants import check_instants
from parcours.domain.records import Alert, AppliedCommand, PathwayEvent, PathwayState, RequestMeta
from parcours.domain.vocabulary import AlertStatus

ROW_OF_EVENT: dict[str, CommandSpec] = {row.event: row for row in SPECS if row.event is not None}
"""The row of the command table that records each event kind."""


class Replaying(Protocol):
    """The pathway a correction runs again (`Pathway`, without importing it)."""

    @property
    def state(self) -> PathwayState: ...

    def execute(
        self, command: Command, meta: RequestMeta, now: datetime, *, dated: bool = True
    ) -> PathwayEvent: ...


class Start(Protocol):
    """Opens a fresh pathway from its referral (`Pathway.refer` under the same programme)."""

    def __call__(
        self, command: Refer, meta: RequestMeta, now: datetime, *, dated: bool = True
    ) -> Replaying: ...


def refold(
    state: PathwayState,
    start: Start,
    voided: frozenset[int],
    restated: dict[int, datetime],
    *,
    corrected: int,
) -> PathwayState:
    """Run the pathway again from its referral without the `voided` events and with the
    `restated` instants; refuse, naming them, when later events depend on `corrected`."""
    kept = _kept(state)
    first = kept[state.timeline[0].seq]
    referral = command_of(first)
    assert isinstance(referral, Refer)  # the first event is the referral, never corrected
    fresh = start(referral, first.meta, first.at, dated=first.dated)
    if follows_pathway(state):  # the alert rules it followed, judged again as it runs
        follow_pathway(fresh.state, first.at)
        fresh.state.alert_rules = state.alert_rules
    dependents: list[PathwayEvent] = []
    for event in state.timeline[1:]:
        if event.seq in voided or event.kind in CORRECTION_EVENTS:
            continue
        if event.seq not in kept:
            _reapply_automatic(fresh.state, state, event)
        elif not _runs_again(fresh, kept[event.seq], event, restated.get(event.seq), corrected):
            dependents.append(event)
    _refuse_dependents(state, corrected, dependents)
    return dataclasses.replace(
        fresh.state,
        timeline=list(state.timeline),
        next_seq=state.next_seq,
        applied=list(state.applied),
        retention_rule=state.retention_rule,  # adopted by the run, not by a command
        retention_until=state.retention_until,  # an extension is no command either
        referred_again_at=state.referred_again_at,  # nor is a later referral
    )


def _runs_again(
    fresh: Replaying,
    entry: AppliedCommand,
    event: PathwayEvent,
    restated: datetime | None,
    corrected: int,
) -> bool:
    """Whether the kept command runs again, within the bounds of its instants from the
    corrected event on, and records what it recorded (a restated event only needs to run:
    its details may carry its new date). The corrected event refused at its restated date
    is refused by the rule that refused it."""
    command, meta, at = command_of(entry), entry.meta, entry.at
    if restated is not None:
        command, meta, at = restate(command, meta, at, restated, dated=entry.dated)
    try:
        if event.seq >= corrected and entry.dated:
            bound = check_instants(fresh.state, command, meta, at)
            if bound is not None:
                raise bound
        replayed = fresh.execute(command, meta, at, dated=entry.dated)
    except DomainError:
        if event.seq == corrected:
            raise
        return False
    return restated is not None or _same(replayed, event)


def restate(
    command: Command, meta: RequestMeta, at: datetime, instant: datetime, *, dated: bool
) -> tuple[Command, RequestMeta, datetime]:
    """`command` said to have happened at `instant`: its own date, where it has one (what
    `--on` set, `Command.WHEN`), and the request's. It was still recorded `at`; a command
    run before events had two instants (not `dated`) runs at `instant` itself."""
    if command.WHEN:
        command = dataclasses.replace(command, **{command.WHEN: instant})
    if dated and (meta.effective_at is not None or not command.WHEN):
        meta = dataclasses.replace(meta, effective_at=instant)
    return command, meta, at if dated else instant


def _kept(state: PathwayState) -> dict[int, AppliedCommand]:
    """The commands kept, by seq; refused when an event people recorded has none (it was
    recorded before the pathway kept its commands)."""
    kept = {entry.seq: entry for entry in state.applied}
    missing = [
        e.seq
        for e in state.timeline
        if e.seq not in kept and e.kind not in CORRECTION_EVENTS and _recorded_by_people(e)
    ]
    if missing:
        raise MoveRefused.for_rule(
            "correction_unavailable",
            f"this pathway's events up to {missing[-1]} were recorded before parcours kept what "
            "each event ran: they cannot be run again, so nothing on it can be corrected",
            last=str(missing[-1]),
        )
    return kept


def _recorded_by_people(event: PathwayEvent) -> bool:
    row = ROW_OF_EVENT.get(event.kind)
    return row is not None and row.shape is not Shape.AUTOMATIC


def _same(replayed: PathwayEvent, recorded: PathwayEvent) -> bool:
    """Whether running it again records what was recorded: the same kind and details, and
    for a move the same stage. A record kept in another stage (a contact once a mistaken
    move is voided) still says what happened: it does not depend on the move."""
    moves = ROW_OF_EVENT[recorded.kind].moves
    return (replayed.kind, replayed.details) == (recorded.kind, recorded.details) and (
        not moves or replayed.stage is recorded.stage
    )


def _reapply_automatic(fresh: PathwayState, recorded: PathwayState, event: PathwayEvent) -> None:
    """An alert the pathway raised or reopened is raised or reopened again, as it was."""
    alert_id = event.details.get("alert_id", "")
    if event.kind == AlertTrigger.RAISE_ALERT.event and all(
        a.alert_id != alert_id for a in fresh.alerts
    ):
        was = next((a for a in recorded.alerts if a.alert_id == alert_id), None)
        if was is not None:
            fresh.alerts.append(
                Alert(was.alert_id, was.rule, was.subject, was.due_at, was.raised_at, was.audience)
            )
    elif event.kind == AlertTrigger.REOPEN_ALERT.event:
        for alert in fresh.alerts:
            if alert.alert_id == alert_id:
                alert.status, alert.snoozed_until = AlertStatus.OPEN, None


def _refuse_dependents(state: PathwayState, corrected: int, dependents: list[PathwayEvent]) -> None:
    if not dependents:
        return
    kind = next(e.kind for e in state.timeline if e.seq == corrected)
    listed = ", ".join(str(e.seq) for e in dependents)
    raise MoveRefused.for_rule(
        "correction_dependents",
        f"event {corrected} ({kind}) cannot be corrected: later events depend on it: {listed}; "
        "correct those first, the latest first",
        seq=str(corrected),
        event=kind,
        dependents=listed,
    )
