"""An audit bundle: a pathway's whole history, hash-chained, with its programme.

    {"format": "parcours-audit-bundle/1", "workflowId": ..., "programme": {...},
     "genesis": H0, "runs": [{"runId": ..., "entries": [{"hash": H1, "event": {...}}, ...]}],
     "head": Hn}

`H0` is the SHA-256 of the canonical JSON of the header (format, workflow id, run ids,
programme definition); each entry's hash is SHA-256(previous hash, as hex text, followed
by the canonical JSON of its event), the chain running through every run in order; the
head is the last hash. Canonical JSON: keys sorted, no spaces, UTF-8.

Changing any byte of an event breaks its link; rewriting every hash after it changes the
head, so keep the head printed by `parcours audit bundle` apart from the file (a ticket, a
signed mail) and give it to `parcours audit verify --head`. Payloads stay encrypted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from parcours.audit.history import (
    BUNDLE_FORMAT,
    HistoryFileError,
    PathwayHistory,
    event_dicts,
    sequence_fault,
)


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(previous: str, event: Any) -> str:
    return hashlib.sha256(previous.encode("ascii") + canonical(event)).hexdigest()


def genesis(workflow_id: Any, run_ids: Any, programme: Any) -> str:
    header = {
        "format": BUNDLE_FORMAT,
        "workflowId": workflow_id,
        "runIds": run_ids,
        "programme": programme,
    }
    return hashlib.sha256(canonical(header)).hexdigest()


def make_bundle(history: PathwayHistory, programme: dict[str, Any]) -> dict[str, Any]:
    start = genesis(history.workflow_id, history.run_ids, programme)
    previous = start
    runs = []
    for run in history.runs:
        entries = []
        for event in event_dicts(run.events):
            previous = link(previous, event)
            entries.append({"hash": previous, "event": event})
        runs.append({"runId": run.run_id, "entries": entries})
    return {
        "format": BUNDLE_FORMAT,
        "workflowId": history.workflow_id,
        "programme": programme,
        "genesis": start,
        "runs": runs,
        "head": previous,
    }


@dataclass(frozen=True)
class Verdict:
    """What `verify` found; when broken, the first link that does not hold.

    `broken`: "" (intact), "header", "event" (an event was changed), "missing" (an event
    was removed), "order" (events were moved), "head" (the recorded head is not the
    chain's end) or "expected" (the chain holds but ends on another head than the one
    given). `run` is 1-based; `event_id` is the id of the event changed, removed or
    expected there; `found` the id of the event that stands there instead.
    """

    head: str
    runs: int
    events: int
    broken: str = ""
    run: int = 0
    run_id: str = ""
    event_id: str = ""
    found: str = ""

    @property
    def intact(self) -> bool:
        return not self.broken


def verify_bundle(document: Any, source: str, expected_head: str | None = None) -> Verdict:
    """Recompute the chain of a bundle document and report the first broken link.

    `parcours audit verify` runs it, and so does every audit command given a bundle
    before it reads anything from it (`audit.checks`)."""
    runs = _bundle_runs(document, source)
    recorded = str(document.get("head", ""))
    count = sum(len(r["entries"]) for r in runs)
    run_ids = [r.get("runId") for r in runs]
    previous = genesis(document.get("workflowId"), run_ids, document.get("programme"))
    if previous != document.get("genesis"):
        return Verdict(recorded, len(runs), count, "header")
    for index, run in enumerate(runs, start=1):
        previous, broken = _chain_run(previous, run["entries"])
        if broken is not None:
            kind, event_id, found = broken
            run_id = str(run.get("runId", ""))
            return Verdict(recorded, len(runs), count, kind, index, run_id, event_id, found)
    if previous != document.get("head"):
        return Verdict(recorded, len(runs), count, "head")
    if expected_head is not None and expected_head.strip().lower() != previous:
        return Verdict(previous, len(runs), count, "expected")
    return Verdict(previous, len(runs), count)


def _bundle_runs(document: Any, source: str) -> list[dict[str, Any]]:
    if not isinstance(document, dict) or document.get("format") != BUNDLE_FORMAT:
        raise HistoryFileError(source, "not_bundle")
    runs = document.get("runs")
    if not isinstance(runs, list) or not all(
        isinstance(r, dict) and isinstance(r.get("entries"), list) for r in runs
    ):
        raise HistoryFileError(source, "shape")
    return runs


def _chain_run(previous: str, entries: list[Any]) -> tuple[str, tuple[str, str, str] | None]:
    """The chain through one run's entries: the hash it ends on, or the first broken link
    as (kind, event id, event found there). An event removed or moved is named as such
    (its ids stop counting 1, 2, 3...) rather than as the link it breaks."""
    events = [entry.get("event") if isinstance(entry, dict) else None for entry in entries]
    fault = sequence_fault([_event_number(event) for event in events])
    for position, (entry, event) in enumerate(zip(entries, events, strict=True)):
        if fault is not None and fault.position == position:
            return previous, (fault.kind, str(fault.expected), str(fault.found))
        previous = link(previous, event)
        if not isinstance(entry, dict) or entry.get("hash") != previous:
            number = _event_number(event)
            return previous, ("event", str(number) if number else "?", "")
    return previous, None


def _event_number(event: Any) -> int:
    """The id an event of a bundle carries (a string in Temporal's JSON); 0 if none."""
    number = event.get("eventId") if isinstance(event, dict) else None
    try:
        return int(str(number))
    except ValueError:
        return 0
