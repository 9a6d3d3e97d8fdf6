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

from parcours.audit.history import BUNDLE_FORMAT, HistoryFileError, PathwayHistory, event_dicts


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

    `broken`: "" (intact), "header", "event", "head" (the recorded head is not the chain's
    end) or "expected" (the chain holds but ends on another head than the one given).
    `run` is 1-based; `event_id` is the id written in the broken event.
    """

    head: str
    runs: int
    events: int
    broken: str = ""
    run: int = 0
    run_id: str = ""
    event_id: str = ""

    @property
    def intact(self) -> bool:
        return not self.broken


def verify_bundle(document: Any, source: str, expected_head: str | None = None) -> Verdict:
    """Recompute the chain of a bundle document and report the first broken link."""
    if not isinstance(document, dict) or document.get("format") != BUNDLE_FORMAT:
        raise HistoryFileError(source, "not_bundle")
    runs = document.get("runs")
    if not isinstance(runs, list) or not all(
        isinstance(r, dict) and isinstance(r.get("entries"), list) for r in runs
    ):
        raise HistoryFileError(source, "shape")
    run_ids = [r.get("runId") for r in runs]
    count = sum(len(r["entries"]) for r in runs)
    previous = genesis(document.get("workflowId"), run_ids, document.get("programme"))
    if previous != document.get("genesis"):
        return Verdict(str(document.get("head", "")), len(runs), count, "header")
    for index, run in enumerate(runs, start=1):
        for entry in run["entries"]:
            event = entry.get("event") if isinstance(entry, dict) else None
            previous = link(previous, event)
            if not isinstance(entry, dict) or entry.get("hash") != previous:
                event_id = str(event.get("eventId", "?")) if isinstance(event, dict) else "?"
                return Verdict(
                    str(document.get("head", "")),
                    len(runs),
                    count,
                    "event",
                    index,
                    str(run.get("runId", "")),
                    event_id,
                )
    if previous != document.get("head"):
        return Verdict(str(document.get("head", "")), len(runs), count, "head")
    if expected_head is not None and expected_head.strip().lower() != previous:
        return Verdict(previous, len(runs), count, "expected")
    return Verdict(previous, len(runs), count)
