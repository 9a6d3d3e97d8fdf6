"""The pathway aggregate: a `transitions` machine built from a programme's table.

One evaluation path: the machine decides. Each row of the programme's table is a machine
transition whose named conditions (`machine.py`) are the `resume` selector, the row's
guards, the reason rule and the command's reference check; a condition that says no
raises, naming its rule, so the first rule that refuses is the one reported. `check` asks
`may_trigger`, `execute` fires the trigger, `allowed_triggers` asks `may_trigger` with no
command: nothing is looked up or judged beside the machine, and the guards run once per
call. The stage is stored once, in `state.stage` (the machine's model attribute is a
property over it). We kept `transitions`: it is the design's state machine (one table of
data, named conditions, `may_<trigger>`), and refusals come from the conditions themselves.
`execute` records a past-tense event; the clock and the ids come from the caller, so the
same commands always give the same pathway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import partial

from transitions import EventData

from parcours.domain import closure, retention
from parcours.domain.alerts import due_alerts, next_alert_at, snooze_ended
from parcours.domain.command_log import log
from parcours.domain.commands import Command, Context, CorrectEvent, Refer, spec_of
from parcours.domain.commands.alerts import AlertTrigger
from parcours.domain.correcting import corrected_state
from parcours.domain.dating import Instants
from parcours.domain.errors import DomainError, MoveRefused, NotPermitted, UnknownReference
from parcours.domain.guards import TYPING_VERDICTS
from parcours.domain.input_on_pathway import input_refused
from parcours.domain.inputs import check_request
from parcours.domain.machine import Refusal, adopt, table_for
from parcours.domain.permissions import PERMISSIONS, authorise
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Actor, Alert, PathwayEvent, PathwayState, RequestMeta
from parcours.domain.records import PathwayState as State
from parcours.domain.resolution import follow_entry
from parcours.domain.summary import Summary, open_alerts, summary_of
from parcours.domain.vocabulary import AlertStatus, EventKind, Role, Stage, Trigger

SYSTEM = Actor("parcours", Role.SYSTEM)


class Pathway:
    """One participant's pathway under one pinned programme version."""

    trigger: Callable[..., bool]
    may_trigger: Callable[..., bool]
    """Both added by the machine: fire a trigger, or ask whether it would fire."""

    def __init__(self, programme: ProgrammeDefinition, state: PathwayState) -> None:
        self.programme = programme
        self.state = state
        table = table_for(programme)
        self._offered = table.offered
        self._machine = adopt(self, table)

    @property
    def stage(self) -> Stage:
        """The machine's state is the pathway's stage: stored once, in `state.stage`."""
        return self.state.stage

    @stage.setter
    def stage(self, value: Stage) -> None:
        self.state.stage = value

    @classmethod
    def refer(
        cls,
        programme: ProgrammeDefinition,
        pathway_id: str,
        command: Refer,
        meta: RequestMeta,
        now: datetime,
        *,
        dated: bool = True,
    ) -> Pathway:
        """A new pathway in the programme's initial stage, with its `referred` event, dated
        when the referral happened and recorded at `now` (both at `now` unless `dated`)."""
        authorise(meta.actor.role, command.trigger)
        state = PathwayState(
            pathway_id=pathway_id,
            programme=programme.name,
            programme_version=programme.version,
            stage=programme.initial_stage,
            stage_since=command.referred_at,
            referred_at=command.referred_at,
            referrer=command.referrer,
            session=command.session,
            referent=command.referent,
        )
        pathway = cls(programme, state)
        pathway._apply(command, meta, Instants.of(command, meta, now, dated), state.stage)
        return pathway

    # -- asking --------------------------------------------------------------------------

    def allowed_triggers(self, role: Role | None = None) -> tuple[Trigger, ...]:
        """Triggers that may fire now (guards that need the command's details are not judged)."""
        if self.state.closed_at is not None:
            return ()
        asking = EventData(self._machine.get_model_state(self), None, self._machine, self, (), {})
        return tuple(
            trigger
            for trigger in self._offered.get(self.state.stage, ())
            if (role is None or trigger in PERMISSIONS[role]) and self._may(trigger, asking)
        )

    def _may(self, trigger: Trigger, asking: EventData) -> bool:
        """`may_<trigger>` asked of the machine's own transitions and conditions, without its
        scan of every event on each call (25 times the cost, after every update)."""
        event = self._machine.events[trigger.value]
        asking.event = event
        try:
            return any(
                all(condition.check(asking) for condition in transition.conditions)
                for transition in event.transitions[asking.state.name]
            )
        except Refusal:
            return False

    @contextmanager
    def _refusals(self, role: Role) -> Iterator[None]:
        """The machine's answer as a refusal naming the rule and what is allowed instead."""
        try:
            yield
        except UnknownReference as unknown:
            unknown.allowed = self.allowed_triggers(role)
            raise
        except Refusal as refused:
            typed = refused.verdict.code in TYPING_VERDICTS  # a slip: no action mends it
            raise MoveRefused(
                refused.verdict.why,
                rule=refused.rule,
                allowed=() if typed else self.allowed_triggers(role),
                code=refused.verdict.code,
                values=refused.verdict.values,
            ) from None

    def _not_in_stage(self, trigger: Trigger, role: Role) -> MoveRefused:
        stage = self.state.stage.value
        return MoveRefused(
            f"{trigger.replace('_', ' ')} is not allowed while the pathway is {stage}",
            rule="stage",
            allowed=self.allowed_triggers(role),
            code="move_not_in_stage",
            values={"trigger": trigger.value, "stage": stage},
        )

    def _authorise(self, role: Role, trigger: Trigger) -> None:
        """Refuse a trigger the role may not fire, offering what that role may do now."""
        try:
            authorise(role, trigger)
        except NotPermitted as refused:
            refused.allowed = self.allowed_triggers(role)
            raise

    def check(self, command: Command, meta: RequestMeta, now: datetime | None = None) -> None:
        """Raise a `DomainError` naming the rule when `command` may not run now: the step
        first, then its input on this pathway (`domain.input_on_pathway`: a referent it
        already has; given `now`, its dates). A
        refusal of the step, the role or a record lists what is allowed now; one of the input
        itself lists nothing, since no other action mends a typing slip."""
        trigger = command.trigger
        retention.refuse_if_closed(self.state)
        self._authorise(meta.actor.role, trigger)
        refused = check_request(self.programme, command, meta)
        if refused is None and self._judged_here(command):
            refused = input_refused(self.state, command, meta, now)
        if refused is not None:
            raise refused  # about what was typed, not the step: no list of what is allowed
        if isinstance(command, CorrectEvent):
            self._corrected(command, meta, now)
            return
        with self._refusals(meta.actor.role):
            if not self.may_trigger(trigger.value, command=command, meta=meta):
                raise self._not_in_stage(trigger, meta.actor.role)

    def _judged_here(self, command: Command) -> bool:
        """Input is judged but a correction's (its own rules) and where the step says no."""
        offered = command.trigger in self._offered.get(self.state.stage, ())
        return offered and not isinstance(command, CorrectEvent)

    def may(self, command: Command, meta: RequestMeta) -> bool:
        try:
            self.check(command, meta)
        except DomainError:
            return False
        return True

    # -- doing ---------------------------------------------------------------------------

    def execute(
        self, command: Command, meta: RequestMeta, now: datetime, *, dated: bool = True
    ) -> PathwayEvent:
        """Run a command: the machine judges and moves, then its effect and event are recorded.

        The state and the event take the instant it happened (`effective_instant`); the event
        keeps `now` as when it was recorded. Without `dated` (histories recorded before the
        two instants were kept apart), everything is at `now`."""
        trigger = command.trigger
        retention.refuse_if_closed(self.state)
        self._authorise(meta.actor.role, trigger)
        if isinstance(command, CorrectEvent):  # dated when it is made, whatever `--on` says
            self.state = self._corrected(command, meta, now)
            return self._apply(command, meta, Instants(now, now if dated else None), self.stage)
        before = self.state.stage
        with self._refusals(meta.actor.role):
            fired = trigger in self._offered.get(before, ()) and self.trigger(
                trigger.value, command=command, meta=meta
            )
        if not fired:
            raise self._not_in_stage(trigger, meta.actor.role)
        instants = Instants.of(command, meta, now, dated)
        if self.state.stage is not before:
            self.state.stage_since = instants.effective
        return self._apply(command, meta, instants, before)

    def _apply(
        self, command: Command, meta: RequestMeta, instants: Instants, before: Stage
    ) -> PathwayEvent:
        """Record the command's effect and its event, then resolve what it made untrue."""
        row = spec_of(command.trigger)
        assert row.effect is not None  # every row with a command class has an effect
        assert row.event is not None  # ... and an event (a test checks both)
        ctx = Context(self.programme, meta, instants.effective, before)
        details = row.effect(self.state, command, ctx)
        log(self.state, command, meta, instants.effective, instants.recorded)
        event = self._record(row.event, meta, instants.effective, details, instants.recorded)
        return follow_entry(self.state, self.programme, event, meta, self._record)

    def _corrected(self, command: CorrectEvent, meta: RequestMeta, now: datetime | None) -> State:
        """The state `command` leaves, run again from the referral (`domain/correcting.py`)."""
        start = partial(Pathway.refer, self.programme, self.state.pathway_id)
        return corrected_state(self.state, start, command, meta, now)

    def raise_due_alerts(self, now: datetime) -> list[PathwayEvent]:
        """Raise every alert due at `now` and reopen snoozes that ended; one event each."""
        events: list[PathwayEvent] = []
        meta, reopened = RequestMeta(request_id="", actor=SYSTEM), AlertTrigger.REOPEN_ALERT.event
        for alert in self.state.alerts:
            if snooze_ended(alert, now):
                alert.status, alert.snoozed_until = AlertStatus.OPEN, None
                events.append(self._record(reopened, meta, now, {"alert_id": alert.alert_id}))
        for due in due_alerts(self.state, self.programme, now):
            self.state.alerts.append(
                Alert(due.alert_id, due.rule, due.subject, due.due_at, now, due.audience)
            )
            events.append(self._record(AlertTrigger.RAISE_ALERT.event, meta, now, due.details))
        return events

    def next_alert_at(self, now: datetime) -> datetime | None:
        return retention.wakes_at(self.state, self.programme, now, next_alert_at)

    def close_if_retention_over(self, now: datetime) -> PathwayEvent | None:
        """Close an exited pathway for good once its retention period has ended."""
        details = retention.close_if_over(self.state, self.programme, now)
        meta = RequestMeta("", SYSTEM)
        return None if details is None else self._record(closure.CLOSED, meta, now, details)

    def something_due(self, now: datetime) -> bool:
        """An alert due and not raised yet, or a snooze that has ended: raise before sleeping."""
        ended_snooze = any(snooze_ended(a, now) for a in self.state.alerts)
        return ended_snooze or bool(due_alerts(self.state, self.programme, now))

    def open_alerts(self) -> Sequence[Alert]:
        return list(open_alerts(self.state))

    def _record(
        self,
        kind: EventKind,
        meta: RequestMeta,
        now: datetime,
        details: dict[str, str],
        recorded: datetime | None = None,
    ) -> PathwayEvent:
        event = PathwayEvent(
            seq=self.state.next_seq,
            kind=kind.value,
            at=now,
            actor_id=meta.actor.actor_id,
            role=meta.actor.role,
            reason=meta.reason,
            stage=self.state.stage,
            details=details,
            request_id=meta.request_id,
            recorded_at=recorded,
            key_id=meta.key_id,
        )
        self.state.next_seq += 1
        self.state.timeline.append(event)
        return event

    def summary(self, now: datetime) -> Summary:
        """Where the pathway stands at `now`: what the status, read model and audits show."""
        return summary_of(self.state, self.programme, now)
