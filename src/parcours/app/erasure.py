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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from parcours.activities.erasure import delete_outbox_files, marks_of
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.readmodel import Store
from parcours.adapters.temporal.keys import Keyring
from parcours.adapters.temporal.sealing import ERASED, SEALED
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.app.health import latest_run
from parcours.app.read_log import ReadCommand, log_reads
from parcours.app.recipients import Recipient, recipients_of
from parcours.app.reservations import Reservations
from parcours.app.returns import linked
from parcours.app.started import UNFINISHED_STATUSES, Started, read_start
from parcours.domain.commands.lifecycle import LifecycleEvent
from parcours.domain.erasure import already_erased, check_erasure_request
from parcours.domain.errors import CLOSED_RULE, DomainError
from parcours.domain.records import PathwayState, RequestMeta
from parcours.programmes import get_programme
from parcours.workflows.erasure import ERASE_PERSON_UPDATE
from parcours.workflows.messages import Participant, UpdateResult


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
    identity_unread: bool = False
    """Its start held no identity parcours could read (a start its workflow could not
    take): its reservations, found by the identity, could not be looked for."""
    reasons_in_clear: int = 0
    """Reasons its history keeps as typed, which destroying the keys leaves readable to
    whoever holds the keyring: typed before reasons were sealed (or on a pathway with no
    key). The erasure's own reason, kept as the record of why, is not counted."""
    reasons_counted_from_start: bool = False
    """For a run that never ended: only what its start carried was counted (the reasons
    of its updates since are in its history too), so `reasons_in_clear` is a least."""
    others: tuple[str, ...] = ()
    """The person's other pathways in the programme that still run (referred again after
    an exit, or the one they left before): their records stay until erased in turn."""
    recipients: tuple[Recipient, ...] = ()
    """The partners sent messages about the person, to be told of the erasure."""


async def erase_person(
    pathways: PathwayClient, store: Store, keyring: Keyring, pathway_id: str, meta: RequestMeta
) -> Erased:
    """Erase the person of `pathway_id`; refused (`RequestRefused`, `already_erased`) when
    they were erased already and nothing of them is left to destroy. Opening the identity
    (to find the reservations) is a read: logged first (`erase`). A pathway whose workflow
    never ran to the end (failed, closed by `doctor close`, cancelled, timed out) answers
    nothing: its person is read from its start (`app.started`), and its history records
    nothing more. One that cannot run is refused (`PathwayCannotRun`, which says how to
    close it first)."""
    try:
        check_erasure_request(meta)
    except DomainError as err:
        raise RequestRefused.of(err) from None
    run = await latest_run(pathways.temporal, pathway_id)
    if run.status in UNFINISHED_STATUSES:
        start = await read_start(pathways.temporal, pathway_id, run)
        return await _erase_unanswering(pathways, store, keyring, start, meta)
    erased_at = await _erased_at_with_keys_left(pathways, store, pathway_id)
    raw = await pathways.participant_as_stored(pathway_id)
    person = await _opened(store, keyring, pathway_id, raw, meta)
    seq, recorded = await _record(pathways, pathway_id, meta, erased_at)
    stored = await pathways.state_as_stored(pathway_id)
    whose = (stored.programme, person)
    others = await _others(pathways, keyring, stored, whose, meta)
    told = await asyncio.to_thread(recipients_of, store, pathway_id, _partner_fields(stored))
    done = await _destroy(pathways, store, keyring, pathway_id, whose)
    erasure = LifecycleEvent.PERSON_ERASED  # its reason is the record of why: kept
    in_clear = in_clear_count(e.reason for e in stored.timeline if e.kind != erasure)
    return Erased(
        pathway_id,
        seq,
        recorded,
        *done,
        _legacy(raw),
        reasons_in_clear=in_clear,
        others=others,
        recipients=told,
    )


def _partner_fields(stored: PathwayState) -> dict[str, list[str]]:
    """The fields the pathway's pinned programme sends each kind of partner, worked out
    before anything is destroyed, so the erasure's answer cannot fail after it."""
    programme = get_programme(stored.programme, stored.programme_version)
    return {kind.value: names for kind, names in programme.partner_fields.items()}


async def _others(
    pathways: PathwayClient,
    keyring: Keyring,
    erased: PathwayState,
    whose: tuple[str, Participant],
    meta: RequestMeta,
) -> tuple[str, ...]:
    """The person's other running pathways: the one the reservation holds and the one it
    held before (the pathway left before a return), and every earlier pathway a pathway
    among these names (`earlier_pathway_id`: a person who came back more than once). When
    the erased pathway holds the reservation, it goes to the latest of them, so that the
    person stays held and the next erasure still finds them all."""
    programme, person = whose
    marks = marks_of(keyring, programme, person)
    reservations = Reservations(pathways.temporal, pathways.task_queue, programme, marks)
    known = {erased.earlier_pathway_id}
    if marks:
        known |= {await reservations.holder(), await reservations.previous()}
    running = await _running_with_earlier(pathways, known - {"", erased.pathway_id})
    running.pop(erased.pathway_id, None)
    if marks and (latest := _latest(running)):
        await reservations.hand_over(erased.pathway_id, latest, meta)
    return tuple(sorted(running))


async def _running_with_earlier(pathways: PathwayClient, found: set[str]) -> dict[str, str]:
    """Which of `found` still run, each with the earlier pathway it names, and those in
    turn, through pathways that ended (erased, closed) too: a chain of returns is short,
    one pathway per time the person came back."""
    running: dict[str, str] = {}
    seen: set[str] = set()
    waiting = set(found)
    while waiting:
        pathway_id = waiting.pop()
        seen.add(pathway_id)
        earlier = await linked(pathways, pathway_id)
        if await pathways.running(pathway_id):
            running[pathway_id] = earlier
        waiting |= {earlier} - {""} - seen
    return running


