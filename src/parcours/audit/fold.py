"""The pathway at any instant, rebuilt from a recording through the pure domain.

No workflow code runs here: the recorded commands go through `Pathway.execute` at the
instant of the workflow task that ran them, and due alerts are raised with
`Pathway.raise_due_alerts` wherever the workflow's loop woke up. So an audit does not
trust the workflow to say what happened; where the history also records what the
workflow answered (update results, the state carried into a new run, the final state),
the fold checks it agrees and lists every difference.

Past the end of a history whose pathway is still open, alerts are raised at their due
instants, as the workflow's timers would raise them; the snapshot says so (`projected`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from parcours.audit.beside import adopt_rules, beside_machine
from parcours.audit.difference import first_difference
from parcours.audit.projection import Turns, close_if_due, kept_after_exit, project_alerts
from parcours.audit.raised import AlertOnRecord, Record, alerts_on_record
from parcours.audit.recording import RecordedCommand, Recording, WorkflowTask
from parcours.domain.errors import DomainError
from parcours.domain.pathway import Pathway
from parcours.domain.records import Alert, PathwayEvent, PathwayState
from parcours.domain.returning import BESIDE_MACHINE


@dataclass(frozen=True)
class Source:
    """Where the history records what produced a pathway event."""

    run_index: int
    run_id: str
    event_id: int


@dataclass(frozen=True)
class Discrepancy:
    """A place where the fold and what the workflow recorded disagree.

    `kind`: `answer` (an update's result), `refused` (the fold refused a command the
    workflow applied, or applied one it refused), `carried` (the state carried into a
    new run), `result` (the final state).
    """

    kind: str
    run_id: str
    event_id: int
    detail: str


@dataclass
class Folded:
    """The outcome of a fold: the pathway, where each event came from, and any doubt."""

    pathway: Pathway
    sources: dict[int, Source] = field(default_factory=dict)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    last_task_at: datetime | None = None
    projected: bool = False


@dataclass(frozen=True)
class Snapshot:
    """The pathway as it stood at `when` (no identity: the state never holds any)."""

    when: datetime
    state: PathwayState
    accompaniment_ends_at: datetime | None
    open_alerts: list[Alert]
    last_event: PathwayEvent | None
    recorded_until: datetime
    projected: bool
    discrepancies: list[Discrepancy]
    alerts_on_record: dict[str, AlertOnRecord] = field(default_factory=dict)
    """For each open alert, whether and when parcours raised it (`audit.raised`)."""

    @property
    def last_event_projected(self) -> bool:
        """Whether the last event is one the timers would have raised after the history
        ends (an entry dated a moment ahead of its recording is not)."""
        last = self.last_event
        return self.projected and last is not None and last.at > self.recorded_until


@dataclass(frozen=True)
class TrailEntry:
    """One event of the pathway: who did what, when, why, under which programme."""

    event: PathwayEvent
    programme: str
    programme_version: int
    run_id: str
    history_event_id: int


class NotYetReferred(LookupError):
    """The instant asked for is before the pathway's first workflow task."""


def fold(recording: Recording, until: datetime | None = None) -> Folded:
    """Fold every task at or before `until` (every task when None), then project to it."""
    tasks = [t for t in recording.tasks if until is None or t.at <= until]
    if recording.initial_state is None and not tasks:
        raise NotYetReferred(recording.pathway_id)
    folder = _Folder(recording)
    for task in tasks:
        folder.apply(task)
    if until is None and recording.final_state is not None:
        folder.check_final(recording.final_state)
    if until is not None and recording.still_open and until > recording.recorded_until:
        now = folder.folded.last_task_at or recording.recorded_until
        folder.folded.projected = project_alerts(
            folder.folded.pathway, now, until, after_exit=kept_after_exit(recording)
        )
    return folder.folded


def snapshot(recording: Recording, when: datetime) -> Snapshot:
    """What parcours knew at `when`: every task recorded by then (see `audit.happened` for
    the pathway as it happened)."""
    folded = fold(recording, when)
    return snapshot_of(folded, recording, when)


def snapshot_of(
    folded: Folded, recording: Recording, when: datetime, raised: list[Alert] | None = None
) -> Snapshot:
    """The snapshot of `folded` at `when`; its open alerts are judged against the alerts the
    workflow `raised` (the whole recording's fold's), by default the folded ones."""
    state = folded.pathway.state
    summary = folded.pathway.summary(when)
    record = Record(
        state.alerts if raised is None else raised,
        recording.recorded_until,
        recording.still_open,
    )
    return Snapshot(
        when=when,
        state=state,
        accompaniment_ends_at=summary.accompaniment_ends_at,
        open_alerts=list(summary.open_alerts),
        last_event=state.timeline[-1] if state.timeline else None,
        recorded_until=recording.recorded_until,
        projected=folded.projected,
        discrepancies=folded.discrepancies,
        alerts_on_record=alerts_on_record(summary.open_alerts, record, when),
    )


class Trail(NamedTuple):
    """The pathway's events with their sources, what the fold found amiss, and whether
    its exit is positive now (None while it has not exited): the verdict that stands
    once a correction judged the exit again (`described`)."""

    entries: list[TrailEntry]
    discrepancies: list[Discrepancy]
    positive_now: bool | None


