"""Record one person's referral reservation: `python -m tests.histories.record_referrals`.

Written to `tests/histories/referrals/reservation.json` (with the throwaway key of
`keys.json`), replayed by `tests/workflows/test_replay_referrals.py`: the person is
referred, referred again (refused), the first referral retried, a claim taken over too
early (refused), the pathway closed and the person referred anew, and a claim given
back; and to `registry-retired.json`, a registry whose entries moved into reservations
before it was retired (`REGISTRY_RETIRES_PATCH`). `old-registry.json` beside them was
recorded on 7a0d513, before reservations, by the client of that commit, and is never
recorded again. With `signed`, the same person's play with a worker that checks signed
actors (`tests/workflows/signed.py`), every claim and release carrying the referral's
request signed by a staff credential, to `reservation-signed.json`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from temporalio.client import WithStartWorkflowOperation, WorkflowHistory
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral
from parcours.app.referral import refer_person
from parcours.app.reservations import Reservations, retire_registry
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa
from parcours.workflows.registry import ReferralRegistry, RegistryInput, Reservation, registry_id
from parcours.workflows.reservation import Claim
from tests.histories.record import HERE, history_keyring
from tests.support import STAFF, meta, participant, referral
from tests.workflows.signed import checking_worker

OUT = HERE / "referrals" / "reservation.json"
RETIRED = HERE / "referrals" / "registry-retired.json"
SIGNED = HERE / "referrals" / "reservation-signed.json"
ATP = get_programme("atp-cergy")


async def play(pathways: PathwayClient, keys: Keyring) -> Reservations:
    person = participant()
    names = (person.last_name, person.first_name, person.birth_date)
    held = Reservations(
        pathways.temporal, pathways.task_queue, ATP.name, fingerprints(keys, ATP.name, *names)
    )

    async def refer(request_id: str) -> str:
        sent = meta(request_id=request_id)
        return (
            await refer_person(pathways, ATP, person, referral(), meta=sent, keyring=keys)
        ).pathway_id

    first = await refer("rec-1")
    refused = await asyncio.gather(refer("rec-2"), return_exceptions=True)
    assert isinstance(refused[0], DuplicateReferral), refused
    assert await refer("rec-1") == first
    early = await held.claim(
        Claim(first, "rec-3", replaces=first, never_started=True, meta=meta(request_id="rec-3"))
    )
    assert early.existing
    await pathways.temporal.get_workflow_handle(first).terminate("recording")
    second = await refer("rec-4")
    mistaken = Claim(
        "pathway-00000000000000aa", "rec-5", replaces=second, meta=meta(request_id="rec-5")
    )
    await held.claim(mistaken)
    await held.release(mistaken)
    assert await held.holder() == second
    return held


async def retire(pathways: PathwayClient) -> str:
    """A registry holding two people, as an older client reserved, moved and retired."""
    programme, queue = ATP.name, pathways.task_queue
    for number in (1, 2):
        await pathways.temporal.execute_update_with_start_workflow(
            ReferralRegistry.reserve,
            Reservation([f"{number:064x}"], f"pathway-{number:016x}"),
            id=f"reserved-{number}",
            start_workflow_operation=WithStartWorkflowOperation(
                ReferralRegistry.run,
                RegistryInput(),
                id=registry_id(programme, queue),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                task_queue=queue,
            ),
        )
    assert await retire_registry(pathways.temporal, queue, programme) == 2
    return registry_id(programme, queue)


async def record(out: Path = OUT, retired: Path = RETIRED) -> WorkflowHistory:
    keys = history_keyring()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.self_contained(scratch)
        async with (
            await WorkflowEnvironment.start_local(
                data_converter=data_converter(keys),
                dev_server_existing_path=str(temporal_binary()),
                search_attributes=sa.ALL,
            ) as env,
            build_worker(env.client, settings, default_activities(settings)),
        ):
            pathways = PathwayClient(env.client, settings.task_queue)
            held = await play(pathways, keys)
            history = await env.client.get_workflow_handle(held.current_id).fetch_history()
            registry = await env.client.get_workflow_handle(await retire(pathways)).result()
            ended = await env.client.get_workflow_handle(
                registry_id(ATP.name, pathways.task_queue)
            ).fetch_history()
    for path, written in ((out, history), (retired, ended)):
        path.write_text(written.to_json(), encoding="utf-8")
        print(f"recorded {path.name}: {len(written.events)} events")
    assert registry is None
    return history


async def record_signed(out: Path = SIGNED) -> WorkflowHistory:
    """The play, each claim and release signed by a staff member's credential and checked."""
    keys = history_keyring()
    with tempfile.TemporaryDirectory() as scratch:
        async with (
            await WorkflowEnvironment.start_local(
                data_converter=data_converter(keys),
                dev_server_existing_path=str(temporal_binary()),
                search_attributes=sa.ALL,
            ) as env,
            checking_worker(env.client, Path(scratch)) as signed,
        ):
            held = await play(signed.pathways(signed.issue(STAFF)), keys)
            history = await env.client.get_workflow_handle(held.current_id).fetch_history()
    out.write_text(history.to_json(), encoding="utf-8")
    print(f"recorded {out.name}: {len(history.events)} events")
    return history


if __name__ == "__main__":
    asyncio.run(record_signed() if sys.argv[1:] == ["signed"] else record())
