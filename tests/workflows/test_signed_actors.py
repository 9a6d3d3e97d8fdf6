"""Signed actors: the worker refuses a request that does not prove who sent it, whatever
client sent it (here the raw Temporal client), and records the credential's key id."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from parcours.activities.person_keys import PersonSealer
from parcours.adapters.temporal.keys import load_keyring
from parcours.app import jobdating
from parcours.app.credentials import issue, sign
from parcours.app.errors import RequestRefused, refusal_of
from parcours.domain import commands as c
from parcours.domain.anonymisation import ExtendRetention
from parcours.domain.jobdating import OutcomeEntry
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import JobDatingOutcome, Role
from parcours.programmes import get_programme
from parcours.workflows.messages import UpdateResult, update_name
from parcours.workflows.retention import EXTEND_RETENTION_UPDATE
from tests.support import COORDINATOR, STAFF, T0, accepted_updates, meta, participant, referral
from tests.workflows.jobdating_bench import PLACE, add_adecco, in_coaching
from tests.workflows.retention_walk import extend_retention
from tests.workflows.signed import Signed, checking_worker

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
CONTACT = update_name(c.RecordContact)


async def _refused_raw(
    signed: Signed, pid: str, request: RequestMeta
) -> tuple[str, dict[str, str]]:
    """What the pathway says to an update sent through the raw client, as it is."""
    handle = signed.client.get_workflow_handle(pid)
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update(
            CONTACT,
            args=[request, c.RecordContact(T0)],
            id=f"{request.request_id}@{CONTACT}",
            result_type=UpdateResult,
        )
    refused = refusal_of(failed.value.cause)
    return refused.code, refused.values


async def test_a_signed_request_is_recorded_with_its_key_id(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        key = signed.issue(STAFF)
        pathways = signed.pathways(key)
        pid = await pathways.refer(ATP, participant(), referral(), meta())
        await pathways.execute(pid, c.RecordContact(T0), meta())
        timeline = await pathways.timeline(pid)
        assert [e.key_id for e in timeline] == [key.key_id, key.key_id]
        assert [e.actor_id for e in timeline] == [STAFF.actor_id] * 2


async def test_the_raw_client_is_refused_unless_it_signs_as_a_credential_allows(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        key = signed.issue(STAFF)
        pid = await signed.pathways(key).refer(ATP, participant(), referral(), meta())
        before = await accepted_updates(signed.pathways(None), pid)

        assert (await _refused_raw(signed, pid, meta()))[0] == "signature_missing"
        now = datetime.now(UTC)
        target = (CONTACT, pid)
        content = [c.RecordContact(T0)]
        as_coordinator = sign(key, *target, meta(COORDINATOR), content)
        assert (await _refused_raw(signed, pid, as_coordinator))[0] == "credential_grants_other"
        as_someone_else = sign(key, *target, meta(Actor("staff-0000", Role.STAFF)), content)
        assert (await _refused_raw(signed, pid, as_someone_else))[0] == "credential_grants_other"
        _, forger = issue(STAFF.actor_id, Role.STAFF, "", now)
        forged = sign(replace(forger, key_id=key.key_id), *target, meta(), content)
        assert (await _refused_raw(signed, pid, forged))[0] == "signature_invalid"
        altered = replace(sign(key, *target, meta(), content), reason="changed after signing")
        assert (await _refused_raw(signed, pid, altered))[0] == "signature_invalid"
        elsewhere = sign(key, CONTACT, "pathway-0000000000000000", meta(), content)
        assert (await _refused_raw(signed, pid, elsewhere))[0] == "signature_invalid"
        old = sign(key, *target, meta(), content, now=now - timedelta(minutes=6))
        code, values = await _refused_raw(signed, pid, old)
        assert (code, values["minutes"]) == ("signature_stale", "5")
        unknown = sign(replace(key, key_id="key-0000000000000000"), *target, meta(), content)
        assert (await _refused_raw(signed, pid, unknown))[0] == "credential_unknown"

        assert await accepted_updates(signed.pathways(None), pid) == before
        fresh = sign(key, *target, meta(), content)
        handle = signed.client.get_workflow_handle(pid)
        done = await handle.execute_update(
            CONTACT,
            args=[fresh, *content],
            id=f"{fresh.request_id}@{CONTACT}",
            result_type=UpdateResult,
        )
        assert done.seq == 2


async def test_revoking_refuses_later_requests_and_changes_nothing_recorded(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        coordinator = signed.issue(COORDINATOR)
        key = signed.issue(STAFF, issued_by=coordinator.key_id)
        pathways = signed.pathways(key)
        pid = await pathways.refer(ATP, participant(), referral(), meta())
        await pathways.execute(pid, c.RecordContact(T0), meta())
        recorded = await pathways.timeline(pid)

        assert signed.store.revoke_credential(key.key_id, by=coordinator.key_id)
        code, values = await _refused_raw(
            signed, pid, sign(key, CONTACT, pid, meta(), [c.RecordContact(T0)])
        )
        assert code == "credential_revoked"
        assert values["key_id"] == key.key_id
        assert await pathways.timeline(pid) == recorded
        still = signed.pathways(signed.issue(STAFF, issued_by=coordinator.key_id))
        await still.execute(pid, c.RecordContact(T0), meta())


async def test_an_unsigned_referral_fails_its_pathway_before_anything_is_published(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        pid = await signed.pathways(None).refer(ATP, participant(), referral(), meta())
        handle = signed.client.get_workflow_handle(pid)
        with pytest.raises(WorkflowFailureError) as failed:
            await handle.result()
        refused = refusal_of(failed.value.cause)
        assert refused.code == "signature_missing"
        assert signed.store.get_participant(pid) is None


async def test_job_dating_outcomes_reach_their_pathways_sealed_by_the_service(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """The recording is signed by the staff member; each outcome is handed on by the
    worker, sealed, and accepted by the candidate's pathway with the check on. A raw
    client cannot pass off an update as handed on, nor record unsigned."""
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        as_coordinator = signed.pathways(signed.issue(COORDINATOR))
        staff_key = signed.issue(STAFF)
        as_staff = signed.pathways(staff_key)
        pid = await in_coaching(as_staff)
        sealer = PersonSealer(lambda: signed.store, load_keyring(signed.settings))
        await asyncio.to_thread(sealer.new_key, pid)  # as a referral through the CLI makes
        add_adecco(signed.store)
        held_at = datetime.now(UTC) - timedelta(hours=1)
        planned = jobdating.Plan("atp-cergy", held_at, PLACE, ["Adecco"], [pid])
        event = await jobdating.plan(as_coordinator, signed.store, planned, meta(COORDINATOR))
        entries = [OutcomeEntry(pid, JobDatingOutcome.HIRED, "Adecco")]

        with pytest.raises(RequestRefused) as unsigned:
            await jobdating.record(signed.client, event, entries, meta())
        assert unsigned.value.code == "signature_missing"
        typed = meta(reason="put forward first")
        answer = await jobdating.record(as_staff.temporal, event, entries, typed)
        assert answer.answers[0].applied, answer.answers[0]
        last = (await as_staff.timeline(pid))[-1]
        assert (last.kind, last.actor_id) == ("jobdating_hired", STAFF.actor_id)
        assert last.key_id == staff_key.key_id  # the recording's credential, handed on
        assert last.reason.startswith("sealed:pk-")  # under the candidate's key, then sealed
        assert sealer.open(last.reason) == "put forward first"

        passed_off = replace(meta(), handed_by=event, seal="bm90IHRoZSBzZXJ2aWNl")
        assert (await _refused_raw(signed, pid, passed_off))[0] == "signature_invalid"


async def test_a_retention_extension_is_checked_like_every_staff_request(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """The `extend_retention` update: unsigned, or signed by a staff credential claiming the
    coordinator's role, it is refused by the worker; a coordinator's signed one is recorded
    with the credential's key id."""
    async with checking_worker(temporal_env.client, tmp_path) as signed:
        staff_key, coordinator_key = signed.issue(STAFF), signed.issue(COORDINATOR)
        pid = await signed.pathways(staff_key).refer(ATP, participant(), referral(), meta())
        until = datetime.now(UTC) + timedelta(days=700)  # after the due date, within the limit
        sent = meta(COORDINATOR, reason="court case pending")
        args = [sent, ExtendRetention(until)]
        handle = signed.client.get_workflow_handle(pid)
        for request in (sent, sign(staff_key, EXTEND_RETENTION_UPDATE, pid, sent, args[1:])):
            with pytest.raises(WorkflowUpdateFailedError) as failed:
                await handle.execute_update(
                    EXTEND_RETENTION_UPDATE,
                    args=[request, *args[1:]],
                    id=f"{request.request_id}@{EXTEND_RETENTION_UPDATE}",
                    result_type=UpdateResult,
                )
            code = refusal_of(failed.value.cause).code
            assert code in {"signature_missing", "credential_grants_other"}, code
        done = await extend_retention(signed.pathways(coordinator_key), pid, until, COORDINATOR)
        assert done.event == "retention_extended"
        timeline = await signed.pathways(None).timeline(pid)
        assert timeline[-1].key_id == coordinator_key.key_id
