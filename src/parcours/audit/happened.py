"""The pathway as it happened at an instant, from a recording through the pure domain.

`audit at REF --when T` answers "as it happened" by default: the commands whose effective
instant (when it happened, `--on`) is at or before T, in the order they were recorded,
each dated as the workflow dated it; alerts are raised where the workflow woke up before
T and, between commands entered after the fact, at their due instants, as the workflow's
timers would have raised them had each command been entered when it happened. The
domain's instant bounds (`domain.instants`) make that order one the rules accept. Under
the alert rules that follow the pathway (a run that took `ALERTS_FOLLOW_PATHWAY_PATCH`),
each entry counts as made when it happened, so no alert waits for entries to settle that
would not have waited had they been entered live.

Corrections tell the story as it happened: a voided event never happened, and a restated
one happened at its restated date; the corrections themselves are facts of the record,
not of the story, so they are not folded here (they are in `--as-recorded`). An erasure
is part of the story: it happened when it was made, as a retention request did.

`--as-recorded` answers "what parcours knew at T" instead: every task recorded by then
(`fold.snapshot`). In a history whose runs all predate the two instants (no run took
`EFFECTIVE_INSTANTS_PATCH`), both instants of every event are the same and so are the
two answers: the recorded fold is used.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from parcours.audit.beside import adopt_rules, beside_machine
from parcours.audit.fold import (
    Folded,
    NotYetReferred,
    Snapshot,
    Source,
    fold,
    snapshot,
    snapshot_of,
    starting_pathway,
)
from parcours.audit.projection import close_if_due, kept_after_exit, project_alerts
from parcours.audit.raised import episode
from parcours.audit.recording import RecordedCommand, Recording, WorkflowTask
from parcours.domain.alerts import follows_pathway
from parcours.domain.commands import Command, CorrectEvent
from parcours.domain.commands.corrections import restated_instants, voided_seqs
from parcours.domain.errors import DomainError
from parcours.domain.instants import CLOCK_SKEW, effective_instant
from parcours.domain.records import PathwayEvent, PathwayState
from parcours.domain.refold import restate
from parcours.domain.returning import BESIDE_MACHINE, DATED_WHEN_MADE
from parcours.domain.vocabulary import Role


def snapshot_at(recording: Recording, when: datetime, *, as_recorded: bool = False) -> Snapshot:
    """The pathway at `when`: as it happened, or as recorded (what parcours knew then)."""
    if as_recorded or not recording.dated_runs:
        return snapshot(recording, when)
    record = fold(recording).pathway.state
    found = snapshot_of(happened(recording, when, record), recording, when, record.alerts)
    numbered = numbered_as_recorded(found.last_event, record.timeline, found.state.timeline)
    return dataclasses.replace(found, last_event=numbered)


def numbered_as_recorded(
    event: PathwayEvent | None, record: Sequence[PathwayEvent], story: Sequence[PathwayEvent]
) -> PathwayEvent | None:
    """`event` of the fold as it happened (`story`: that fold's timeline), under the number
    the timeline and the trail give it (`record`: the whole recording's timeline), and so
    is the event it names as the one that resolved an alert (`closed_by`): that fold
    numbers its own events in the order they happened, which differs once entries were
    made after the fact. 0 for an event the record does not hold (an alert the fold raised
    at its due instant where the workflow raised it later, or never); a `closed_by` the
    record does not hold is left out."""
    if event is None:
        return None
    recorded = {_identity(e): e.seq for e in record}
    details = dict(event.details)
    closing = {str(e.seq): e for e in story}.get(details.pop("closed_by", ""))
    if closing is not None and recorded.get(_identity(closing)):
        details["closed_by"] = str(recorded[_identity(closing)])
    return dataclasses.replace(event, seq=recorded.get(_identity(event), 0), details=details)


def _identity(event: PathwayEvent) -> tuple[str, str]:
    """What names an event in both folds: its request, or for what parcours raised itself
    (no request), its kind and the alert it is about (an escalation, by the alert it
    escalates: `raised.episode`)."""
    return (
        (event.request_id, event.kind)
        if event.request_id
        else ("", f"{event.kind}:{episode(event.details.get('alert_id', ''))}")
    )


def referred_at(recording: Recording) -> datetime:
    """When the referral happened, as the first run dated it."""
    if 0 in recording.dated_runs:
        return recording.referral.referred_at
    return recording.tasks[0].at


def happened(recording: Recording, when: datetime, record: PathwayState | None = None) -> Folded:
    """Fold what had happened by `when` (see the module's docstring); `record`, the whole
    recording's fold when the caller has it already (its corrections are read from it)."""
    if recording.initial_state is None and (not recording.tasks or referred_at(recording) > when):
        raise NotYetReferred(recording.pathway_id)
    folder = _Happened(recording, when, Corrected.of(recording, record))
    for task in recording.tasks:
        folder.apply(task)
    folder.finish()
    return folder.folded


@dataclass(frozen=True)
class Corrected:
    """What the recording's corrections say of its requests, by request id: those voided,
    and those restated with the instant they happened at instead."""

    voided: frozenset[str] = frozenset()
    restated: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def of(cls, recording: Recording, record: PathwayState | None = None) -> Corrected:
        commands = (r.command for task in recording.tasks for r in task.commands)
        if not any(isinstance(command, CorrectEvent) for command in commands):
            return cls()
        state = fold(recording).pathway.state if record is None else record
        request_of = {entry.seq: entry.meta.request_id for entry in state.applied}
        kept = voided_seqs(state.timeline) & request_of.keys()  # the seqs with a request
        voided = frozenset(request_of[seq] for seq in kept)
        restated = restated_instants(state.timeline)
        return cls(voided, {request_of[seq]: at for seq, at in restated.items()})

    def story(
        self, recorded: RecordedCommand, now: datetime, dated: bool
    ) -> tuple[RecordedCommand, datetime] | None:
        """The request as it happened, and the instant it runs at; None when it is not part
        of the story (voided, or a correction)."""
        request_id, command = recorded.meta.request_id, recorded.command
        if request_id in self.voided or isinstance(command, CorrectEvent):
            return None  # a correction is a fact of the record
        instant = self.restated.get(request_id)
        if instant is None or not isinstance(command, Command):  # never restated
            return recorded, now
        command, meta, now = restate(command, recorded.meta, now, instant, dated=dated)
        return dataclasses.replace(recorded, command=command, meta=meta), now


class _Happened:
    """The fold as it happened. Its clock is the latest instant folded; `_evidence` says
    whether the history recorded the workflow awake at that instant (a wake-up, or a
    command entered live), so that alerts due since were raised where it woke, or not
    (a command entered after the fact), so that they are raised at their due instants."""

    def __init__(self, recording: Recording, when: datetime, corrected: Corrected) -> None:
        self._recording, self._when, self._corrected = recording, when, corrected
        self._evidence = False
        self._entered: datetime | None = None
        """The latest instant a person's entry happened, under the rules that follow."""
        pathway, self._applied = starting_pathway(recording)
        if recording.initial_state is not None:  # earlier runs are missing
            self._clock = recording.tasks[0].at if recording.tasks else when
        else:
            self._clock = referred_at(recording)
        self.folded = Folded(pathway)

    def apply(self, task: WorkflowTask) -> None:
        dated = task.run_index in self._recording.dated_runs
        adopt_rules(self._recording, task, self.folded.pathway.state, self._clock)
        for recorded, effective, now in self._happened_by_then(task, dated):
            live = effective >= task.at - CLOCK_SKEW
            if not live:
                self.project(effective)
            try:
                event = self._execute(recorded, now, dated)
            except DomainError:  # it names an alert raised otherwise as it happened
                continue
            if event is None:  # the rule adopted already: nothing was recorded
                continue
            self._applied[recorded.meta.request_id] = event.seq
            self.folded.sources[event.seq] = Source(task.run_index, task.run_id, recorded.event_id)
            state = self.folded.pathway.state  # a correction replaces it
            if self._is_entry(recorded):
                self._entered = max(self._entered or effective, effective)
                state.last_entry_at = self._entered  # as entered when it happened
            self._advance(effective, evidence=live)
        woke = task.first_of_run or task.timer_fired or task.timer_cancelled or task.idle
        if woke and task.at <= self._when:
            self.folded.pathway.raise_due_alerts(task.at)
            close_if_due(self.folded.pathway, self._recording, task.at)
            self.folded.last_task_at = task.at
            self._advance(task.at, evidence=True)

    def _is_entry(self, recorded: RecordedCommand) -> bool:
        """Whether a person's entry was recorded, as the workflow notes it (`follow_entry`):
        a command of staff or a partner, not a request beside the machine (an extension,
        a return), under the rules that follow the pathway."""
        state = self.folded.pathway.state
        person = recorded.meta.actor.role is not Role.SYSTEM
        return follows_pathway(state) and person and isinstance(recorded.command, Command)

    def _execute(
        self, recorded: RecordedCommand, now: datetime, dated: bool
    ) -> PathwayEvent | None:
        pathway, command = self.folded.pathway, recorded.command
        if isinstance(command, BESIDE_MACHINE):
            return beside_machine(pathway, command, recorded.meta, now)
        return pathway.execute(command, recorded.meta, now, dated=dated)

    def _advance(self, instant: datetime, *, evidence: bool) -> None:
        if instant >= self._clock:
            self._clock, self._evidence = instant, evidence

    def _happened_by_then(
        self, task: WorkflowTask, dated: bool
    ) -> Iterator[tuple[RecordedCommand, datetime, datetime]]:
        for sent in task.commands:
            story = self._corrected.story(sent, task.at, dated)
            if story is None or sent.meta.request_id in self._applied:
                continue
            recorded, now = story
            command = cast(Command, recorded.command)
            dated_here = dated and not isinstance(recorded.command, DATED_WHEN_MADE)
            effective = effective_instant(command, recorded.meta, now) if dated_here else now
            if effective <= self._when:
                yield recorded, effective, now

    def project(self, until: datetime) -> None:
        """Raise what fell due between the clock and `until` at their due instants; never
        past the end of a run that has ended (nothing raised anything after it)."""
        if not self._recording.still_open:
            until = min(until, self._recording.recorded_until)
        if until <= self._clock:
            return
        after_exit = kept_after_exit(self._recording)
        raised = project_alerts(self.folded.pathway, self._clock, until, after_exit=after_exit)
        beyond = until > self._recording.recorded_until
        self.folded.projected = self.folded.projected or (raised and beyond)
        self._clock, self._evidence = until, False

    def finish(self) -> None:
        """Up to `when`: past the history's end, or where nothing recorded says the
        workflow woke up after the last command entered after the fact."""
        if self._when > self._recording.recorded_until or not self._evidence:
            self.project(self._when)
