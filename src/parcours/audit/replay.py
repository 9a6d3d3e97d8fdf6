"""Replay histories against today's workflow code: any non-determinism shows here.

Each run of each history goes through temporalio's `Replayer`, with the workers' own
sandbox settings and the encrypting data converter. A failure is reported with the
workflow id, the run, the history event the new code did not expect, and Temporal's
own sentence about what differed.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, WorkflowReplayResult

from parcours.adapters.temporal.converter import data_converter, replay_converter
from parcours.adapters.temporal.keys import Keyring
from parcours.app.health import first_line, last_task_failure
from parcours.audit.checks import ensure_audited, open_every_payload
from parcours.audit.history import PathwayHistory
from parcours.workflows.jobdating import JobDatingWorkflow
from parcours.workflows.pathway import ParticipantPathway
from parcours.workflows.sandbox import workflow_runner

WORKFLOWS: tuple[type, ...] = (ParticipantPathway, JobDatingWorkflow)
"""The workflows an audit replays: pathways and job-datings (`checks.ensure_audited`)."""

_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')
_EVENT = re.compile(r"HistoryEvent\(id: (\d+), (\w+)")
_TASK_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
_COMMAND_EVENTS: dict[int, str] = {
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "activity",
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: "activity",
    EventType.EVENT_TYPE_TIMER_STARTED: "timer",
    EventType.EVENT_TYPE_TIMER_CANCELED: "timer",
    EventType.EVENT_TYPE_MARKER_RECORDED: "marker",
    EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: "search attribute",
    EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED: "properties",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "update",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: "update",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "complete",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "fail",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "cancel",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continue",
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: "child",
    EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: "signal",
    EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: "cancel",
}
"""Events a workflow task's commands write, with the word Temporal's sentences use."""
_EVENT_ID = re.compile(r"\bevent(?: id)?[: ]+(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class ReplayOutcome:
    """How one run replayed; on failure, the event named and what differed."""

    workflow_id: str
    run_id: str
    events: int
    failed: bool = False
    event_id: int | None = None
    event_type: str = ""
    message: str = ""


@cache
def quiet_runtime() -> Runtime:
    """A runtime that keeps the core's own log lines (one per failure) off the terminal."""
    return Runtime(telemetry=TelemetryConfig(logging=None, metrics=None))


def replayer(
    keyring: Keyring, *, sandboxed: bool = True, workflows: Sequence[type] = WORKFLOWS
) -> Replayer:
    return Replayer(
        workflows=list(workflows),
        data_converter=replay_converter(keyring),
        workflow_runner=workflow_runner() if sandboxed else UnsandboxedWorkflowRunner(),
        runtime=quiet_runtime(),
    )


def describe_failure(failure: BaseException) -> tuple[int | None, str, str]:
    """The event id, the event type and the sentence from a replay failure."""
    text = str(failure)
    found = _MESSAGE.search(text)
    message = found.group(1).replace('\\"', '"').replace("\\\\", "\\") if found else text
    event = _EVENT.search(message)
    if event is not None:
        return int(event.group(1)), event.group(2), message
    plain = _EVENT_ID.search(message)
    return (int(plain.group(1)) if plain else None), "", message


async def identify(history: PathwayHistory, converter: DataConverter) -> PathwayHistory:
    """Check the keys open the history, and name it by its pathway id (a job-dating's by
    its event id) when it has one.

    Decoding the first start input proves the keys before any replay begins (a replay
    with the wrong keys would only report failed tasks), and gives Temporal's own files,
    which do not record the workflow id, the pathway id they belong to.
    """
    first = history.runs[0].events[0].workflow_execution_started_event_attributes
    workflow_id = history.workflow_id
    if first.input.payloads:
        values = await converter.decode(first.input.payloads[:1])
        value: Any = values[0]
        if isinstance(value, dict) and isinstance(value.get("pathway_id"), str):
            workflow_id = value["pathway_id"]
        event = value.get("event") if isinstance(value, dict) else None
        if isinstance(event, dict) and isinstance(event.get("event_id"), str):
            workflow_id = event["event_id"]  # a job-dating's
    if workflow_id == history.workflow_id:
        return history
    return PathwayHistory(
        workflow_id, tuple(WorkflowHistory(workflow_id, run.events) for run in history.runs)
    )


