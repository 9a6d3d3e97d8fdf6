"""Referring a person: one open pathway per person per programme.

Any front end refers the same way, so it lives here rather than in the CLI; the rules it
applies (the referral's defaults, what names and reasons may hold) are the domain's:
`domain.commands.intake.referral` and `domain.inputs.check_referral`. Before the pathway
starts, the person's reservation (`app.reservations`, one small workflow per person named
after their keyed fingerprint) is claimed for it, so two referrals of one person cannot
both create a pathway, and referrals of different people never wait for each other.

The pathway id a referral proposes is keyed from its request id
(`referral_pathway_id`): a retry proposes the same id, so it answers the pathway its
first try reserved, started or not, and never starts a second one.

A person whose pathway has exited is still held by it (its follow-up and retention run);
`refer_person(..., returning=True)` refers them again: the exited pathway records
`referred_again` first (`domain.returning`), then the reservation is taken over for the
new pathway.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from temporalio.exceptions import WorkflowAlreadyStartedError

from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.errors import NOT_STARTED, DuplicateReferral, NoEarlierPathway, RequestRefused
from parcours.app.inputs import check_referral, check_referral_dates
from parcours.app.reservations import Reservations, referral_pathway_id
from parcours.app.returns import duplicate, note_return, referred_again, running_earlier
from parcours.domain.commands import Refer
from parcours.domain.commands.intake import IntakeTrigger
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import RequestMeta
from parcours.domain.requests import reused
from parcours.workflows.messages import Participant
from parcours.workflows.reservation import Claim, Claimed


@dataclass(frozen=True)
class Referred:
    """A referral's pathway, and the exited pathway of the same person it follows, if any."""

    pathway_id: str
    earlier: str = ""


async def refer_person(
    pathways: PathwayClient,
    programme: ProgrammeDefinition,
    participant: Participant,
    command: Refer,
    *,
    meta: RequestMeta,
    keyring: Keyring,
    returning: bool = False,
) -> Referred:
    """Refer a person unless they already have an open pathway in this programme.

    A pathway that finished (closed, or failed at its start) does not stop a new
    referral; a reservation whose pathway never started (the client stopped in between)
    is taken over once `TAKE_OVER_AFTER` has passed. A request id already used for a
    referral answers that referral, or is refused if it referred someone else.
    `returning`: when the pathway that holds the person has exited, refer them again;
    that pathway records `referred_again` and keeps its follow-up and retention
    (`Referred.earlier`; empty when no pathway held them).
    """
    check_referral(participant, command, meta)
    check_referral_dates(participant, command)
    if pathways.sealer is not None:  # the person's key must be storable before any claim
        await asyncio.to_thread(pathways.sealer.reachable)
    sent = (participant, command, meta)
    return await _Referral(pathways, programme, sent, keyring, returning=returning).run()


