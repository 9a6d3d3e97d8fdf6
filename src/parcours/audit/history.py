"""Every run of a pathway's history, from the server or from files, in Temporal's JSON.

A pathway that continued as new has several runs; an audit needs all of them, oldest
first. Histories are kept exactly as the server stores them: payloads stay encrypted.

Files come in three shapes, told apart by their content:
- ours (`parcours audit export`): one document holding every run in order,
  `{"format": "parcours-history/1", "workflowId": ..., "runs": [{"runId": ..., "events": [...]}]}`;
  each element of `runs` is a Temporal history with an extra `runId` key
  (`jq '.runs[0] | {events}'` gives the file Temporal's own tools expect);
- Temporal's (`temporal workflow show --output json`, `WorkflowHistory.to_json`):
  `{"events": [...]}`, one run;
- a bundle (`parcours audit bundle`), whose runs hold hash-chained entries.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf import json_format
from temporalio.api.history.v1 import History, HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from parcours.app.errors import PathwayNotFound
from parcours.workflows.jobdating_messages import JOBDATING_TYPE
from parcours.workflows.messages import WORKFLOW_TYPE

HISTORY_FORMAT = "parcours-history/1"
BUNDLE_FORMAT = "parcours-audit-bundle/1"


class HistoryFileError(Exception):
    """A file that holds no readable history; `reason` names why, for a translated message
    (`values` fill it beside `detail`)."""

    def __init__(self, path: str, reason: str, detail: str = "", **values: object) -> None:
        super().__init__(f"{path}: {reason} {detail}".strip())
        self.path, self.reason, self.detail = path, reason, detail
        self.values = values


@dataclass(frozen=True)
class SequenceFault:
    """Where a run's event ids stop counting 1, 2, 3...: at `position` (0-based) stands
    event `found` instead of event `expected`, which comes later (`order`: events were
    moved) or never (`missing`: it was removed)."""

    kind: str
    position: int
    expected: int
    found: int


def sequence_fault(ids: Sequence[int]) -> SequenceFault | None:
    """The first place the event ids of one run are not 1, 2, 3..., as Temporal numbers
    them; None when they all are."""
    for position, found in enumerate(ids):
        expected = position + 1
        if found != expected:
            kind = "order" if expected in ids[position + 1 :] else "missing"
            return SequenceFault(kind, position, expected, found)
    return None


@dataclass(frozen=True)
class PathwayHistory:
    """Every run of one workflow, oldest first.

    `workflow_id` is the file's name for a Temporal file, which does not record it; the
    recording reads the pathway id from the start input.
    """

    workflow_id: str
    runs: tuple[WorkflowHistory, ...]
    source: str = ""
    """The file it was read from; empty for a history fetched from the service."""

    @property
    def run_ids(self) -> list[str]:
        return [run.run_id for run in self.runs]

    @property
    def event_count(self) -> int:
        return sum(len(run.events) for run in self.runs)


# -- from the server --------------------------------------------------------------------


async def fetch_pathway_history(client: Client, workflow_id: str) -> PathwayHistory:
    """Every run of `workflow_id`: the latest, then back along `continuedExecutionRunId`."""
    runs: list[WorkflowHistory] = []
    run_id: str | None = None
    seen: set[str] = set()
    while True:
        handle = client.get_workflow_handle(workflow_id, run_id=run_id)
        try:
            run = await handle.fetch_history()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise PathwayNotFound(workflow_id) from None
            raise
        if not run.events:
            raise PathwayNotFound(workflow_id)
        runs.append(run)
        seen.add(run.run_id)
        started = run.events[0].workflow_execution_started_event_attributes
        previous = started.continued_execution_run_id
        if not previous or previous in seen:
            break
        run_id = previous
    return PathwayHistory(workflow_id, tuple(reversed(runs)))


async def pathway_workflow_ids(client: Client, *, jobdatings: bool = False) -> list[str]:
    """The id of every pathway of the namespace, open or closed, each once; with
    `jobdatings`, every job-dating event's too."""
    found: set[str] = set()
    for kind in (WORKFLOW_TYPE, JOBDATING_TYPE) if jobdatings else (WORKFLOW_TYPE,):
        async for execution in client.list_workflows(f"WorkflowType = '{kind}'"):
            found.add(execution.id)
    return sorted(found)


