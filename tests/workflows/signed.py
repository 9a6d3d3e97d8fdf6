"""Helpers of the signed-actor tests: a worker that checks signatures, and credentials."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowFailureError

from parcours.adapters.readmodel import Store, open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.keys import create_key_file
from parcours.app.client import PathwayClient
from parcours.app.credentials import SigningKey, issue
from parcours.app.signed_client import signed_client
from parcours.domain import commands as c
from parcours.domain.records import Actor
from parcours.domain.vocabulary import BarrierKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.support import COORDINATOR, STAFF, T0, meta, participant, referral

ATP = get_programme("atp-cergy")


@dataclass
class Signed:
    """A checking worker's task queue, its read model and a way to issue credentials."""

    settings: Settings
    store: Store
    client: Client

    def issue(self, actor: Actor, issued_by: str = "") -> SigningKey:
        credential, key = issue(actor.actor_id, actor.role, issued_by, datetime.now(UTC))
        self.store.add_credential(credential)
        return key

    def pathways(self, key: SigningKey | None) -> PathwayClient:
        """A client that signs with `key` (None: sends as it is, unsigned)."""
        client = self.client if key is None else signed_client(self.client, key)
        return PathwayClient(client, self.settings.task_queue)


def checking_settings(folder: Path, readmodel_url: str | None = None) -> Settings:
    base = replace(Settings.self_contained(folder), declared_roles=False)
    queue = f"signed-{uuid.uuid4().hex[:8]}"
    return replace(base, task_queue=queue, readmodel_url=readmodel_url or base.readmodel_url)


@asynccontextmanager
async def checking_worker(
    client: Client, folder: Path, readmodel_url: str | None = None, *, cache: int = 1000
) -> AsyncIterator[Signed]:
    """A worker with the check on (as the real service runs), over its own read model."""
    settings = checking_settings(folder, readmodel_url)
    create_key_file(settings.key_file)  # the service's seal on job-dating hand-offs
    store = open_store(settings.readmodel_url)
    try:
        activities = default_activities(settings)
        async with build_worker(client, settings, activities, max_cached_workflows=cache):
            yield Signed(settings, store, client)
    finally:
        store.close()


async def play_signed(signed: Signed) -> str:
    """A referral and two actions, each signed by the staff member's credential: the
    history `signed-actors.json` (the referral checked by the worker's local activity)."""
    key = signed.issue(STAFF)
    pathways = signed.pathways(key)
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    await pathways.execute(pid, c.RecordContact(T0), meta())
    await pathways.execute(pid, c.OpenBarrier(BarrierKind.HOUSING), meta())
    return pid


async def play_unsigned_referral(signed: Signed) -> str:
    """A referral sent unsigned straight through the client: the pathway fails with the
    refusal at its start (`unsigned-referral-refused.json`)."""
    pid = await signed.pathways(None).refer(ATP, participant(), referral(), meta())
    with contextlib.suppress(WorkflowFailureError):
        await signed.client.get_workflow_handle(pid).result()
    return pid


async def play_signed_jobdating(signed: Signed) -> str:
    """A job-dating whose recording is signed by a staff member: its outcome is handed to
    the candidate's pathway with the recording's key id and signature, sealed by the
    worker (`jobdating/jobdating-signed.json`). The job-dating's id."""
    from parcours.app import jobdating
    from parcours.domain.jobdating import OutcomeEntry
    from parcours.domain.vocabulary import JobDatingOutcome
    from tests.workflows.jobdating_bench import PLACE, add_adecco, in_coaching

    as_coordinator = signed.pathways(signed.issue(COORDINATOR))
    as_staff = signed.pathways(signed.issue(STAFF))
    pid = await in_coaching(as_staff)
    add_adecco(signed.store)
    held_at = datetime.now(UTC) - timedelta(hours=1)
    planned = jobdating.Plan("atp-cergy", held_at, PLACE, ["Adecco"], [pid])
    event = await jobdating.plan(as_coordinator, signed.store, planned, meta(COORDINATOR))
    entries = [OutcomeEntry(pid, JobDatingOutcome.HIRED, "Adecco")]
    answer = await jobdating.record(as_staff.temporal, event, entries, meta())
    assert answer.answers[0].applied, answer.answers[0]
    return event


async def play_unsigned_jobdating(signed: Signed) -> str:
    """A job-dating plan sent unsigned straight through the client: the event fails with
    the refusal at its start (`jobdating/jobdating-plan-refused.json`). The event's id."""
    from parcours.app.jobdating import event_id_for
    from parcours.domain.jobdating import Candidate, JobDatingEvent
    from parcours.workflows.jobdating_messages import JOBDATING_TYPE, JobDatingInput
    from tests.workflows.jobdating_bench import PLACE, new_id

    held_at = datetime.now(UTC) + timedelta(days=7)
    event_id = event_id_for(new_id())
    event = JobDatingEvent(
        event_id, "atp-cergy", held_at, PLACE, ["Adecco"], [Candidate("pathway-0000000000000000")]
    )
    handle = await signed.client.start_workflow(
        JOBDATING_TYPE,
        JobDatingInput(event, meta(COORDINATOR)),
        id=event_id,
        task_queue=signed.settings.task_queue,
    )
    with contextlib.suppress(WorkflowFailureError):
        await handle.result()
    return event_id
