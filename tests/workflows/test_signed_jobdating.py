"""A job-dating event's start is checked like a referral: its plan must carry a valid staff
signature whose credential grants the actor and a role that may run job-datings
(`SIGNED_JOBDATING_PATCH`), whatever client started it (here the raw Temporal client).
A refused start fails the event with the refusal before it sends anything."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from parcours.app import jobdating
from parcours.app.client import PathwayClient
from parcours.app.credentials import SigningKey, issue, sign
from parcours.app.errors import RequestRefused, refusal_of
from parcours.app.jobdating import event_id_for
from parcours.domain.jobdating import Candidate, JobDatingEvent
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import Role
from parcours.workflows.actors import jobdating_content
from parcours.workflows.jobdating_messages import JOBDATING_TYPE, JobDatingInput
from tests.support import COORDINATOR, STAFF, meta
from tests.workflows.jobdating_bench import PLACE, add_adecco, in_coaching, new_id
from tests.workflows.signed import Signed, checking_worker

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

PARTNER = Actor("partner-5c1e", Role.PARTNER)


def _event() -> JobDatingEvent:
    """An event as a front end plans it (its candidate need not exist for the start)."""
    held_at = datetime.now(UTC) + timedelta(days=7)
    candidates = [Candidate("pathway-0000000000000000")]
    event_id = event_id_for(new_id())
    return JobDatingEvent(event_id, "atp-cergy", held_at, PLACE, ["Adecco"], candidates)


async def _start_raw(signed: Signed, event: JobDatingEvent, request: RequestMeta) -> str:
    """Start the event through the raw client as it is; the refusal's code, or "" if the
    event runs."""
    return await _started(signed.client, signed.settings.task_queue, event, request)


async def _started(
    client: Client, queue: str, event: JobDatingEvent, request: RequestMeta, under: str = ""
) -> str:
    """`under`: another workflow id than the event's own (a plan copied from a history)."""
    handle = await client.start_workflow(
        JOBDATING_TYPE,
        JobDatingInput(event, request),
        id=under or event.event_id,
        task_queue=queue,
    )
    for _ in range(300):  # until the check's verdict is recorded (a marker)
        kinds = [e.event_type async for e in handle.fetch_history_events()]
        if EventType.EVENT_TYPE_MARKER_RECORDED in kinds:
            break
        await asyncio.sleep(0.1)
    if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
        await handle.terminate("test over")
        return ""
    try:
        await handle.result()
    except WorkflowFailureError as failed:
        return refusal_of(failed.cause).code
    raise AssertionError("a job-dating event completed at once")


def _signed(key: SigningKey, event: JobDatingEvent, request: RequestMeta) -> RequestMeta:
    return sign(key, JOBDATING_TYPE, event.event_id, request, jobdating_content(event))


async def test_a_jobdating_started_raw_is_refused_unless_signed_as_a_credential_allows(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        coordinator, staff = signed.issue(COORDINATOR), signed.issue(STAFF)
        partner = signed.issue(PARTNER)

        assert await _start_raw(signed, _event(), meta(COORDINATOR)) == "signature_missing"
        event = _event()
        as_other = _signed(staff, event, meta(COORDINATOR))
        assert await _start_raw(signed, event, as_other) == "credential_grants_other"
        event = _event()
        _, forger = issue(COORDINATOR.actor_id, Role.COORDINATOR, "", datetime.now(UTC))
        forged = _signed(replace(forger, key_id=coordinator.key_id), event, meta(COORDINATOR))
        assert await _start_raw(signed, event, forged) == "signature_invalid"
        event = _event()
        genuine = _signed(coordinator, event, meta(COORDINATOR))
        altered = replace(event, place="Somewhere else")
        assert await _start_raw(signed, altered, genuine) == "signature_invalid"
        event = _event()
        as_partner = _signed(partner, event, meta(PARTNER))
        assert await _start_raw(signed, event, as_partner) == "jobdating_role"

        event = _event()
        copied = _signed(coordinator, event, meta(COORDINATOR))
        queue = signed.settings.task_queue
        elsewhere = event_id_for(new_id())  # the signed plan sent again under another id
        assert await _started(signed.client, queue, event, copied, elsewhere) == (
            "signature_invalid"
        )
        event = _event()
        assert await _start_raw(signed, event, _signed(coordinator, event, meta(COORDINATOR))) == ""
        event = _event()
        assert await _start_raw(signed, event, _signed(staff, event, meta(STAFF))) == ""


async def test_in_the_declared_roles_mode_a_plan_is_judged_by_its_declared_role(
    uncached_pathways: PathwayClient,
) -> None:
    """No credential is asked (tests and demos), but the job-dating's role rule still holds
    at the start: a partner's plan fails its event, a coordinator's unsigned one runs."""
    client, queue = uncached_pathways.temporal, uncached_pathways.task_queue
    assert await _started(client, queue, _event(), meta(PARTNER)) == "jobdating_role"
    assert await _started(client, queue, _event(), meta(COORDINATOR)) == ""


async def test_a_plan_the_worker_refuses_is_said_so_to_the_planner(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """`jobdating plan` waits for the worker's check of its signature: with a credential
    revoked since, the planner is told (`RequestRefused`), not that the event is planned."""
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        coordinator_key = signed.issue(COORDINATOR)
        as_coordinator = signed.pathways(coordinator_key)
        pid = await in_coaching(signed.pathways(signed.issue(STAFF)))
        add_adecco(signed.store)
        held_at = datetime.now(UTC) + timedelta(days=7)
        planned = jobdating.Plan("atp-cergy", held_at, PLACE, ["Adecco"], [pid])
        event = await jobdating.plan(as_coordinator, signed.store, planned, meta(COORDINATOR))
        assert (await jobdating.status(signed.client, event)).candidates[0].pathway_id == pid

        assert signed.store.revoke_credential(coordinator_key.key_id, by="")
        with pytest.raises(RequestRefused) as refused:
            await jobdating.plan(as_coordinator, signed.store, planned, meta(COORDINATOR))
        assert (refused.value.rule, refused.value.code) == ("signed_actor", "credential_revoked")


def test_a_plan_signs_the_same_content_as_before_the_event_gained_fields() -> None:
    """A plan signed by a client of before `invited_unsent` verifies on today's worker, and
    the other way round: the field, at its default, is not in the signed content. The
    digest below was computed at 99c489a, before the field existed."""
    from parcours.domain.signing import digest

    event = JobDatingEvent(
        "jobdating-0001", "atp-cergy", datetime(2026, 3, 2, 9, tzinfo=UTC), "Cergy",
        ["Adecco", "Interim 95"], [Candidate("pathway-0001")], planned_by="coord-1",
    )  # fmt: skip
    before = "db4ab659e2330c94de47e02c651ac791884a119f1f6b6e2ecf81ec6735492ed4"
    assert digest(jobdating_content(event)) == before
    unsent = replace(event, invited_unsent=True)  # set by the workflow, never by a plan
    assert digest(jobdating_content(unsent)) != before