class _Referral:
    def __init__(
        self,
        pathways: PathwayClient,
        programme: ProgrammeDefinition,
        sent: tuple[Participant, Refer, RequestMeta],
        keyring: Keyring,
        *,
        returning: bool = False,
    ) -> None:
        self._pathways, self._programme, self._sent = pathways, programme, sent
        self._keyring, self._returning, self._earlier = keyring, returning, ""
        self._marks = _marks(keyring, programme.name, sent[0])
        self._reservations = Reservations(
            pathways.temporal, pathways.task_queue, programme.name, self._marks
        )
        self._request_id = sent[2].request_id
        self._proposed = referral_pathway_id(keyring, pathways.task_queue, self._request_id)

    async def run(self) -> Referred:
        for held in await self._reservations.legacy_holders():
            if await self._pathways.running(held) and (
                self._returning or not await referred_again(self._pathways, held)
            ):
                await self._return_from(held)  # noted again when retried: answered as one
        if self._returning and not self._earlier:
            await self._check_someone_returns()
        claimed = await self._reservations.claim(self._claim(self._proposed))
        if not claimed.existing:
            pathway_id = await self._own(claimed)
        else:
            pathway_id = await self._held_by(claimed.pathway_id)
        return Referred(pathway_id, self._earlier)

    async def _held_by(self, known: str) -> str:
        """Another referral holds the reservation: refused while its pathway runs, unless
        the person returns after its exit. One that ended (erased, closed) may follow an
        earlier pathway of the person that still runs: that one holds them then."""
        running = await self._pathways.running(known)
        if running:
            await self._return_from(known)
        elif running is None:
            return await self._take_over(known)
        elif earlier := await running_earlier(self._pathways, known):
            await self._return_from(earlier)
        replacing = self._claim(self._proposed, replaces=known)
        claimed = await self._reservations.claim(replacing)
        if claimed.existing:
            raise DuplicateReferral(claimed.pathway_id)
        return await self._own(claimed)

    async def _return_from(self, known: str) -> None:
        """A running pathway holds the person: a duplicate, unless they return and it has
        exited, which it says by recording `referred_again` (`domain.returning`)."""
        meta = self._sent[2]
        if not self._returning:
            raise await duplicate(self._pathways, known, meta)
        await note_return(self._pathways, known, self._sent[1], meta)
        self._earlier = known

    async def _check_someone_returns(self) -> None:
        """A returning referral of a person no running pathway holds names someone who never
        came (a misspelt name, another birth date): refused before anything is claimed.
        A retry of one that claimed already finds its own pathway there."""
        held = await self._reservations.holder()
        if held == self._proposed or (held and await self._pathways.running(held)):
            return
        if not (held and await running_earlier(self._pathways, held)):
            raise NoEarlierPathway(self._programme.name)

    async def _returned_before(self) -> None:
        """A returning referral retried after its claim: the pathway it took over from is
        the reservation's previous holder, noted again (answered as the first time)."""
        earlier = await self._reservations.previous()
        if earlier and await self._pathways.running(earlier):
            await self._return_from(earlier)

    async def _take_over(self, known: str) -> str:
        """A claim whose pathway never started: started under its id, once it is old
        enough that its own client has stopped, so the two can never both start one."""
        taking = self._claim(known, replaces=known, never_started=True)
        claimed = await self._reservations.claim(taking)
        if claimed.existing:  # too recent to take over: said as begun, not as running
            stage = NOT_STARTED if claimed.pathway_id == known else ""
            raise DuplicateReferral(claimed.pathway_id, stage)
        try:
            return await self._start(known)
        except WorkflowAlreadyStartedError:
            raise DuplicateReferral(known) from None

    async def _own(self, claimed: Claimed) -> str:
        """The reservation is this request's: start its pathway unless already started.

        A fresh claim whose pathway id already exists met a request id used before: the
        same person's (two copies of one request at once) is answered, anyone else's is
        given back and refused."""
        pathway_id = claimed.pathway_id
        if claimed.retried and self._returning and not self._earlier:
            await self._returned_before()
        if claimed.retried and await self._pathways.running(pathway_id) is not None:
            return pathway_id
        try:
            return await self._start(pathway_id)
        except WorkflowAlreadyStartedError:
            if claimed.retried or await self._same_person(pathway_id):
                return pathway_id
        await self._reservations.release(self._claim(pathway_id))
        raise RequestRefused.of(reused(self._request_id, IntakeTrigger.REFER.value))

    def _claim(self, pathway_id: str, replaces: str = "", *, never_started: bool = False) -> Claim:
        """A claim carrying the referral's request, which the signing client signs over it
        and the worker checks (`workflows.reservation`). Without the reason typed: the
        reservation's history keeps who claimed it, not why the person was referred."""
        meta = replace(self._sent[2], reason="")
        return Claim(pathway_id, self._request_id, replaces, never_started, meta=meta)

    async def _start(self, pathway_id: str) -> str:
        """Start the pathway, naming the same person's exited pathway it follows, if any."""
        participant, command, meta = self._sent
        command = replace(command, earlier_pathway_id=self._earlier)
        return await self._pathways.refer(
            self._programme, participant, command, meta, pathway_id=pathway_id
        )

    async def _same_person(self, pathway_id: str) -> bool:
        """Whether a running pathway is this person's (a closed one is not asked)."""
        if not await self._pathways.running(pathway_id):
            return False
        theirs = _marks(
            self._keyring, self._programme.name, await self._pathways.participant(pathway_id)
        )
        return theirs[0] == self._marks[0]


def _marks(keyring: Keyring, programme: str, participant: Participant) -> list[str]:
    person = (participant.last_name, participant.first_name, participant.birth_date)
    return fingerprints(keyring, programme, *person)
