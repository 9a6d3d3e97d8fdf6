"""Erasing a person: what `parcours erase` does, for any front end.

In this order, so that an erasure interrupted half-way is finished by running it again:
1. the pathway records the erasure (who, when, why) and closes for good;
2. the person's reservations are deleted (their ids are keyed fingerprints of the
   identity, computed while it can still be opened);
3. the partner messages the file channel wrote about them are deleted;
4. the person's keys are destroyed: every value sealed under them, in the history, the
   read model, exports and backups, can never be opened again.
Steps 2 to 4 are shared with the pathway's own erasure at the end of its retention
(`activities.erasure`). A pathway referred before identities were sealed keeps, in its
history's start input, the identity encrypted under the shared keyring: the result says
so (`legacy`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import cast

from parcours.activities.erasure import delete_outbox_files, marks_of
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.readmodel import Store
from parcours.adapters.temporal.keys import Keyring
from parcours.adapters.temporal.sealing import ERASED, SEALED
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.app.read_log import ReadCommand, log_reads
from parcours.app.reservations import Reservations
from parcours.domain.erasure import already_erased
from parcours.domain.records import RequestMeta
from parcours.workflows.erasure import ERASE_PERSON_UPDATE
from parcours.workflows.messages import UpdateResult


@dataclass(frozen=True)
class Erased:
    """What an erasure did."""

    pathway_id: str
    seq: int | None
    """The erasure's event; None when it was not recorded now (see `recorded`)."""
    recorded: bool
    """Whether the pathway's history holds the erasure: False when its run had already
    ended (closed for good, or exited before exited pathways were kept), which records
    nothing more; the read log then keeps who erased, when and which pathway."""
    keys_destroyed: int
    reservations_deleted: int
    files_deleted: int
    legacy: bool
    """The pathway was referred before identities were sealed (see the module's note)."""


async def erase_person(
    pathways: PathwayClient, store: Store, keyring: Keyring, pathway_id: str, meta: RequestMeta
) -> Erased:
    """Erase the person of `pathway_id`; refused (`RequestRefused`, `already_erased`) when
    they were erased already and nothing of them is left to destroy. Opening the identity
    (to find the reservations) is a read: logged first (`erase`)."""
    sealer = PersonSealer(lambda: store, keyring)
    raw = await pathways.participant_as_stored(pathway_id)
    legacy = not SEALED.search(raw.last_name) and raw.last_name != ERASED
    proved = meta.key_id or None  # the credential the front end proved, if it did
    await asyncio.to_thread(
        log_reads, store, meta.actor, ReadCommand.ERASE, [pathway_id], key_id=proved
    )
    person = await asyncio.to_thread(sealer.open, raw)
    seq, recorded = await _record(pathways, store, pathway_id, meta)
    state = await pathways.state(pathway_id)
    marks = marks_of(keyring, state.programme, person)
    reservations = Reservations(pathways.temporal, pathways.task_queue, state.programme, marks)
    deleted = await reservations.erase(pathway_id) if marks else 0
    files = await asyncio.to_thread(delete_outbox_files, store, pathway_id)
    keys = await asyncio.to_thread(sealer.destroy, pathway_id)
    return Erased(pathway_id, seq, recorded, keys, deleted, files, legacy)


async def _record(
    pathways: PathwayClient, store: Store, pathway_id: str, meta: RequestMeta
) -> tuple[int | None, bool]:
    """The erasure's event, recorded by the pathway, and whether the history holds it. One
    recorded by an earlier erasure that stopped before the keys were destroyed is not
    recorded again: the rest goes on."""
    erased_at = (await pathways.state(pathway_id)).erased_at
    if erased_at is None:
        try:
            done = await pathways.update(
                pathway_id, ERASE_PERSON_UPDATE, [meta], meta, UpdateResult
            )
        except RequestRefused as err:
            if err.rule != "pathway_closed":  # its run has ended: nothing more is recorded
                raise
            return None, False
        return cast(UpdateResult, done).seq, True
    if await asyncio.to_thread(store.keys_of_pathway, pathway_id):
        return None, True
    refused = already_erased(erased_at)
    raise RequestRefused(refused.message, refused.rule, [], refused.code, refused.values)
