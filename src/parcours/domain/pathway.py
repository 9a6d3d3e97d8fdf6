"""The pathway aggregate: a `transitions` machine built from a programme's table.

`check` says whether a command may run now and, when not, which rule refused and what
is allowed instead; `execute` runs it and records a past-tense event. The clock and the
ids come from the caller, so the same commands always give the same pathway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from transitions import EventData, Machine

from parcours.domain.alerts import due_alerts, next_alert_at
from parcours.domain.commands import Command, Refer
from parcours.domain.effects import EFFECTS, REFERENCES, Context
from parcours.domain.errors import DomainError, MoveRefused
from parcours.domain.events import EVENT_OF_TRIGGER
from parcours.domain.guards import GUARDS
from parcours.domain.permissions import PERMISSIONS, REASON_REQUIRED, authorise
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Actor, Alert, PathwayEvent, PathwayState, RequestMeta
from parcours.domain.vocabulary import AlertStatus, Role, Stage

logging.getLogger("transitions").setLevel(logging.WARNING)

SYSTEM = Actor("parcours", Role.SYSTEM)


@dataclass(frozen=True)
class _GuardCondition:
    """A named guard as a `transitions` condition; selectors only pick a destination."""

    name: str
    programme: ProgrammeDefinition
    owner: Pathway
    selector_for: Stage | None = None

    def __call__(self, event: EventData) -> bool:
        command = event.kwargs.get("command")
        return self.holds(command)

    def holds(self, command: Command | None) -> bool:
        if self.selector_for is not None:
            return self.owner.state.suspended_from is self.selector_for
        return GUARDS[self.name](self.owner.state, self.programme, command).ok

    def why(self, command: Command | None) -> str:
        return GUARDS[self.name](self.owner.state, self.programme, command).why


@dataclass(frozen=True)
class MoveRow:
    """One row of the effective table (with `resume` rows derived from `suspend`)."""

    trigger: str
    source: Stage
    dest: Stage | None
    guards: tuple[str, ...]
    selector_for: Stage | None = None


def table_of(programme: ProgrammeDefinition) -> list[MoveRow]:
    """The programme's moves, one row per source, plus `resume` back to each suspendable stage."""
    rows: list[MoveRow] = []
    for move in programme.moves:
        for source in programme.sources_of(move):
            rows.append(MoveRow(move.trigger, source, move.dest, tuple(move.guards)))
            if move.trigger == "suspend":
                rows.append(MoveRow("resume", Stage.SUSPENDED, source, (), selector_for=source))
    return rows


