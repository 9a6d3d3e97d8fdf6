"""What an audit checks before it uses a history, so that it never reports on one it
should not trust. In order:

1. a bundle's hash chain, exactly as `parcours audit verify` checks it
   (`bundle.verify_bundle`): a bundle whose chain does not hold is not read at all;
2. each run's events numbered 1, 2, 3... as Temporal numbers them (`history.sequence_fault`,
   for every file): an event removed or moved shows even where there is no chain;
3. the workflow: a pathway's (`ParticipantPathway`), not another workflow's;
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
from parcours.workflows.messages import WORKFLOW_TYPE


class BrokenBundle(Exception):
    """A bundle whose chain does not hold: `verdict` names its first broken link."""

    def __init__(self, path: str, verdict: Verdict) -> None:
        super().__init__(f"{path}: broken bundle ({verdict.broken})")
        self.path, self.verdict = path, verdict


class NotAPathway(Exception):
    """The history of another workflow than a pathway: `found` names its type."""

    def __init__(self, source: str, found: str) -> None:
        super().__init__(f"{source}: a {found} history, not a {WORKFLOW_TYPE} one")
        self.source, self.found, self.expected = source, found, WORKFLOW_TYPE


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
    ensure_pathway(history)
    return history


def source_of(history: PathwayHistory) -> str:
    """How a message names a history: its file, else its workflow id."""
    return history.source or history.workflow_id


def ensure_pathway(history: PathwayHistory) -> None:
    started = history.runs[0].events[0].workflow_execution_started_event_attributes
    if started.workflow_type.name != WORKFLOW_TYPE:
        raise NotAPathway(source_of(history), started.workflow_type.name)


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
    """Every payload a message holds, however deep, in maps and lists too."""
    for _, value in message.ListFields():
        if isinstance(value, Payload):
            yield value
        elif isinstance(value, Message):
            yield from payloads_in(value)
        elif not isinstance(value, str | bytes | int | float | bool):
            items = value.values() if hasattr(value, "values") else value
            for item in items:
                if isinstance(item, Payload):
                    yield item
                elif isinstance(item, Message):
                    yield from payloads_in(item)
