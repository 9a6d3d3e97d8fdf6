"""Who read what: every read that shows a person's file, logged before it is shown.

A read is logged with who (the session's staff id and role, and the key id of the
credential that proves them, when the front end proved it: the CLI does, see
`cli.reads`), when, which pathway (or which programme, for a read over a whole
programme) and which command; never what was read. Front ends call `log_reads` once the
identity has been fetched for display and before they show it: when the log cannot be
written they show nothing, so no read goes unlogged. The log is the read model's
`read_log` table, append-only.

What is logged, by command (`ReadCommand`):
- `show`: the pathway's status with the person's identity (staff, coordinators), and the
  reasons staff typed (waivers) for every role;
- `timeline`: the pathway's events with the reasons staff typed, for every role;
- `extract`: one entry per pathway whose birth date was opened for the age band;
- `report_unmasked`: a programme's small counts read unmasked (no pathway);
- `audit_trail`, `audit_at`: a pathway's events with their reasons, or its state at an
  instant, read from its history (a file or the service);
- `erase`: an erasure opened the identity one last time, to find the person's
  reservations; for a pathway whose run had ended, this entry is the erasure's only trace;
- `find`: a search for a person by name and birth date (`parcours find`): one entry per
  pathway found, or one without a pathway when none was (who looked, not for whom);
- `codec_decode`: a decode by the Temporal web UI's codec server (`parcours.codec`): one
  entry per pathway the opened payloads name, or one without a pathway.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from parcours.adapters.readmodel import Read, ReadEntry
from parcours.app.errors import PathwayNotFound
from parcours.app.references import (
    SHORT_REFERENCE,
    SHORTEST_REFERENCE,
    AmbiguousReference,
    ReferenceTooShort,
)
from parcours.domain.records import PATHWAY_ID

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.domain.records import Actor


class ReadCommand(StrEnum):
    """The command a read was made with, as the log names it."""

    SHOW = "show"
    TIMELINE = "timeline"
    EXTRACT = "extract"
    REPORT_UNMASKED = "report_unmasked"
    CODEC_DECODE = "codec_decode"
    AUDIT_TRAIL = "audit_trail"
    AUDIT_AT = "audit_at"
    ERASE = "erase"
    ERASE_CONFIRM = "erase_confirm"
    DOCTOR = "doctor"
    FIND = "find"
    RESERVE_AGAIN = "reserve_again"


def log_reads(
    store: Store,
    reader: Actor,
    command: ReadCommand,
    pathway_ids: Iterable[str] = (),
    programme: str | None = None,
    *,
    key_id: str | None = None,
) -> None:
    """Log one read per pathway in `pathway_ids` (one read of `programme` when none is
    given), in one transaction, with the key id of the credential the reader proved (None
    when none was). Raises what the database raises: the caller shows nothing then."""
    ids = list(dict.fromkeys(pathway_ids))
    targets: list[str | None] = list(ids) if ids else [None]
    store.log_reads(
        [
            Read(reader.actor_id, reader.role, command.value, pid, programme, key_id)
            for pid in targets
        ]
    )


def read_pathway(store: Store, reference: str) -> str:
    """The pathway a reference names: a whole id, or the one id a short reference starts
    with, among the pathways the log holds reads of and those the read model projects.
    One that names none is not found (`PathwayNotFound`), rather than listed as read by
    no one; one naming several is ambiguous."""
    reference = reference.strip().lower()
    if PATHWAY_ID.fullmatch(reference):
        if store.get_participant(reference) or reference in store.read_pathways_like(reference):
            return reference
        raise PathwayNotFound(reference)
    match = SHORT_REFERENCE.fullmatch(reference)
    if match is None:
        if len(reference.removeprefix("pathway-")) < SHORTEST_REFERENCE:
            raise ReferenceTooShort(reference, SHORTEST_REFERENCE)
        raise PathwayNotFound(reference)
    prefix = f"pathway-{match.group('prefix')}"
    found = sorted(set(store.read_pathways_like(prefix)) | set(store.pathways_like(prefix)))
    if len(found) > 1:
        raise AmbiguousReference(reference, found)
    if not found:
        raise PathwayNotFound(reference)
    return found[0]


def reads(
    store: Store,
    reference: str | None = None,
    actor_id: str | None = None,
    since: datetime | None = None,
) -> list[ReadEntry]:
    """The reads logged, oldest first: of one pathway, by one reader, from an instant."""
    pathway_id = read_pathway(store, reference) if reference else None
    return store.list_reads(pathway_id, actor_id, since)
