"""One pathway per person and programme, through the person's reservation.

On 7a0d513 every referral of a programme was an update of one registry workflow: of 200
referrals sent at once most were refused by the service's limit of updates in flight on
one workflow, and a referral retried with its request id after the person's earlier
pathway had closed started a second pathway. Here, on the real dev server, cached and
uncached workers (the load test with a cached worker only).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import WithStartWorkflowOperation, WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.app.client import PathwayClient
from parcours.app.errors import NOT_STARTED, DuplicateReferral, RequestRefused
from parcours.app.referral import refer_person
from parcours.app.reservations import Reservations, referral_pathway_id, retire_registry
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities, run_worker
from parcours.workflows.messages import Participant
from parcours.workflows.registry import ReferralRegistry, RegistryInput, Reservation, registry_id
from parcours.workflows.reservation import TAKE_OVER_AFTER, Claim
from tests.earlier_forms import referring_under_the_earlier_form
from tests.polling import eventually
from tests.servers import TEST_KEYRING
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")


async def refer(pathways: PathwayClient, person: Participant, request_id: str = "") -> str:
    sent = meta(request_id=request_id or None)
    referred = await refer_person(
        pathways, ATP, person, referral(), meta=sent, keyring=TEST_KEYRING
    )
    return referred.pathway_id


def marks(person: Participant) -> list[str]:
    names = (person.last_name, person.first_name, person.birth_date)
    return fingerprints(TEST_KEYRING, ATP.name, *names)


def reservations(pathways: PathwayClient, person: Participant) -> Reservations:
    return Reservations(pathways.temporal, pathways.task_queue, ATP.name, marks(person))


async def close(pathways: PathwayClient, pathway_id: str) -> None:
    """The pathway ends (as a coordinator's close does): the person may be referred again."""
    await pathways.temporal.get_workflow_handle(pathway_id).terminate("closed by the test")


async def running_ids(pathways: PathwayClient) -> list[str]:
    return sorted(s.pathway_id for s in await pathways.list() if s.running)


async def test_a_retry_after_an_earlier_pathway_closed_answers_the_same_pathway(
    pathways: PathwayClient,
) -> None:
    earlier = await refer(pathways, participant())
    await close(pathways, earlier)
    first = await refer(pathways, participant(), "req-again")
    retried = await refer(pathways, participant(), "req-again")
    assert retried == first != earlier
    assert await pathways.running(first)
    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, participant())
    assert refused.value.pathway_id == first


async def test_a_retry_after_the_reservation_alone_starts_the_reserved_pathway(
    pathways: PathwayClient,
) -> None:
    """The first try stopped after claiming (the process was killed, the start failed)."""
    reserved = referral_pathway_id(TEST_KEYRING, pathways.task_queue, "req-stopped")
    claimed = await reservations(pathways, participant()).claim(Claim(reserved, "req-stopped"))
    assert not claimed.existing
    assert await pathways.running(reserved) is None

    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, participant())  # another request, while the claim is fresh
    assert refused.value.pathway_id == reserved
    assert await refer(pathways, participant(), "req-stopped") == reserved
    assert await pathways.running(reserved)
    assert await refer(pathways, participant(), "req-stopped") == reserved


async def test_a_request_id_reused_for_someone_else_is_refused_and_frees_their_claim(
    pathways: PathwayClient,
) -> None:
    first = await refer(pathways, participant(), "req-shared")
    other = participant("Ambrose", "Wexley")
    with pytest.raises(RequestRefused) as refused:
        await refer(pathways, other, "req-shared")
    assert refused.value.rule == "request_id_reused"
    assert await reservations(pathways, other).holder() == ""
    assert (await pathways.participant(first)).first_name == "Zephyrine"
    assert await refer(pathways, other) != first


async def test_referrals_reserved_by_the_old_registry_still_count(
    pathways: PathwayClient,
) -> None:
    """A person referred before reservations: the programme's registry holds them."""
    person = participant("Hortense", "Older")
    old = await reserve_in_registry(pathways, person, "pathway-0ld0000000000001")
    await pathways.refer(ATP, person, referral(), meta(), pathway_id=old)
    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, person)
    assert refused.value.pathway_id == old

    await close(pathways, old)
    again = await refer(pathways, person)
    assert again != old
    with pytest.raises(DuplicateReferral) as still:
        await refer(pathways, person)
    assert still.value.pathway_id == again


async def reserve_in_registry(pathways: PathwayClient, person: Participant, pathway_id: str) -> str:
    """As the client of 7a0d513 reserved: an update of the programme's registry."""
    result = await pathways.temporal.execute_update_with_start_workflow(
        ReferralRegistry.reserve,
        Reservation(fingerprints=marks(person), pathway_id=pathway_id),
        id="reserved-before-the-upgrade",
        start_workflow_operation=WithStartWorkflowOperation(
            ReferralRegistry.run,
            RegistryInput(),
            id=registry_id(ATP.name, pathways.task_queue),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=pathways.task_queue,
        ),
    )
    assert result.pathway_id == pathway_id
    return pathway_id


async def test_a_person_referred_before_a_key_rotation_is_still_recognised(
    pathways: PathwayClient,
) -> None:
    person = participant("Rotated", "Keys")
    before = await refer(pathways, person)
    with pytest.raises(DuplicateReferral) as refused:
        await refer_person(
            pathways, ATP, person, referral(), meta=meta(), keyring=TEST_KEYRING.rotated()
        )
    assert refused.value.pathway_id == before


