"""A referral waits at the server while no worker runs: its signature is judged by when the
server received it, not by when a worker, back from an outage or busy, gets to it.

Real components: the dev server receives the starts while no worker polls their task
queue; the worker starts afterwards. Each referral is signed just under (or just over)
`SIGNATURE_MAX_AGE` before the server receives it, so the worker sees them all too old.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.readmodel import open_store
from parcours.adapters.temporal.keys import create_key_file
from parcours.app.client import PathwayClient
from parcours.app.credentials import SigningKey, issue, sign
from parcours.app.errors import refusal_of
from parcours.domain.signing import SIGNATURE_MAX_AGE
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.actors import referral_content
from parcours.workflows.messages import WORKFLOW_TYPE, PathwayInput
from tests.polling import eventually
from tests.support import STAFF, meta, participant, referral
from tests.workflows.signed import checking_settings

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
ANSWER_S = 60
"""Ample for a refusal; a start wrongly accepted runs on, and the test fails then."""
MARGIN = timedelta(seconds=10)
"""How far inside (or outside) `SIGNATURE_MAX_AGE` a start is signed before the server
receives it: far above the milliseconds a start takes to reach the server."""


async def _refer_signed_at(
    client: Client, queue: str, key: SigningKey, signed_at: datetime, delay: timedelta | None
) -> str:
    """A referral signed at `signed_at`, sent as it is (no client signs it again), to start
    `delay` after the server receives it."""
    pathway_id = f"pathway-{uuid.uuid4().hex}"
    content = referral_content(ATP.model_dump(mode="json"), referral())
    signed = sign(key, WORKFLOW_TYPE, pathway_id, meta(), content, now=signed_at)
    start = PathwayInput(pathway_id, ATP.model_dump(mode="json"), participant(), referral(), signed)
    await client.start_workflow(
        WORKFLOW_TYPE, start, id=pathway_id, task_queue=queue, start_delay=delay
    )
    return pathway_id


async def test_a_referral_received_fresh_holds_however_late_a_worker_takes_it(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """Fresh when received: holds. Stale when received: refused. Fresh when received but
    asked to start later (`start_delay`), stale by then: refused, so that a signed start
    cannot be put off until long after it was signed."""
    client = temporal_env.client
    settings = checking_settings(tmp_path)
    create_key_file(settings.key_file)
    store = open_store(settings.readmodel_url)
    try:
        credential, key = issue(STAFF.actor_id, STAFF.role, "", datetime.now(UTC))
        store.add_credential(credential)
        queue = settings.task_queue
        fresh_then = datetime.now(UTC) - SIGNATURE_MAX_AGE + MARGIN
        waited = await _refer_signed_at(client, queue, key, fresh_then, None)
        put_off = await _refer_signed_at(client, queue, key, fresh_then, MARGIN * 2)
        stale_then = datetime.now(UTC) - SIGNATURE_MAX_AGE - MARGIN
        stale = await _refer_signed_at(client, queue, key, stale_then, None)
        await asyncio.sleep((MARGIN * 1.3).total_seconds())  # no worker: they wait

        async with build_worker(client, settings, default_activities(settings)):
            for refused in (stale, put_off):
                ended = client.get_workflow_handle(refused).result()
                with pytest.raises(WorkflowFailureError) as failed:
                    await asyncio.wait_for(ended, ANSWER_S)  # a pathway accepted runs on
                assert refusal_of(failed.value.cause).code == "signature_stale"
            await eventually(lambda: store.get_participant(waited), what="the pathway projected")
            timeline = await PathwayClient(client, queue).timeline(waited)
            assert [(e.kind, e.key_id) for e in timeline] == [("referred", key.key_id)]
    finally:
        store.close()
