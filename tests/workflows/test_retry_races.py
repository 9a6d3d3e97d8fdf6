"""Notification retries racing the run loop: answered before the run ends, published at once.

The activities are gated (`races.Switchboard`), so each race happens on every run; each
test runs with the workflow cache and without, so every patch also replays task by task.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from temporalio.client import WorkflowExecutionStatus

from parcours.app.client import PathwayClient
from parcours.domain.vocabulary import AlertRule
from tests.workflows.races import (
    WAIT,
    Switchboard,
    retry_during_the_last_publish,
    retry_that_fails_for_good,
    undelivered_then_sent,
    until,
)

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

PROMPTLY = 5.0
"""Well beyond the fraction of a second the workflow takes, well before its next timer."""


async def test_a_retry_started_during_the_last_publish_is_answered_before_completing(
    gated: PathwayClient, board: Switchboard
) -> None:
    pid, second = await retry_during_the_last_publish(gated, board)
    assert await asyncio.wait_for(second, WAIT) == 1
    handle = gated.temporal.get_workflow_handle(pid)
    await asyncio.wait_for(handle.result(), WAIT)
    assert (await handle.describe()).status is WorkflowExecutionStatus.COMPLETED


async def test_a_failure_recorded_by_a_retry_is_published_and_alerted_at_once(
    gated: PathwayClient, board: Switchboard
) -> None:
    pid = await retry_that_fails_for_good(gated, board)
    await until(lambda: "notification_failed" in board.projected_events(pid), PROMPTLY)
    await until(lambda: AlertRule.NOTIFICATION_FAILED in board.alerted(pid), PROMPTLY)
    # Nothing else fell due meanwhile: only the retry could have woken the run loop.
    status = await gated.status(pid)
    assert status.next_alert_at is not None
    assert status.as_of is not None
    assert status.next_alert_at - status.as_of > timedelta(seconds=PROMPTLY)


async def test_an_undelivered_message_is_alerted_once_and_sent_again(
    gated: PathwayClient, board: Switchboard
) -> None:
    pid = await undelivered_then_sent(gated, board)
    timeline = await gated.timeline(pid)
    assert [e.kind for e in timeline].count("notification_failed") == 1
    assert board.alerted(pid).count(AlertRule.NOTIFICATION_FAILED) == 1
    assert board.sent_kinds(pid).count("intake_completed") == 2  # reported, then resumed