def _latest(running: dict[str, str]) -> str:
    """The pathway no other among `running` follows: the person's latest referral."""
    heads = sorted(set(running) - set(running.values()))
    return heads[-1] if heads else ""


async def _erase_unanswering(
    pathways: PathwayClient, store: Store, keyring: Keyring, start: Started, meta: RequestMeta
) -> Erased:
    """The erasure of a pathway whose workflow never ran to the end: as for one whose run
    has ended, nothing is recorded in its history, and erasing it again is harmless. A
    start whose identity cannot be read (the input its workflow could not take) still has
    its keys and files destroyed; its reservations cannot be found, and the answer says so."""
    pathway_id, raw = start.pathway_id, start.participant
    if raw is None:
        await _log_erasure(store, pathway_id, meta)
        done = await _destroy(pathways, store, keyring, pathway_id, None)
        return Erased(pathway_id, None, False, *done, legacy=False, identity_unread=True)
    person = await _opened(store, keyring, pathway_id, raw, meta)
    programme = str(start.programme.get("name", ""))
    done = await _destroy(pathways, store, keyring, pathway_id, (programme, person))
    in_clear = in_clear_count(start_reasons(start))
    fields = start.programme.get("partner_fields") or {}
    return Erased(
        pathway_id,
        None,
        False,
        *done,
        _legacy(raw),
        reasons_in_clear=in_clear,
        reasons_counted_from_start=True,
        recipients=await asyncio.to_thread(recipients_of, store, pathway_id, fields),
    )


def in_clear_count(reasons: Iterable[str]) -> int:
    """How many of `reasons` are text as typed, not sealed under the person's key."""
    return sum(1 for reason in reasons if reason.strip() and not SEALED.search(reason))


def start_reasons(start: Started) -> Iterator[str]:
    """The reasons a start input carries: the referral's, and those of the timeline a
    continued run was started with (a run that never ended answers no query, so the
    reasons of its updates since are not counted)."""
    timeline = start.state.get("timeline") or ()
    reasons = [e.get("reason") for e in timeline if isinstance(e, dict)]
    yield from (r for r in reasons if isinstance(r, str))
    if not timeline:  # a first run: the referral's reason is its start's own
        yield start.referral_reason


def _legacy(raw: Participant) -> bool:
    """Referred before identities were sealed (see the module's note)."""
    return not SEALED.search(raw.last_name) and raw.last_name != ERASED


async def _opened(
    store: Store, keyring: Keyring, pathway_id: str, raw: Participant, meta: RequestMeta
) -> Participant:
    """The identity, opened: a read of the person, logged first."""
    await _log_erasure(store, pathway_id, meta)
    sealer = PersonSealer(lambda: store, keyring)
    return cast(Participant, await asyncio.to_thread(sealer.open, raw))


async def _log_erasure(store: Store, pathway_id: str, meta: RequestMeta) -> None:
    """Who erased, when, which pathway: in the read log, before anything is opened."""
    proved = meta.key_id or None  # the credential the front end proved, if it did
    await asyncio.to_thread(
        log_reads, store, meta.actor, ReadCommand.ERASE, [pathway_id], key_id=proved
    )


async def _destroy(
    pathways: PathwayClient,
    store: Store,
    keyring: Keyring,
    pathway_id: str,
    whose: tuple[str, Participant] | None,
) -> tuple[int, int, int]:
    """Steps 2 to 4: the reservations of the person (`whose`: programme and identity, None
    when the identity cannot be read), the outbox files, the keys (how many of each, keys
    first in the answer)."""
    deleted = 0
    if whose is not None:
        programme, person = whose
        marks = marks_of(keyring, programme, person)
        reservations = Reservations(pathways.temporal, pathways.task_queue, programme, marks)
        deleted = await reservations.erase(pathway_id) if marks else 0
    files = await asyncio.to_thread(delete_outbox_files, store, pathway_id)
    sealer = PersonSealer(lambda: store, keyring)
    keys = await asyncio.to_thread(sealer.destroy, pathway_id)
    return keys, deleted, files


async def _erased_at_with_keys_left(
    pathways: PathwayClient, store: Store, pathway_id: str
) -> datetime | None:
    """When an earlier erasure recorded the person's erasure but stopped before the keys
    were destroyed (the rest goes on), None when they are not erased yet; the refusal
    `already_erased` when nothing of them is left to destroy, before anything is opened,
    so a refused erasure reads, and logs, nothing."""
    erased_at = (await pathways.state(pathway_id)).erased_at
    if erased_at is None:
        return None
    if await asyncio.to_thread(store.keys_of_pathway, pathway_id):
        return erased_at
    raise RequestRefused.of(already_erased(erased_at))


async def _record(
    pathways: PathwayClient, pathway_id: str, meta: RequestMeta, erased_at: datetime | None
) -> tuple[int | None, bool]:
    """The erasure's event, recorded by the pathway, and whether the history holds it. One
    recorded by an earlier erasure (`erased_at`) is not recorded again."""
    if erased_at is not None:
        return None, True
    try:
        done = await pathways.update(pathway_id, ERASE_PERSON_UPDATE, [meta], meta, UpdateResult)
    except RequestRefused as err:
        if err.rule != CLOSED_RULE:  # its run has ended: nothing more is recorded
            raise
        return None, False
    return cast(UpdateResult, done).seq, True