async def test_a_name_typed_without_its_space_is_the_same_person(
    pathways: PathwayClient,
) -> None:
    """Referred as "Le Gall", then typed "Legall": one person, refused as a duplicate.
    Before, the space made another person, and a second pathway started."""
    before = await refer(pathways, participant("Ottilie", "Le Gall"))
    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, participant("Ottilie", "Legall"))
    assert refused.value.pathway_id == before


async def test_a_person_referred_under_the_earlier_form_is_still_recognised(
    pathways: PathwayClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Referred as "Le Fèvre" when names kept their spaces (the reservation under the
    earlier form), then typed the same: recognised through the earlier form, as a person
    referred before a key rotation is through the older key."""
    person = participant("Ottilie", "Le Fèvre")
    with referring_under_the_earlier_form(monkeypatch):
        before = await refer(pathways, person)
    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, person)
    assert refused.value.pathway_id == before


async def test_an_erased_person_leaves_no_reservation(pathways: PathwayClient) -> None:
    """What a person's erasure does with the reservation: deleted, history and all."""
    person = participant("Erased", "Person")
    pathway_id = await refer(pathways, person)
    await close(pathways, pathway_id)
    held = reservations(pathways, person)
    assert await held.holder() == pathway_id
    assert await held.erase(pathway_id) == 1

    async def gone() -> bool:
        try:
            await pathways.temporal.get_workflow_handle(held.current_id).describe()
        except RPCError as err:
            return err.status == RPCStatusCode.NOT_FOUND
        return False

    await eventually(gone, what="the reservation was deleted")
    assert await held.holder() == ""


async def test_erasing_an_earlier_pathway_keeps_the_reservation_of_the_next(
    pathways: PathwayClient,
) -> None:
    """The person referred again after their first pathway ended: erasing the first one
    (a coordinator's erase, or the retention sweep) leaves the reservation the second
    holds, or the person could be referred a third time beside it."""
    person = participant("Referred", "Twice")
    earlier = await refer(pathways, person)
    await close(pathways, earlier)
    later = await refer(pathways, person)
    held = reservations(pathways, person)
    assert await held.holder() == later

    assert await held.erase(earlier) == 0
    assert await held.holder() == later
    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, person)
    assert refused.value.pathway_id == later


async def test_a_claim_left_unstarted_is_taken_over_once_old_enough(
    skipping_env: WorkflowEnvironment, settings: Settings
) -> None:
    """A client stopped between its claim and its pathway's start: a referral of the same
    person under another request is refused while the claim is fresh (its client may be
    about to start it), and starts the claimed pathway once `TAKE_OVER_AFTER` has passed."""
    async with build_worker(skipping_env.client, settings, default_activities(settings)):
        pathways = PathwayClient(skipping_env.client, settings.task_queue)
        held = reservations(pathways, participant())
        await held.claim(Claim("pathway-00000000000000ab", "req-abandoned"))
        with pytest.raises(DuplicateReferral) as refused:
            await refer(pathways, participant())
        assert refused.value.stage == NOT_STARTED  # said as begun, not as running
        handle = skipping_env.client.get_workflow_handle(held.current_id)
        await skipping_env.fast_forward(handle, TAKE_OVER_AFTER + timedelta(seconds=1))
        taken = await refer(pathways, participant(), "req-taking-over")
        assert taken == "pathway-00000000000000ab"
        assert await pathways.running(taken)
        assert await refer(pathways, participant(), "req-taking-over") == taken


async def test_a_retired_registry_is_no_longer_asked_and_its_people_still_count(
    pathways: PathwayClient,
) -> None:
    """What a worker does when it starts: the registry's entries move into reservations,
    then it ends, so that a burst of referrals does not queue on its queries."""
    person = participant("Hortense", "Retired")
    old = await reserve_in_registry(pathways, person, "pathway-0ld0000000000002")
    await pathways.refer(ATP, person, referral(), meta(), pathway_id=old)
    assert await retire_registry(pathways.temporal, pathways.task_queue, ATP.name) == 1
    registry = pathways.temporal.get_workflow_handle(registry_id(ATP.name, pathways.task_queue))
    assert (await registry.describe()).status == WorkflowExecutionStatus.COMPLETED
    assert await retire_registry(pathways.temporal, pathways.task_queue, ATP.name) is None

    assert await reservations(pathways, person).holder() == old
    with pytest.raises(DuplicateReferral) as refused:
        await refer(pathways, person)
    assert refused.value.pathway_id == old
    await close(pathways, old)
    assert await refer(pathways, person) != old


async def test_a_worker_retires_the_registry_when_it_starts(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = Settings.from_env(
        {
            "PARCOURS_DATA_DIR": str(tmp_path),
            "PARCOURS_TEMPORAL_ADDRESS": temporal_env.client.service_client.config.target_host,
            "PARCOURS_KEYS": TEST_KEYRING.to_json(),
            "PARCOURS_TASK_QUEUE": f"retire-{uuid.uuid4().hex[:8]}",
        }
    )
    pathways = PathwayClient(temporal_env.client, settings.task_queue)
    held = {marks(participant("Worker", "Start"))[0]: "pathway-0ld0000000000003"}
    registry = await pathways.temporal.start_workflow(
        ReferralRegistry.run,
        RegistryInput(entries=held),
        id=registry_id(ATP.name, settings.task_queue),
        task_queue=settings.task_queue,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_worker(settings, stop))
    try:
        await eventually(
            registry.describe,
            lambda described: described.status == WorkflowExecutionStatus.COMPLETED,
            what="the worker retired the registry",
        )
        moved = await reservations(pathways, participant("Worker", "Start")).holder()
        assert moved == "pathway-0ld0000000000003"
    finally:
        stop.set()
        await running