class Pathway:
    """One participant's pathway under one pinned programme version."""

    machine_stage: Stage

    def __init__(self, programme: ProgrammeDefinition, state: PathwayState) -> None:
        self.programme = programme
        self.state = state
        self._rows = table_of(programme)
        transitions: list[dict[str, Any]] = [
            {
                "trigger": row.trigger,
                "source": row.source,
                "dest": row.dest,
                "conditions": [_GuardCondition(name, programme, self) for name in row.guards]
                + (
                    [_GuardCondition("selector", programme, self, row.selector_for)]
                    if row.selector_for
                    else []
                ),
            }
            for row in self._rows
        ]
        self._machine = Machine(
            model=self,
            states=list(programme.stages),
            transitions=transitions,
            initial=state.stage,
            auto_transitions=False,
            send_event=True,
            model_attribute="machine_stage",
        )

    @classmethod
    def refer(
        cls,
        programme: ProgrammeDefinition,
        pathway_id: str,
        command: Refer,
        meta: RequestMeta,
        now: datetime,
    ) -> Pathway:
        """A new pathway in the programme's initial stage, with its `referred` event."""
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
        if programme.accompaniment is not None and programme.accompaniment.starts_on == "referral":
            state.accompaniment_starts_at = command.referred_at
        pathway = cls(programme, state)
        pathway._record(
            "referred",
            meta,
            now,
            {"referrer": command.referrer, "session": command.session},
        )
        return pathway

    # -- asking --------------------------------------------------------------------------

    def _candidates(self, trigger: str) -> list[MoveRow]:
        return [r for r in self._rows if r.trigger == trigger and r.source is self.state.stage]

    def allowed_triggers(self, role: Role | None = None) -> tuple[str, ...]:
        """Triggers that may fire now (guards that need the command's details are not judged)."""
        allowed: list[str] = []
        for row in self._rows:
            if row.source is not self.state.stage or row.trigger in allowed:
                continue
            if role is not None and row.trigger not in PERMISSIONS[role]:
                continue
            if row.selector_for is not None and row.selector_for is not self.state.suspended_from:
                continue
            if all(GUARDS[g](self.state, self.programme, None).ok for g in row.guards):
                allowed.append(row.trigger)
        return tuple(allowed)

    def check(self, command: Command, meta: RequestMeta) -> None:
        """Raise a `DomainError` naming the rule when `command` may not run now."""
        trigger = command.trigger
        authorise(meta.actor.role, trigger)
        candidates = [
            r
            for r in self._candidates(trigger)
            if r.selector_for is None or r.selector_for is self.state.suspended_from
        ]
        if not candidates:
            stage = self.state.stage.value
            raise MoveRefused(
                f"{trigger.replace('_', ' ')} is not allowed while the pathway is {stage}",
                rule="stage",
                allowed=self.allowed_triggers(meta.actor.role),
                code="move_not_in_stage",
                values={"trigger": trigger, "stage": stage},
            )
        row = candidates[0]
        for name in row.guards:
            verdict = GUARDS[name](self.state, self.programme, command)
            if not verdict.ok:
                raise MoveRefused(
                    verdict.why,
                    rule=name,
                    allowed=self.allowed_triggers(meta.actor.role),
                    code=verdict.code,
                    values=verdict.values,
                )
        if trigger in REASON_REQUIRED and not meta.reason.strip():
            raise MoveRefused(
                f"{trigger.replace('_', ' ')} needs a reason; give one with the request",
                rule="reason_required",
                allowed=self.allowed_triggers(meta.actor.role),
                code="reason_required",
                values={"trigger": trigger},
            )
        reference = REFERENCES.get(type(command))
        if reference is not None:
            reference(self.state, command)

    def may(self, command: Command, meta: RequestMeta) -> bool:
        try:
            self.check(command, meta)
        except DomainError:
            return False
        return True

    # -- doing ---------------------------------------------------------------------------

    def execute(self, command: Command, meta: RequestMeta, now: datetime) -> PathwayEvent:
        """Run an accepted command: move the machine, record its effect and its event."""
        self.check(command, meta)
        before = self.state.stage
        moved = self.trigger(command.trigger, command=command)  # type: ignore[attr-defined]
        if not moved:  # pragma: no cover - check() has already proved a row applies
            raise MoveRefused(f"{command.trigger} did not apply", rule="stage")
        if self.machine_stage is not before:
            self.state.stage = self.machine_stage
            self.state.stage_since = now
        details = EFFECTS[type(command)](
            self.state, command, Context(self.programme, meta, now, before)
        )
        return self._record(EVENT_OF_TRIGGER[command.trigger], meta, now, details)

    def raise_due_alerts(self, now: datetime) -> list[PathwayEvent]:
        """Raise every alert due at `now` and reopen snoozes that ended; one event each."""
        events: list[PathwayEvent] = []
        meta = RequestMeta(request_id="", actor=SYSTEM)
        for alert in self.state.alerts:
            if (
                alert.status is AlertStatus.SNOOZED
                and alert.snoozed_until is not None
                and alert.snoozed_until <= now
            ):
                alert.status, alert.snoozed_until = AlertStatus.OPEN, None
                events.append(
                    self._record("alert_reopened", meta, now, {"alert_id": alert.alert_id})
                )
        for due in due_alerts(self.state, self.programme, now):
            self.state.alerts.append(
                Alert(due.alert_id, due.rule, due.subject, due.due_at, now, due.audience)
            )
            details = {
                "alert_id": due.alert_id,
                "rule": due.rule.value,
                "audience": due.audience.value,
            }
            events.append(self._record("alert_raised", meta, now, details))
        return events

    def next_alert_at(self, now: datetime) -> datetime | None:
        return next_alert_at(self.state, self.programme, now)

    def something_due(self, now: datetime) -> bool:
        """An alert due and not raised yet, or a snooze that has ended: raise before sleeping."""
        ended_snooze = any(
            a.status is AlertStatus.SNOOZED
            and a.snoozed_until is not None
            and a.snoozed_until <= now
            for a in self.state.alerts
        )
        return ended_snooze or bool(due_alerts(self.state, self.programme, now))

    def open_alerts(self) -> Sequence[Alert]:
        return [a for a in self.state.alerts if a.status is not AlertStatus.ACKNOWLEDGED]

    def _record(
        self, kind: str, meta: RequestMeta, now: datetime, details: dict[str, str]
    ) -> PathwayEvent:
        event = PathwayEvent(
            seq=self.state.next_seq,
            kind=kind,
            at=now,
            actor_id=meta.actor.actor_id,
            role=meta.actor.role,
            reason=meta.reason,
            stage=self.state.stage,
            details=details,
            request_id=meta.request_id,
        )
        self.state.next_seq += 1
        self.state.timeline.append(event)
        return event
