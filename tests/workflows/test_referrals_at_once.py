"""Referrals sent at once: all of different people succeed, one of each person does.

On 7a0d513, of 200 referrals sent at once to one programme about 140 were refused ("limit
on number of concurrent in-flight updates has been reached"): every referral was an
update of the programme's one registry workflow. A cached worker, on the real dev server.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral
from parcours.app.referral import refer_person
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.messages import Participant
from tests.servers import TEST_KEYRING
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
AT_ONCE = 200
RETRIES = 2


@pytest_asyncio.fixture(loop_scope="session")
async def pathways(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    async with build_worker(temporal_env.client, settings, default_activities(settings)):
        yield PathwayClient(temporal_env.client, settings.task_queue)


def person(number: int) -> Participant:
    return participant(f"Person {number}", "Atonce")


async def refer(pathways: PathwayClient, someone: Participant) -> str:
    return (
        await refer_person(pathways, ATP, someone, referral(), meta=meta(), keyring=TEST_KEYRING)
    ).pathway_id


async def refer_as_staff_would(pathways: PathwayClient, someone: Participant) -> str:
    """Refer, and on an unanswered request (a loaded machine: exit 5) send it again with
    the same request id, as the CLI's message tells staff to: the retry must give the
    same pathway. A refusal for the in-flight update limit is not retried: it fails."""
    request = meta()
    for _ in range(RETRIES):
        try:
            return (
                await refer_person(
                    pathways, ATP, someone, referral(), meta=request, keyring=TEST_KEYRING
                )
            ).pathway_id
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            continue
    return (
        await refer_person(pathways, ATP, someone, referral(), meta=request, keyring=TEST_KEYRING)
    ).pathway_id


async def test_two_hundred_referrals_at_once_all_succeed(pathways: PathwayClient) -> None:
    answers = await asyncio.gather(
        *(refer_as_staff_would(pathways, person(n)) for n in range(AT_ONCE)),
        return_exceptions=True,
    )
    errors = [a for a in answers if isinstance(a, BaseException)]
    assert errors == [], f"{len(errors)} of {AT_ONCE} failed, first: {errors[:1]}"
    assert len(set(answers)) == AT_ONCE
    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, person(7))
    assert refused.value.pathway_id == answers[7]


async def test_the_same_person_referred_twice_at_once_gets_one_pathway(
    pathways: PathwayClient,
) -> None:
    people = [participant(f"Twice {n}", "Atonce") for n in range(25)]
    answers = await asyncio.gather(
        *(refer(pathways, p) for p in people for _ in range(2)), return_exceptions=True
    )
    for pair in zip(answers[::2], answers[1::2], strict=True):
        started = [a for a in pair if isinstance(a, str)]
        refused = [a for a in pair if isinstance(a, DuplicateReferral)]
        assert len(started) == len(refused) == 1, pair
        assert refused[0].pathway_id == started[0]
        assert await pathways.running(started[0])