# -- to and from files ------------------------------------------------------------------


def history_document(history: PathwayHistory) -> dict[str, Any]:
    """Our export document: every run in order, each in Temporal's JSON form."""
    return {
        "format": HISTORY_FORMAT,
        "workflowId": history.workflow_id,
        "runs": [{"runId": run.run_id, **run.to_json_dict()} for run in history.runs],
    }


def run_documents(history: PathwayHistory) -> list[tuple[str, dict[str, Any]]]:
    """One file per run, each exactly what `temporal workflow show --output json` writes,
    named so that a listing sorts them in order: `<workflow id>.run<N>.<run id>.json`."""
    return [
        (f"{history.workflow_id}.run{index}.{run.run_id}.json", run.to_json_dict())
        for index, run in enumerate(history.runs, start=1)
    ]


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_json_file(path: Path) -> Any:
    """The JSON document in `path`; any fault is a `HistoryFileError` naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HistoryFileError(str(path), "missing") from None
    except IsADirectoryError:
        raise HistoryFileError(str(path), "folder") from None
    except UnicodeDecodeError:
        raise HistoryFileError(str(path), "not_utf8") from None
    except OSError as err:
        raise HistoryFileError(str(path), "unreadable", err.strerror or "") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise HistoryFileError(
            str(path), "not_json", f"line {err.lineno}", line=err.lineno, column=err.colno
        ) from None


def read_history_file(path: Path) -> PathwayHistory:
    """The history in one of our exports, a Temporal JSON history, or a bundle."""
    return parse_history_document(read_json_file(path), str(path), default_id=path.stem)


def parse_history_document(document: Any, source: str, *, default_id: str = "") -> PathwayHistory:
    if not isinstance(document, dict):
        raise HistoryFileError(source, "shape")
    kind = document.get("format")
    if kind in (HISTORY_FORMAT, BUNDLE_FORMAT):
        workflow_id = str(document.get("workflowId") or default_id)
        raw_runs = document.get("runs")
        if not isinstance(raw_runs, list) or not raw_runs:
            raise HistoryFileError(source, "shape")
        event_lists = [
            _events_of_run(run, source, bundle=kind == BUNDLE_FORMAT) for run in raw_runs
        ]
    elif "events" in document:
        workflow_id = default_id
        event_lists = [document["events"]]
    else:
        raise HistoryFileError(source, "shape")
    runs = tuple(
        _parse_run(workflow_id, events, source, index) for index, events in enumerate(event_lists)
    )
    return PathwayHistory(workflow_id, runs, source)


def _events_of_run(run: Any, source: str, *, bundle: bool) -> Any:
    if not isinstance(run, dict):
        raise HistoryFileError(source, "shape")
    if not bundle:
        return run.get("events")
    entries = run.get("entries")
    if not isinstance(entries, list):
        raise HistoryFileError(source, "shape")
    return [entry.get("event") if isinstance(entry, dict) else None for entry in entries]


def _parse_run(workflow_id: str, events: Any, source: str, index: int) -> WorkflowHistory:
    if not isinstance(events, list) or not events:
        raise HistoryFileError(source, "no_events", str(index + 1))
    try:
        run = WorkflowHistory.from_json(workflow_id, {"events": events})
    except (ValueError, TypeError, AttributeError, json_format.Error) as err:
        raise HistoryFileError(source, "bad_event", str(err).splitlines()[0][:200]) from None
    fault = sequence_fault([event.event_id for event in run.events])
    if fault is not None:
        raise HistoryFileError(
            source,
            f"event_{fault.kind}",
            run=index + 1,
            event=fault.expected,
            found=fault.found,
        )
    if not run.events[0].HasField("workflow_execution_started_event_attributes"):
        raise HistoryFileError(source, "not_started", str(index + 1))
    return run


def event_dicts(events: Sequence[HistoryEvent]) -> list[dict[str, Any]]:
    """Events in the JSON form Temporal's tools write (camelCase, int64 as strings)."""
    message = json_format.MessageToDict(History(events=events))
    found: list[dict[str, Any]] = message.get("events", [])
    return found
