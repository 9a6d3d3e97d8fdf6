"""The pathway's validators refuse a request id used before for another command, whatever
the client: a refusal leaves nothing in history, a retry of the same command is answered."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused, refusal_of
from parcours.domain import commands as c
from parcours.domain.anonymisation import ExtendRetention
from parcours.domain.calendar import add_months
from parcours.domain.vocabulary import BarrierKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.messages import UpdateResult, update_name
from parcours.workflows.retention import EXTEND_RETENTION_UPDATE
from tests.support import COORDINATOR, T0, accepted_updates, meta, participant, referral
from tests.workflows.two_year_walk import DAY

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")


async def test_another_command_under_a_used_request_id_is_refused_by_the_validator(
    pathways: PathwayClient,
) -> None:
    """Sent as an older client did, with the request id alone as the update's id: the
    service does not answer it from the first update, so the validator must refuse it."""
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    request = meta(request_id="req-shared")
    await pathways.execute(pid, c.RecordContact(T0), request)
    accepted = await accepted_updates(pathways, pid)
    handle = pathways.temporal.get_workflow_handle(pid)

    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await handle.execute_update(
            update_name(c.OpenBarrier),
            args=[request, c.OpenBarrier(BarrierKind.HOUSING)],
            id="req-shared-as-an-older-client-sent-it",
            result_type=UpdateResult,
        )
    refused = refusal_of(failed.value.cause)
    assert refused.rule == "request_id_reused"
    assert refused.values == {"request_id": "req-shared", "first": "record_contact"}
    with pytest.raises(RequestRefused) as retried:
        await pathways.retry_notification(pid, f"{pid}:1:referrer:CCAS", request)
    assert retried.value.values["first"] == "record_contact"
    assert await accepted_updates(pathways, pid) == accepted
    assert (await pathways.status(pid)).barriers == []

    again = await handle.execute_update(
        update_name(c.RecordContact),
        args=[request, c.RecordContact(T0)],
        id="req-shared-retried-by-an-older-client",
        result_type=UpdateResult,
    )
    assert again.duplicate
    assert [e.kind for e in await pathways.timeline(pid)].count("contact_recorded") == 1


async def test_the_referrals_request_id_names_the_referral(pathways: PathwayClient) -> None:
    request = meta(request_id="req-referral-1")
    pid = await pathways.refer(ATP, participant(), referral(), request)
    with pytest.raises(RequestRefused) as refused:
        await pathways.execute(pid, c.RecordContact(T0), request)
    assert refused.value.rule == "request_id_reused"
    assert refused.value.values["first"] == "refer"


async def test_two_commands_sent_at_once_under_one_id_apply_once(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> None:
    """Both wait for the pathway's first task (no worker runs yet), so they reach it
    together: one is applied, the other refused, never answered with the first's result."""
    pathways = PathwayClient(temporal_env.client, settings.task_queue)
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    request = meta(request_id="req-at-once")
    sent = [
        asyncio.create_task(pathways.execute(pid, command, request))
        for command in (c.RecordContact(T0), c.OpenBarrier(BarrierKind.HOUSING))
    ]
    async with build_worker(temporal_env.client, settings, default_activities(settings)):
        answers = await asyncio.gather(*sent, return_exceptions=True)
        applied = [a for a in answers if isinstance(a, UpdateResult)]
        refused = [a for a in answers if isinstance(a, RequestRefused)]
        assert len(applied) == len(refused) == 1, answers
        assert refused[0].rule == "request_id_reused"
        kinds = [e.kind for e in await pathways.timeline(pid)]
        assert kinds.count("contact_recorded") + kinds.count("barrier_opened") == 1
        assert applied[0].event in kinds


async def test_a_retried_extension_is_answered_from_the_first(pathways: PathwayClient) -> None:
    """A coordinator's extension retried under its request id (by a client that gives the
    update another id, as after a lost answer) records nothing more and is answered with
    the first extension; the same id for another command is refused, naming it."""
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    due = add_months(T0, 24)  # T0, the referral, is the last contact
    request = meta(COORDINATOR, reason="court case", request_id="req-extend")
    first = await pathways.update(
        pid, EXTEND_RETENTION_UPDATE, [request, ExtendRetention(due + 30 * DAY)], request,
        UpdateResult,
    )  # fmt: skip
    assert isinstance(first, UpdateResult)
    assert not first.duplicate
    handle = pathways.temporal.get_workflow_handle(pid)
    again = await handle.execute_update(
        EXTEND_RETENTION_UPDATE,
        args=[request, ExtendRetention(due + 30 * DAY)],
        id="req-extend-retried",
        result_type=UpdateResult,
    )
    assert again.duplicate
    assert (again.seq, again.event, again.details) == (first.seq, first.event, first.details)
    assert [e.kind for e in await pathways.timeline(pid)].count("retention_extended") == 1
    with pytest.raises(RequestRefused) as reused:
        await pathways.execute(pid, c.RecordContact(T0), request)
    assert reused.value.values == {"request_id": "req-extend", "first": "extend_retention"}
