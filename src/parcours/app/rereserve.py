"""Each running pathway's reservation under the name's current form: a one-off a
coordinator runs after an upgrade that changes how names are compared.

A referral reserves the person under the fingerprint of their name as it is normalised
now (`adapters.temporal.fingerprint`). Until 5 December 2026 a space or an en dash made
another name, so a person referred then as "Le Fèvre" holds the reservation of that
earlier form only: a referral typed "Lefèvre" today computes the current and the earlier
form of "Lefèvre", neither of which is "le fevre", and would start a second pathway.
Claiming each running pathway's reservation again under its name's current form closes
that gap. The name is opened for it with the person's key: a read, logged
(`reserve_again`) before anything is opened.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import cast

from parcours.activities.erasure import marks_of
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.readmodel import Store
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.read_log import ReadCommand, log_reads
from parcours.app.reservations import Reservations
from parcours.app.returns import earlier_ones, running_earlier
from parcours.domain.records import RequestMeta
from parcours.workflows.messages import Participant
from parcours.workflows.reservation import Claim

AGAIN = ".reserved-again"
"""Added to the coordinator's request id for each pathway's claim, with its id: one
request per pathway. A run again finds the reservation held already (`Held.ALREADY`)."""


class Held(StrEnum):
    """What became of one pathway's reservation under its name's current form."""

    ALREADY = "already"  # it held it already (referred since, or the name has one form)
    CLAIMED = "claimed"  # claimed now
    OTHER = "other"  # another running pathway holds it: the same person twice?
    SKIPPED = "skipped"  # closed for good, erased, or its person came back in a pathway that runs


@dataclass(frozen=True)
class Reserved:
    pathway_id: str
    held: Held
    holder: str = ""
    """The other pathway holding the reservation (`Held.OTHER`)."""


async def reserve_again(
    pathways: PathwayClient, store: Store, keyring: Keyring, pathway_id: str, meta: RequestMeta
) -> Reserved:
    """Claim the reservation of `pathway_id`'s person under their name's current form,
    unless the pathway holds it already, or another running pathway holds the person
    (said, never taken over); a holder that ended gives way, as it does to a referral."""
    stored = await pathways.state_as_stored(pathway_id)
    if stored.closed_at or stored.erased_at:
        return Reserved(pathway_id, Held.SKIPPED)
    person = await _opened(pathways, store, keyring, pathway_id, meta)
    marks = marks_of(keyring, stored.programme, person)
    if not marks:
        return Reserved(pathway_id, Held.SKIPPED)
    reservations = Reservations(pathways.temporal, pathways.task_queue, stored.programme, marks)
    holder = await reservations.holder()
    if holder == pathway_id:
        return Reserved(pathway_id, Held.ALREADY)
    held = [holder, *await reservations.legacy_holders()] if stored.referred_again_at else [holder]
    for known in filter(None, held):
        running = await _running_for(pathways, known)
        if running and running != pathway_id:
            if await _follows(pathways, running, pathway_id):  # its person came back
                return Reserved(pathway_id, Held.SKIPPED)
            if known == holder:
                return Reserved(pathway_id, Held.OTHER, running)
    request = replace(meta, request_id=f"{meta.request_id}{AGAIN}.{pathway_id}", reason="")
    claim = Claim(pathway_id, request.request_id, replaces=holder, meta=request)
    claimed = await reservations.claim(claim)
    if claimed.pathway_id != pathway_id:  # a referral of the person took it meanwhile
        return Reserved(pathway_id, Held.OTHER, claimed.pathway_id)
    return Reserved(pathway_id, Held.CLAIMED)


async def _opened(
    pathways: PathwayClient, store: Store, keyring: Keyring, pathway_id: str, meta: RequestMeta
) -> Participant:
    """The person's identity, opened with their key: a read, logged first."""
    await asyncio.to_thread(
        log_reads, store, meta.actor, ReadCommand.RESERVE_AGAIN, [pathway_id],
        key_id=meta.key_id or None,
    )  # fmt: skip
    raw = await pathways.participant_as_stored(pathway_id)
    sealer = PersonSealer(lambda: store, keyring)
    return cast(Participant, await asyncio.to_thread(sealer.open, raw))


async def _running_for(pathways: PathwayClient, holder: str) -> str:
    """The running pathway a reservation's holder stands for: itself while it runs, or
    has not started yet (a referral under way: left to it), else the latest earlier
    pathway of the person still running (`returns.running_earlier`)."""
    running = await pathways.running(holder)
    if running is None or running:
        return holder
    return await running_earlier(pathways, holder)


async def _follows(pathways: PathwayClient, later: str, earlier: str) -> bool:
    """Whether `later` is the same person's pathway after `earlier` (they came back)."""
    return earlier in [step async for step in earlier_ones(pathways, later)]
