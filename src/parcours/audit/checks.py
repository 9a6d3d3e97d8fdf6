"""What an audit checks before it uses a history, so that it never reports on one it
should not trust. In order:

1. a bundle's hash chain, exactly as `parcours audit verify` checks it
   (`bundle.verify_bundle`): a bundle whose chain does not hold is not read at all;
2. each run's events numbered 1, 2, 3... as Temporal numbers them (`history.sequence_fault`,
   for every file): an event removed or moved shows even where there is no chain;
3. the workflow: a pathway's (`ParticipantPathway`) or a job-dating's (`JobDating`), not
   another workflow's (`at` and the pathway's trail then want a pathway's);
4. every encrypted payload opens with the keys. A payload that fails authentication
   under a key that opens the history's other payloads was altered, or is not from this
   service; when that key opens none of them, the key itself is not the one that
   encrypted the history (a wrong key, not an altered history); a key id the keys do not
   hold at all is an unknown key.

The first two run as a file is read (`read_checked_history`); the last two wherever a
history is decoded or replayed (`recording.record_of`, `replay.replay_histories`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter

from parcours.adapters.temporal.encryption import (
    KEY_ID_METADATA,
    DecryptionError,
    FailedAuthentication,
)
from parcours.audit.bundle import Verdict, verify_bundle
from parcours.audit.history import (
    BUNDLE_FORMAT,
    PathwayHistory,
    parse_history_document,
    read_json_file,
)
from parcours.workflows.jobdating_messages import JOBDATING_TYPE
from parcours.workflows.messages import WORKFLOW_TYPE

AUDITED_TYPES = (WORKFLOW_TYPE, JOBDATING_TYPE)
"""The workflows whose histories an audit reads: pathways and job-dating events."""


class BrokenBundle(Exception):
    """A bundle whose chain does not hold: `verdict` names its first broken link."""

    def __init__(self, path: str, verdict: Verdict) -> None:
        super().__init__(f"{path}: broken bundle ({verdict.broken})")
        self.path, self.verdict = path, verdict


class NotAPathway(Exception):
    """The history of a workflow the audit does not read: `found` names its type,
    `expected` those it reads."""

    def __init__(self, source: str, found: str, expected: str = ", ".join(AUDITED_TYPES)) -> None:
        super().__init__(f"{source}: a {found} history, not a {expected} one")
        self.source, self.found, self.expected = source, found, expected


class AlteredPayload(Exception):
    """A payload that fails authentication under a key that opens the history's others."""

    def __init__(self, source: str, run: int, event_id: int, key_id: str) -> None:
        super().__init__(f"{source}: the payload of event {event_id} (run {run}) was altered")
        self.source, self.run, self.event_id, self.key_id = source, run, event_id, key_id


class WrongKey(DecryptionError):
    """The keys hold the history's key id, but that key opens none of its payloads."""


def read_checked_history(path: Path) -> PathwayHistory:
    """The history in a file, once its chain (for a bundle) and its event ids check out,
    and once it is a pathway's."""
    document = read_json_file(path)
    if isinstance(document, dict) and document.get("format") == BUNDLE_FORMAT:
        verdict = verify_bundle(document, str(path))
        if not verdict.intact:
            raise BrokenBundle(str(path), verdict)
    history = parse_history_document(document, str(path), default_id=path.stem)
    ensure_audited(history)
    return history


def source_of(history: PathwayHistory) -> str:
    """How a message names a history: its file, else its workflow id."""
    return history.source or history.workflow_id


def workflow_type(history: PathwayHistory) -> str:
    return history.runs[0].events[0].workflow_execution_started_event_attributes.workflow_type.name


def is_jobdating(history: PathwayHistory) -> bool:
    return workflow_type(history) == JOBDATING_TYPE


def ensure_pathway(history: PathwayHistory) -> None:
    """A pathway's history: what `audit at` and a pathway's trail fold."""
    if workflow_type(history) != WORKFLOW_TYPE:
        raise NotAPathway(source_of(history), workflow_type(history), WORKFLOW_TYPE)


def ensure_audited(history: PathwayHistory) -> None:
    """A pathway's or a job-dating's history: what `audit replay` checks."""
    if workflow_type(history) not in AUDITED_TYPES:
        raise NotAPathway(source_of(history), workflow_type(history))


async def open_every_payload(history: PathwayHistory, converter: DataConverter) -> None:
    """Decrypt every payload of every event once, raising `AlteredPayload`, `WrongKey`
    or the codec's `UnknownKey` (see the module's docstring) before anything uses them."""
    codec = converter.payload_codec
    if codec is None:
        return
    opened: set[str] = set()
    failed: dict[str, tuple[int, int]] = {}
    for run_index, run in enumerate(history.runs, start=1):
        for event in run.events:
            for payload in payloads_in(event):
                try:
                    await codec.decode([payload])
                except FailedAuthentication as err:
                    failed.setdefault(err.key_id, (run_index, event.event_id))
                    continue
                label = payload.metadata.get(KEY_ID_METADATA)
                if label is not None:
                    opened.add(label.decode(errors="replace"))
    for key_id, (run_index, event_id) in failed.items():
        if key_id in opened:
            raise AlteredPayload(source_of(history), run_index, event_id, key_id)
    for key_id in failed:
        raise WrongKey(f"The key {key_id} given did not encrypt this history.", key_id)


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every payload a message holds, however deep, in maps and lists too. Only the
    fields whose type can hold a payload are walked (`_payload_holders`)."""
    holders = _payload_holders(message.DESCRIPTOR)
    for field, value in message.ListFields():
        kind = field.message_type
        if kind is None or kind.full_name not in holders:
            continue
        if isinstance(value, Payload):
            yield value
        elif isinstance(value, Message):
            yield from payloads_in(value)
        else:
            items = value.values() if hasattr(value, "values") else value
            for item in items:
                if isinstance(item, Payload):
                    yield item
                elif isinstance(item, Message):
                    yield from payloads_in(item)


_HOLDERS: dict[str, frozenset[str]] = {}


def _payload_holders(root: Any) -> frozenset[str]:
    """The message types reachable from `root` (a message's DESCRIPTOR) that hold a
    payload, however deep: worked out once per root type, by growing the set until no
    type joins it (types may nest themselves, as a failure its cause)."""
    found = _HOLDERS.get(root.full_name)
    if found is not None:
        return found
    fields_of: dict[str, list[str]] = {}
    waiting = [root]
    while waiting:
        kind = waiting.pop()
        if kind.full_name in fields_of:
            continue
        inner = [f.message_type for f in kind.fields if f.message_type is not None]
        fields_of[kind.full_name] = [t.full_name for t in inner]
        waiting.extend(inner)
    holders = {Payload.DESCRIPTOR.full_name}
    grown = True
    while grown:
        joining = {name for name, inner in fields_of.items() if holders.intersection(inner)}
        grown = not joining <= holders
        holders |= joining
    _HOLDERS[root.full_name] = frozenset(holders)
    return _HOLDERS[root.full_name]
