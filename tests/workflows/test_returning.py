"""A person who exited comes back: `refer --returning`, on the real dev server.

Before, a person whose pathway had exited could not be referred again while its
follow-up and retention ran (two years and more in ATP): the referral was refused as a
duplicate and nothing else was offered. Now the exited pathway records `referred_again`,
keeps running, and its exit becomes final; a new pathway opens. Cached and uncached
workers (`conftest.py`), and the audit fold of the exited pathway's history agrees.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral, NoEarlierPathway, RequestRefused
from parcours.app.referral import Referred, refer_person
from parcours.app.reservations import Reservations
from parcours.app.returns import note_return
from parcours.audit.fold import fold
from parcours.audit.history import fetch_pathway_history
from parcours.audit.recording import record_of
from parcours.domain import commands as c
from parcours.domain.anonymisation import last_contact
from parcours.domain.records import Actor, PathwayEvent
from parcours.domain.vocabulary import ExitReason, Stage
from parcours.programmes import get_programme
from parcours.workflows.messages import Participant
from tests.polling import eventually
from tests.samples import ATP_CRITERIA
from tests.servers import TEST_KEYRING
from tests.support import PARTNER, STAFF, T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
DAY = timedelta(days=1)
EXITED_AT = T0 + 20 * DAY
BACK_AT = T0 + 60 * DAY


async def refer(pathways: PathwayClient, person: Participant) -> str:
    referred = await refer_person(
        pathways, ATP, person, referral(), meta=meta(), keyring=TEST_KEYRING
    )
    return referred.pathway_id


async def come_back(
    pathways: PathwayClient,
    person: Participant,
    request_id: str = "",
    at: datetime = BACK_AT,
    by: Actor = STAFF,
) -> Referred:
    sent = meta(by, request_id=request_id or None, reason="back after a move")
    again = replace(referral(), referred_at=at)
    return await refer_person(
        pathways, ATP, person, again, meta=sent, keyring=TEST_KEYRING, returning=True
    )


async def exited(pathways: PathwayClient, person: Participant) -> str:
    """A pathway of `person` that has exited, and lists as exited."""
    pid = await refer(pathways, person)
    await pathways.execute(pid, c.Exit(ExitReason.MOVED_AWAY, EXITED_AT), meta(reason="moved"))
    await eventually(
        lambda: pathways.listed_stage(pid), lambda s: s == "exited", what="it lists as exited"
    )
    return pid


def reservations(pathways: PathwayClient, person: Participant) -> Reservations:
    names = (person.last_name, person.first_name, person.birth_date)
    marks = fingerprints(TEST_KEYRING, ATP.name, *names)
    return Reservations(pathways.temporal, pathways.task_queue, ATP.name, marks)


def kinds(timeline: list[PathwayEvent]) -> list[str]:
    return [event.kind for event in timeline]


async def test_a_person_who_exited_is_referred_again_and_the_exit_becomes_final(
    pathways: PathwayClient,
) -> None:
    person = participant("Amina", "Belkacem")
    earlier = await exited(pathways, person)
    with pytest.raises(DuplicateReferral) as plain:
        await refer(pathways, person)
    assert (plain.value.pathway_id, plain.value.stage) == (earlier, "exited")

    back = await come_back(pathways, person)
    assert back.earlier == earlier != back.pathway_id
    assert await pathways.running(earlier)
    assert await pathways.running(back.pathway_id)
    assert (await pathways.status(back.pathway_id)).stage is Stage.REFERRED
    old = await pathways.state(earlier)
    assert (old.stage, old.referred_again_at) == (Stage.EXITED, BACK_AT)
    assert last_contact(old) == EXITED_AT  # coming back is no contact with this record
    noted = old.timeline[-1]
    assert (noted.kind, noted.details, noted.reason) == (
        "referred_again",
        {"referred_at": BACK_AT.isoformat()},
        "",
    )
    with pytest.raises(DuplicateReferral) as third:
        await refer(pathways, person)
    assert third.value.pathway_id == back.pathway_id

    exit_seq = next(e.seq for e in old.timeline if e.kind == "exited")
    void = c.CorrectEvent(exit_seq)
    with pytest.raises(RequestRefused) as refused:
        await pathways.execute(earlier, void, meta(reason="typed by mistake"))
    assert refused.value.code == "correction_referred_again"
    later = c.CorrectEvent(exit_seq, restated_at=BACK_AT + DAY)
    with pytest.raises(RequestRefused) as moved:
        await pathways.execute(earlier, later, meta(reason="wrong day"))
    assert moved.value.code == "correction_after_return"
    sooner = c.CorrectEvent(exit_seq, restated_at=EXITED_AT - DAY)
    await pathways.execute(earlier, sooner, meta(reason="left a day earlier"))

    history = await fetch_pathway_history(pathways.temporal, earlier)
    folded = fold(await record_of(history, pathways.temporal.data_converter))
    assert folded.discrepancies == []
    assert folded.pathway.state == await pathways.state(earlier)


async def test_returning_is_refused_while_the_pathway_has_not_exited(
    pathways: PathwayClient,
) -> None:
    person = participant("Jonas", "Ekwueme")
    pid = await refer(pathways, person)
    with pytest.raises(DuplicateReferral) as refused:
        await come_back(pathways, person)
    assert (refused.value.pathway_id, refused.value.stage) == (pid, "referred")
    assert "referred_again" not in kinds(await pathways.timeline(pid))


async def test_a_person_who_dropped_out_is_told_to_re_enter(pathways: PathwayClient) -> None:
    person = participant("Nadia", "Oufkir")
    pid = await refer(pathways, person)
    await pathways.execute(pid, c.CompleteIntake(T0 + DAY, ATP_CRITERIA), meta())
    await pathways.execute(pid, c.DropOut(T0 + 2 * DAY), meta(reason="no news"))
    await eventually(
        lambda: pathways.listed_stage(pid), lambda s: s == "dropped_out", what="it lists"
    )
    for attempt in (refer(pathways, person), come_back(pathways, person)):
        with pytest.raises(DuplicateReferral) as refused:
            await attempt
        assert (refused.value.pathway_id, refused.value.stage) == (pid, "dropped_out")


async def test_a_return_dated_before_the_exit_is_refused(pathways: PathwayClient) -> None:
    person = participant("Irina", "Vasquez")
    earlier = await exited(pathways, person)
    with pytest.raises(RequestRefused) as refused:
        await come_back(pathways, person, at=EXITED_AT - DAY)
    assert refused.value.code == "return_before_exit"
    assert "referred_again" not in kinds(await pathways.timeline(earlier))
    with pytest.raises(DuplicateReferral):
        await refer(pathways, person)


async def test_two_returns_at_once_open_one_pathway_and_a_retry_answers_it(
    pathways: PathwayClient,
) -> None:
    person = participant("Lou", "Tremblay")
    earlier = await exited(pathways, person)
    both = await asyncio.gather(
        come_back(pathways, person, "back-1"),
        come_back(pathways, person, "back-2"),
        return_exceptions=True,
    )
    opened = [r for r in both if isinstance(r, Referred)]
    refused = [r for r in both if isinstance(r, DuplicateReferral)]
    assert len(opened) == len(refused) == 1, both
    assert refused[0].pathway_id == opened[0].pathway_id
    winner = "back-1" if both[0] is opened[0] else "back-2"
    retried = await come_back(pathways, person, winner)
    assert (retried.pathway_id, retried.earlier) == (opened[0].pathway_id, earlier)
    assert kinds(await pathways.timeline(earlier)).count("referred_again") == 1


async def test_a_partner_may_not_refer_again_after_an_exit(pathways: PathwayClient) -> None:
    """A partner who refers reads no pathway: it neither makes another's exit final nor
    learns its stage or date from the refusal."""
    person = participant("Yara", "Haddad")
    earlier = await exited(pathways, person)
    with pytest.raises(RequestRefused) as refused:
        await come_back(pathways, person, by=PARTNER)
    assert refused.value.code == "return_role"
    with pytest.raises(DuplicateReferral) as plain:
        await refer_person(
            pathways, ATP, person, referral(), meta=meta(PARTNER), keyring=TEST_KEYRING
        )
    assert (plain.value.pathway_id, plain.value.stage) == (earlier, "")
    assert "referred_again" not in kinds(await pathways.timeline(earlier))


async def test_the_earliest_return_counts(pathways: PathwayClient) -> None:
    """A return noted, then sent again under another request id with an earlier date (its
    first try stopped before its pathway started): the exit stays before both."""
    person = participant("Omar", "Diallo")
    earlier = await exited(pathways, person)
    first = await come_back(pathways, person, "back-late", at=BACK_AT)
    assert first.earlier == earlier
    later = replace(referral(), referred_at=BACK_AT + DAY)
    await note_return(pathways, earlier, later, meta(request_id="back-later"))
    assert (await pathways.state(earlier)).referred_again_at == BACK_AT  # nothing new
    sooner = replace(referral(), referred_at=BACK_AT - 10 * DAY)
    await note_return(pathways, earlier, sooner, meta(request_id="back-sooner"))
    state = await pathways.state(earlier)
    assert state.referred_again_at == BACK_AT - 10 * DAY
    assert kinds(state.timeline).count("referred_again") == 2


async def test_returning_with_no_earlier_pathway_creates_nothing(
    pathways: PathwayClient,
) -> None:
    """A misspelt name, or someone who never came: refused before anything is claimed, so
    the person referred as a newcomer afterwards meets no reservation of the attempt."""
    person = participant("Sacha", "Nguyen")
    with pytest.raises(NoEarlierPathway):
        await come_back(pathways, person)
    assert await reservations(pathways, person).holder() == ""
    pid = await refer(pathways, person)
    assert (await pathways.status(pid)).stage is Stage.REFERRED


async def test_a_return_across_a_key_rotation_leaves_the_new_pathway_holding(
    pathways: PathwayClient,
) -> None:
    """The exited pathway is held under the older key's fingerprint: once the person is
    referred again under the new key, a later referral meets the new pathway, not the old."""
    person, rotated = participant("Ines", "Carvalho"), TEST_KEYRING.rotated()
    earlier = await exited(pathways, person)
    sent = meta(reason="back after a move")
    again = replace(referral(), referred_at=BACK_AT)
    back = await refer_person(
        pathways, ATP, person, again, meta=sent, keyring=rotated, returning=True
    )
    assert back.earlier == earlier
    with pytest.raises(DuplicateReferral) as refused:
        await refer_person(pathways, ATP, person, referral(), meta=meta(), keyring=rotated)
    assert refused.value.pathway_id == back.pathway_id


async def test_a_return_across_a_key_rotation_retried_after_its_note(
    pathways: PathwayClient,
) -> None:
    """Its first try stopped once the exited pathway had noted the return, before any
    claim: sent again with the same request id, it opens the pathway and names the earlier
    one, rather than finding the person held by nobody."""
    person, rotated = participant("Rui", "Saraiva"), TEST_KEYRING.rotated()
    earlier = await exited(pathways, person)
    again = replace(referral(), referred_at=BACK_AT)
    await note_return(pathways, earlier, again, meta(request_id="rot-1"))
    sent = meta(request_id="rot-1", reason="back after a move")
    back = await refer_person(
        pathways, ATP, person, again, meta=sent, keyring=rotated, returning=True
    )
    assert back.earlier == earlier != back.pathway_id
    assert kinds(await pathways.timeline(earlier)).count("referred_again") == 1