def trail(recording: Recording) -> Trail:
    """Every event of the pathway with the history event it comes from."""
    folded = fold(recording)
    state = folded.pathway.state
    entries = []
    for event in state.timeline:
        source = folded.sources.get(event.seq)
        entries.append(
            TrailEntry(
                event=event,
                programme=state.programme,
                programme_version=state.programme_version,
                run_id=source.run_id if source else "",
                history_event_id=source.event_id if source else 0,
            )
        )
    outcome = state.outcome
    return Trail(entries, folded.discrepancies, outcome.positive if outcome else None)


def starting_pathway(recording: Recording) -> tuple[Pathway, dict[str, int]]:
    """The pathway a fold starts from, with the request ids already applied: the state
    the history's first run carried, or the referral at the first task's instant."""
    applied = dict(recording.initial_applied)
    initial = recording.initial_state
    if initial is not None:  # earlier runs are missing: start from what they carried
        return Pathway(recording.programme, copy.deepcopy(initial)), applied
    pathway = Pathway.refer(
        recording.programme,
        recording.pathway_id,
        recording.referral,
        recording.referral_meta,
        recording.tasks[0].at,
        dated=0 in recording.dated_runs,
    )
    applied[recording.referral_meta.request_id] = pathway.state.next_seq - 1
    return pathway, applied


class _Folder:
    def __init__(self, recording: Recording) -> None:
        self._recording = recording
        pathway, self._applied = starting_pathway(recording)
        self.folded = Folded(pathway)
        self._turns = Turns(recording)
        if recording.initial_state is None:
            self.folded.sources[1] = Source(0, recording.run_ids[0], 1)

    @property
    def _pathway(self) -> Pathway:
        return self.folded.pathway

    def apply(self, task: WorkflowTask) -> None:
        """What the workflow did in one task: its commands, then its alerts if it woke."""
        if task.first_of_run and task.run_index in self._recording.carried:
            self._check_carried(task, self._recording.carried[task.run_index])
        adopt_rules(self._recording, task, self._pathway.state, task.at)
        executed = False
        for recorded in task.commands:
            event = self._run(task, recorded)
            executed = executed or (event is not None and recorded.from_update)
        woke = (
            task.first_of_run
            or task.timer_fired
            or task.timer_cancelled
            or (task.idle and executed)
        )
        if self._turns.turned(task, executed, woke=woke) or woke:
            for event in self._pathway.raise_due_alerts(task.at):
                self._source(event, task.run_index, task.run_id, task.event_id)
            closed = close_if_due(self._pathway, self._recording, task.at)
            if closed is not None:
                self._source(closed, task.run_index, task.run_id, task.event_id)
        self.folded.last_task_at = task.at

    def _run(self, task: WorkflowTask, recorded: RecordedCommand) -> PathwayEvent | None:
        request_id = recorded.meta.request_id
        if request_id in self._applied:  # a retried request: the workflow answered from memory
            return None
        try:
            dated = task.run_index in self._recording.dated_runs
            if isinstance(recorded.command, BESIDE_MACHINE):
                event = beside_machine(self._pathway, recorded.command, recorded.meta, task.at)
            else:
                event = self._pathway.execute(recorded.command, recorded.meta, task.at, dated=dated)
        except DomainError as err:
            if recorded.answer is not None:
                self._differ("refused", task, recorded.event_id, f"refused here: {err}")
            return None
        if event is None:  # the rule adopted already: the workflow recorded nothing
            return None
        self._applied[request_id] = event.seq
        self._source(event, task.run_index, task.run_id, recorded.event_id)
        self._check_answer(task, recorded, event)
        return event

    def _check_answer(
        self, task: WorkflowTask, recorded: RecordedCommand, event: PathwayEvent
    ) -> None:
        if recorded.answered_refusal:
            self._differ("refused", task, recorded.event_id, "the workflow refused it")
            return
        answer = recorded.answer
        if answer is None:
            return
        found = (answer.seq, answer.event, answer.stage)
        expected = (event.seq, event.kind, self._pathway.state.stage)
        if found != expected:
            self._differ(
                "answer",
                task,
                recorded.event_id,
                f"recorded seq {answer.seq} {answer.event} ({answer.stage.value}), "
                f"folded seq {event.seq} {event.kind} ({self._pathway.state.stage.value})",
            )

    def _check_carried(self, task: WorkflowTask, carried: PathwayState) -> None:
        if carried != self._pathway.state:
            self._differ("carried", task, 1, first_difference(carried, self._pathway.state))
            # Continue from what the run really started with.
            self.folded.pathway = Pathway(self._recording.programme, copy.deepcopy(carried))

    def check_final(self, final: PathwayState) -> None:
        state = self._pathway.state
        if final != state:
            self.folded.discrepancies.append(
                Discrepancy(
                    "result", self._recording.run_ids[-1], 0, first_difference(final, state)
                )
            )

    def _source(self, event: PathwayEvent, run_index: int, run_id: str, event_id: int) -> None:
        self.folded.sources[event.seq] = Source(run_index, run_id, event_id)

    def _differ(self, kind: str, task: WorkflowTask, event_id: int, detail: str) -> None:
        self.folded.discrepancies.append(Discrepancy(kind, task.run_id, event_id, detail))
