"""Damaged copies of real recorded histories and bundles, damaged as a person would: an
event deleted, two events swapped, the programme definition changed, one byte of an
encrypted payload flipped. Each writes a new file and leaves the committed one alone."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

from parcours.adapters.temporal.encryption import NONCE_SIZE
from tests.histories.record import HERE

FULL = HERE / "atp-full-pathway.json"
"""A whole ATP pathway, recorded by `make histories` and committed: one run."""

REGISTRY = Path(__file__).parent / "histories" / "referral-registry.json"
"""A recorded history of the referral registry workflow, not of a pathway."""

DELETED, FIRST_SWAPPED, SECOND_SWAPPED = 11, 5, 11
"""Staff decisions of FULL (`WorkflowExecutionUpdateAccepted` events): the one deleted,
and two whose order is swapped."""

TAMPERED = 5
"""The event whose encrypted payload (a staff command) gets one byte flipped."""


def read(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def write(document: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def event_id(event: dict[str, Any]) -> int:
    return int(event["eventId"])


def bundle_without_event(bundle: dict[str, Any], removed: int = DELETED) -> dict[str, Any]:
    changed = copy.deepcopy(bundle)
    entries = changed["runs"][0]["entries"]
    entries[:] = [e for e in entries if event_id(e["event"]) != removed]
    return changed


def bundle_swapped(
    bundle: dict[str, Any], first: int = FIRST_SWAPPED, second: int = SECOND_SWAPPED
) -> dict[str, Any]:
    """Two whole entries (event and hash) exchanged: each link holds on its own."""
    changed = copy.deepcopy(bundle)
    entries = changed["runs"][0]["entries"]
    at = {event_id(e["event"]): i for i, e in enumerate(entries)}
    entries[at[first]], entries[at[second]] = entries[at[second]], entries[at[first]]
    return changed


def bundle_with_longer_accompaniment(bundle: dict[str, Any]) -> dict[str, Any]:
    """The programme the pathway ran under, said to accompany for 36 months, not 24."""
    changed = copy.deepcopy(bundle)
    accompaniment = changed["programme"]["accompaniment"]
    assert accompaniment["months"] == 24
    accompaniment["months"] = 36
    return changed


def history_without_event(history: dict[str, Any], removed: int = DELETED) -> dict[str, Any]:
    changed = copy.deepcopy(history)
    changed["events"] = [e for e in changed["events"] if event_id(e) != removed]
    return changed


def history_swapped(
    history: dict[str, Any], first: int = FIRST_SWAPPED, second: int = SECOND_SWAPPED
) -> dict[str, Any]:
    changed = copy.deepcopy(history)
    events = changed["events"]
    at = {event_id(e): i for i, e in enumerate(events)}
    events[at[first]], events[at[second]] = events[at[second]], events[at[first]]
    return changed


ENCRYPTED = base64.b64encode(b"binary/encrypted").decode()
"""The `encoding` metadata of an encrypted payload, as Temporal's JSON writes it."""


def first_decision(history: dict[str, Any]) -> int:
    """The id of the first staff command the workflow accepted."""
    accepted = "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED"
    return next(event_id(e) for e in history["events"] if e["eventType"] == accepted)


def history_with_flipped_byte(history: dict[str, Any], tampered: int = TAMPERED) -> dict[str, Any]:
    """One bit of the ciphertext of the last encrypted payload of event `tampered` flipped."""
    changed = copy.deepcopy(history)
    [event] = [e for e in changed["events"] if event_id(e) == tampered]
    payload = [p for p in _payloads(event) if p["metadata"].get("encoding") == ENCRYPTED][-1]
    sealed = bytearray(base64.b64decode(payload["data"]))
    sealed[NONCE_SIZE + 3] ^= 0x01
    payload["data"] = base64.b64encode(bytes(sealed)).decode()
    return changed


def _payloads(value: Any) -> list[dict[str, Any]]:
    """Every payload in a JSON event, in document order."""
    if isinstance(value, list):
        return [p for item in value for p in _payloads(item)]
    if not isinstance(value, dict):
        return []
    if "metadata" in value and "data" in value:
        return [value]
    return [p for item in value.values() for p in _payloads(item)]
