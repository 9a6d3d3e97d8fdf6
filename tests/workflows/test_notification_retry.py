"""Sending a failed notification again: only roles that may, only what was owed, once.

The retry names who asks and why; the pathway's validator asks the domain, so a refused
retry never reaches the history and nothing is sent. Each test runs on SQLite and on
PostgreSQL, over a real SMTP server.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from parcours.adapters.readmodel import OutboxEntry, OutboxStatus
from parcours.app.errors import RequestRefused
from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind
from tests.samples import ATP_CRITERIA
from tests.support import AUDITOR, COORDINATOR, PARTNER, STAFF, T0, accepted_updates, meta
from tests.workflows.partner_bench import REFERRER_MAILBOX, Bench, failure_alert, refer

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def failed_for_good(
    bench: Bench,
) -> tuple[str, OutboxEntry]:
    """A pathway whose intake notification to the referrer was refused for good."""
    bench.smtp.recorder.replies[REFERRER_MAILBOX] = "550 5.1.1 No such mailbox"
    pid = await refer(bench)
    await bench.pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    await bench.pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await failure_alert(bench, pid)
    (entry,) = bench.store.notifications(failed_only=True, pathway_id=pid)
    del bench.smtp.recorder.replies[REFERRER_MAILBOX]  # the mailbox works again
    return pid, entry


def route_key(entry: OutboxEntry) -> str:
    return entry.key.rsplit(":", 1)[0]


async def test_partners_and_auditors_may_not_retry_and_nothing_is_sent(
    bench: Bench,
) -> None:
    pid, entry = await failed_for_good(bench)
    updates = await accepted_updates(bench.pathways, pid)
    bench.store.reset_for_retry(entry.key)  # as the CLI does before asking
    for actor in (PARTNER, AUDITOR):
        with pytest.raises(RequestRefused) as refused:
            await bench.pathways.retry_notification(
                pid, route_key(entry), meta(actor, reason="the agency asked")
            )
        assert refused.value.rule == "role_permission"
        assert f"the {actor.role.value} role may not retry notification" in refused.value.message
    # The refusal reached neither the history nor the partner.
    assert await accepted_updates(bench.pathways, pid) == updates
    await asyncio.sleep(0.5)
    assert bench.smtp.recorder.received == []
    (still,) = bench.store.notifications(pathway_id=pid)
    assert (still.attempts, still.sent_at) == (entry.attempts, None)


async def test_unknown_keys_and_the_unsigned_update_are_refused(
    bench: Bench,
) -> None:
    pid, entry = await failed_for_good(bench)
    for key in (
        f"{pid}:999:referrer",  # no such event
        f"{pid}:1:referrer",  # the referral was never routed to the referrer
        f"{pid}:2:astrologer",  # no such partner kind
        "pathway-0000000000000000:2:referrer",  # another pathway's key
        "nonsense",
    ):
        with pytest.raises(RequestRefused) as refused:
            await bench.pathways.retry_notification(pid, key, meta(COORDINATOR))
        assert refused.value.rule == "unknown_reference", key
    # The first retry update, which said nothing of who asked, is refused to new requests.
    handle = bench.pathways.temporal.get_workflow_handle(pid)
    with pytest.raises(WorkflowUpdateFailedError) as unsigned:
        await handle.execute_update("retry_notification", route_key(entry), result_type=int)
    assert isinstance(unsigned.value.cause, ApplicationError)
    assert "must say who asks" in unsigned.value.cause.message
    assert bench.smtp.recorder.received == []


async def test_a_coordinator_retry_sends_once_and_a_repeat_sends_nothing(
    bench: Bench,
) -> None:
    pid, entry = await failed_for_good(bench)
    assert bench.store.reset_for_retry(entry.key)
    request = meta(COORDINATOR, reason="mailbox fixed by the CCAS", request_id="retry-1")
    assert await bench.pathways.retry_notification(pid, route_key(entry), request) == 1
    (sent,) = bench.store.notifications(pathway_id=pid)
    assert sent.status is OutboxStatus.SENT
    ((recipients, _mail),) = bench.smtp.recorder.received
    assert recipients == [REFERRER_MAILBOX]
    # The same request again is answered from what it did; a new one meets the outbox.
    assert await bench.pathways.retry_notification(pid, route_key(entry), request) == 1
    assert await bench.pathways.retry_notification(pid, route_key(entry), meta(STAFF)) == 1
    assert len(bench.smtp.recorder.received) == 1
    # Who asked and why is in the history, with the request.
    history = await bench.pathways.temporal.get_workflow_handle(pid).fetch_history()
    converter = bench.pathways.temporal.data_converter
    retries = [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input
        for e in history.events
        if e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        == "retry_notification_v2"
    ]
    assert len(retries) == 2
    first = await converter.decode(retries[0].args.payloads, [type(request), str])
    assert first == [request, route_key(entry)]


async def test_no_retry_once_consent_is_withdrawn(
    bench: Bench,
) -> None:
    pid, entry = await failed_for_good(bench)
    # Withdrawn after the event: the referrer was owed it, and is told nothing more now.
    withdrawn = c.WithdrawConsent(PartnerKind.REFERRER, datetime.now(UTC))
    await bench.pathways.execute(pid, withdrawn, meta())
    with pytest.raises(RequestRefused) as refused:
        await bench.pathways.retry_notification(pid, route_key(entry), meta(COORDINATOR))
    assert refused.value.rule == "consent_required"
    assert bench.smtp.recorder.received == []