async def replay_histories(
    histories: AsyncIterator[PathwayHistory] | Iterable[PathwayHistory],
    keyring: Keyring,
    *,
    sandboxed: bool = True,
    workflows: Sequence[type] = WORKFLOWS,
    on_outcome: Callable[[ReplayOutcome], None] | None = None,
) -> list[ReplayOutcome]:
    """Replay every run of every history, in order, with one replayer.

    Each history is checked first (`audit.checks`): another workflow's history, a payload
    altered or one the keys do not open stops the replay with that error, before the
    replayer decodes anything (it would log its own tracebacks)."""
    converter = data_converter(keyring)
    outcomes: list[ReplayOutcome] = []

    def report(outcome: ReplayOutcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    async def runs() -> AsyncIterator[WorkflowHistory]:
        async for history in each(histories):
            ensure_audited(history)
            await open_every_payload(history, converter)
            for run in (await identify(history, converter)).runs:
                broken = await cannot_run(run, converter)
                if broken is not None:
                    report(broken)
                elif decided_nothing_yet(run):
                    report(ReplayOutcome(run.workflow_id, run.run_id, len(run.events)))
                else:
                    yield run

    engine = replayer(keyring, sandboxed=sandboxed, workflows=workflows)
    async with engine.workflow_replay_iterator(runs()) as results:
        async for result in results:
            report(await _outcome(engine, result))
    return outcomes


async def _outcome(engine: Replayer, result: WorkflowReplayResult) -> ReplayOutcome:
    """How one replayed run went; a failure names its event, located when Temporal did not."""
    run = result.history
    if result.replay_failure is None:
        return ReplayOutcome(run.workflow_id, run.run_id, len(run.events))
    event_id, event_type, message = describe_failure(result.replay_failure)
    if event_id is None:
        event_id, event_type = await locate_failure(engine, run, message)
    return ReplayOutcome(
        run.workflow_id, run.run_id, len(run.events), True, event_id, event_type, message
    )


async def cannot_run(run: WorkflowHistory, converter: DataConverter) -> ReplayOutcome | None:
    """A run whose last workflow task failed: the workflow could not run it, whatever a
    replay of the tasks before would say. Counted as failed, naming that event and the
    workflow's own error (a pathway `parcours doctor` lists, closed or not)."""
    failed = last_task_failure(list(run.events))
    if failed is None:
        return None
    failure = failed.workflow_task_failed_event_attributes.failure
    error = first_line(str(await converter.decode_failure(failure)))
    message = f"the workflow cannot run: its last workflow task failed: {error}"
    kind = "WorkflowTaskFailed"
    return ReplayOutcome(
        run.workflow_id, run.run_id, len(run.events), True, failed.event_id, kind, message
    )


def decided_nothing_yet(run: WorkflowHistory) -> bool:
    """A run no workflow task has completed in yet (one that has just started, or just
    continued as new): there is nothing to check, and Temporal's replayer never returns
    from a history that holds only its start event, so it is not handed one."""
    return not any(e.event_type == _TASK_COMPLETED for e in run.events)


async def locate_failure(
    engine: Replayer, run: WorkflowHistory, message: str
) -> tuple[int | None, str]:
    """The event a failure is about, when Temporal's sentence does not name it.

    Replays prefixes of the run, each ending after one workflow task, to find the first
    task the new code cannot replay; then names that task's first recorded command of
    the kind the sentence mentions (an activity, a timer, a marker...), else its first
    command, else the task itself.
    """
    events = list(run.events)
    ends = [i for i, e in enumerate(events) if e.event_type == _TASK_COMPLETED]
    if not ends:
        return None, ""
    cuts = [_cut_after(events, end) for end in ends]
    low, high = 0, len(ends) - 1
    while low < high:
        middle = (low + high) // 2
        prefix = WorkflowHistory(run.workflow_id, events[: cuts[middle]])
        result = await engine.replay_workflow(prefix, raise_on_replay_failure=False)
        if result.replay_failure is None:
            low = middle + 1
        else:
            high = middle
    commands = [e for e in events[ends[low] + 1 : cuts[low]] if e.event_type in _COMMAND_EVENTS]
    lowered = message.lower()
    hinted = [e for e in commands if _COMMAND_EVENTS[e.event_type] in lowered]
    chosen = (hinted or commands or [events[ends[low]]])[0]
    return chosen.event_id, _camel(chosen.event_type)


def _cut_after(events: list[HistoryEvent], end: int) -> int:
    """The index just before the next workflow task is scheduled after `end`."""
    for index in range(end + 1, len(events)):
        if events[index].event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            return index
    return len(events)


def _camel(event_type: int) -> str:
    name = EventType.Name(event_type).removeprefix("EVENT_TYPE_")  # type: ignore[arg-type]
    return "".join(word.capitalize() for word in name.split("_"))


async def each(
    items: AsyncIterator[PathwayHistory] | Iterable[PathwayHistory],
) -> AsyncIterator[PathwayHistory]:
    """The histories given, as they come, whether read already or fetched meanwhile."""
    if isinstance(items, AsyncIterator):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
