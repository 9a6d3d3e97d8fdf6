"""Two races around notification retries, set up with gated activities so they happen every run.

Shared by `test_retry_races.py` and the history recorder (`tests/histories/record.py`),
which keeps one history of each: they take the branches of `HANDLERS_AFTER_LAST_PUBLISH_PATCH`
and `RETRY_FAILURES_WAKE_PATCH`. The activities stand in for the real ones: each call may
be held at a `Gate` the scenario opens when it chooses, and a send may report its
notifications as failed for good.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio import activity, workflow
from temporalio.worker import UnsandboxedWorkflowRunner

from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertRule, ExitReason, PartnerKind
from parcours.programmes import get_programme
from parcours.workflows.messages import AlertDelivery, NotificationBatch, NotificationFailure
from parcours.workflows.patches import RETENTION_BY_CONTACT_PATCH
from parcours.workflows.retention import ANONYMISE_ACTIVITY, Anonymised, AnonymiseOrder
from parcours.workflows.summaries import ProjectionBatch
from tests.samples import ATP_CRITERIA
from tests.support import COORDINATOR, meta, participant, referral

WAIT = 20.0
"""How long a scenario waits for the workflow to reach a gate (it takes well under 1 s)."""


ORIGINAL_PATCHED = workflow.patched


def answered_no(monkeypatch: pytest.MonkeyPatch, *patch_ids: str, retention: bool = True) -> None:
    """Workers built from now on answer `patch_ids` no (unsandboxed, so that the very
    module the workflow calls is patched). The races of an exit past its retention keep
    the rule they were written for: `RETENTION_BY_CONTACT_PATCH` answered no (unless not
    `retention`), the pathway closes at the end of its retention after exit (the new rule
    anonymises the person of a pathway entered after the fact only once its entries have
    settled)."""
    refused = {*patch_ids, *([RETENTION_BY_CONTACT_PATCH] if retention else [])}
    monkeypatch.setattr(workflow, "patched", lambda p: p not in refused and ORIGINAL_PATCHED(p))
    monkeypatch.setattr("parcours.worker.workflow_runner", UnsandboxedWorkflowRunner)


class Gate:
    """Holds one activity call until opened; says when the call has reached it."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.opened = asyncio.Event()

    async def through(self) -> None:
        self.reached.set()
        await self.opened.wait()

    async def wait_reached(self) -> None:
        await asyncio.wait_for(self.reached.wait(), WAIT)


class Switchboard:
    """Stand-ins for the three activities of a pathway, held and failed at will."""

    def __init__(self) -> None:
        self.projected: list[ProjectionBatch] = []
        self.delivered: list[AlertDelivery] = []
        self.project_gates: deque[Gate] = deque()
        self.send_gates: deque[Gate] = deque()
        self.failing = False
        """While set, every notification sent is reported as failed for good."""
        self.undelivered = False
        """While set, a message is reported undelivered (past the programme's threshold)
        until a send names it resumed: then it goes (`DECOUPLED_PUBLISH_PATCH`)."""
        self.sends = 0
        self.anonymised: list[str] = []
        self.sent: list[tuple[str, str]] = []
        """(pathway id, event kind) of every notification a send has answered for."""

    @activity.defn(name="project_pathway")
    async def project_pathway(self, batch: ProjectionBatch) -> None:
        if self.project_gates:
            await self.project_gates.popleft().through()
        self.projected.append(batch)

    @activity.defn(name=ANONYMISE_ACTIVITY)
    async def anonymise_person(self, order: AnonymiseOrder) -> Anonymised:
        self.anonymised.append(order.pathway_id)
        return Anonymised(keys_destroyed=1, reservations_deleted=0, files_deleted=0)

    @activity.defn(name="deliver_alerts")
    async def deliver_alerts(self, delivery: AlertDelivery) -> None:
        self.delivered.append(delivery)

    @activity.defn(name="send_notifications")
    async def send_notifications(self, batch: NotificationBatch) -> list[NotificationFailure]:
        self.sends += 1
        if self.send_gates:
            await self.send_gates.popleft().through()
        self.sent += [(batch.pathway_id, n.event_kind) for n in batch.notifications]
        if self.undelivered:
            return [
                NotificationFailure(f"{n.key}:partner", n.partner_kind, "HTTP 503", overdue=True)
                for n in batch.notifications
                if f"{n.key}:partner" not in batch.resumed
            ]
        if not self.failing:
            return []
        return [
            NotificationFailure(f"{n.key}:partner-{self.sends}", n.partner_kind, "550 no mailbox")
            for n in batch.notifications
        ]

    def activities(self) -> list[Callable[..., Any]]:
        return [
            self.project_pathway,
            self.deliver_alerts,
            self.send_notifications,
            self.anonymise_person,
        ]

    def hold_next_project(self) -> Gate:
        gate = Gate()
        self.project_gates.append(gate)
        return gate

    def hold_next_send(self) -> Gate:
        gate = Gate()
        self.send_gates.append(gate)
        return gate

    def sent_kinds(self, pid: str) -> list[str]:
        return [kind for pathway_id, kind in self.sent if pathway_id == pid]

    def projected_events(self, pid: str) -> list[str]:
        return [e.kind for b in self.projected if b.pathway_id == pid for e in b.events]

    def alerted(self, pid: str) -> list[AlertRule]:
        return [a.rule for d in self.delivered if d.pathway_id == pid for a in d.alerts]


async def until(condition: Callable[[], bool], seconds: float = WAIT) -> None:
    """Return once `condition` holds; `TimeoutError` after `seconds`."""
    async with asyncio.timeout(seconds):
        while not condition():
            await asyncio.sleep(0.02)


async def intake_owed_to_referrer(
    pathways: PathwayClient, board: Switchboard, at: datetime | None = None
) -> tuple[str, str]:
    """A pathway referred `at` (now by default) whose intake was owed to the referrer: its
    id and that key."""
    at = at or datetime.now(UTC)
    pid = await pathways.refer(get_programme("atp-cergy"), participant(), referral(at=at), meta())
    await pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, at), meta())
    intake = await pathways.execute(pid, c.CompleteIntake(at, ATP_CRITERIA), meta())
    # Nothing left in flight: the intake is projected and told to the referrer.
    await until(lambda: "intake_completed" in board.projected_events(pid))
    await until(lambda: "intake_completed" in board.sent_kinds(pid))
    return pid, f"{pid}:{intake.seq}:referrer"


def retry(pathways: PathwayClient, pid: str, key: str, request_id: str) -> asyncio.Task[int]:
    request = meta(COORDINATOR, reason="mailbox fixed", request_id=f"{pid}-{request_id}")
    return asyncio.ensure_future(pathways.retry_notification(pid, key, request))


async def retry_during_the_last_publish(
    pathways: PathwayClient, board: Switchboard
) -> tuple[str, asyncio.Task[int]]:
    """A retry that starts while an exited pathway publishes for the last time.

    The pathway was referred and exited long ago, its exit dated beyond the programme's
    retention period after exit, so that it closes for good as it exits (since
    `AFTER_EXIT_PATCH` an exited pathway stays open until then; before it, the run
    completed at any exit, as in the committed history of this race).
    A first retry is held in its send while the pathway exits, so the run waits for it;
    when it ends it records a failure, which the run publishes before completing. That
    projection is held, and a second retry arrives meanwhile: the run must not complete
    before the second retry has answered. Returns the pathway and the second retry.
    """
    retention = timedelta(days=get_programme("atp-cergy").timers.retention_after_exit_days)
    exited_at = datetime.now(UTC) - retention - timedelta(days=10)
    pid, key = await intake_owed_to_referrer(pathways, board, exited_at - timedelta(days=60))
    first_send = board.hold_next_send()
    first = retry(pathways, pid, key, "first")
    await first_send.wait_reached()
    exit_long_ago = c.Exit(ExitReason.MOVED_AWAY, exited_at)
    await pathways.execute(pid, exit_long_ago, meta(reason="moved to Lyon"))
    # Once the exit is published (and told to the referrer), the run waits for the retry.
    await until(lambda: "exited" in board.sent_kinds(pid))
    last_publish = board.hold_next_project()
    board.failing = True
    first_send.opened.set()
    assert await first == 1
    await last_publish.wait_reached()  # the failure the first retry recorded is projected
    board.failing = False
    second_send = board.hold_next_send()
    second = retry(pathways, pid, key, "second")
    await second_send.wait_reached()
    last_publish.opened.set()
    await asyncio.sleep(0.5)  # time for an unpatched run to complete without the retry
    second_send.opened.set()
    return pid, second


async def retry_that_fails_for_good(pathways: PathwayClient, board: Switchboard) -> str:
    """A retry whose message fails for good while the pathway sleeps until next month."""
    pid, key = await intake_owed_to_referrer(pathways, board)
    board.failing = True
    assert await retry(pathways, pid, key, "retry") == 1
    return pid


async def record_retry_during_the_last_publish(pathways: PathwayClient, board: Switchboard) -> str:
    """The first race, played to the end: both retries answered, the pathway completed."""
    pid, second = await retry_during_the_last_publish(pathways, board)
    assert await asyncio.wait_for(second, WAIT) == 1
    await asyncio.wait_for(pathways.temporal.get_workflow_handle(pid).result(), WAIT)
    return pid


async def record_retry_that_fails_for_good(pathways: PathwayClient, board: Switchboard) -> str:
    """The second race, until the failure the retry recorded is published and alerted."""
    pid = await retry_that_fails_for_good(pathways, board)
    await until(lambda: AlertRule.NOTIFICATION_FAILED in board.alerted(pid))
    await until(lambda: "notification_failed" in board.projected_events(pid))
    return pid


async def undelivered_then_sent(pathways: PathwayClient, board: Switchboard) -> str:
    """The intake's message to the referrer is reported undelivered past the threshold: the
    failure is recorded and alerted, and the message is sent again, resumed, and goes."""
    board.undelivered = True
    pid, _key = await intake_owed_to_referrer(pathways, board)
    await until(lambda: AlertRule.NOTIFICATION_FAILED in board.alerted(pid))
    await until(lambda: board.sent_kinds(pid).count("intake_completed") == 2)
    await until(lambda: "notification_failed" in board.projected_events(pid))
    return pid


async def exit_entered_during_a_publish(pathways: PathwayClient, board: Switchboard) -> str:
    """An exit entered after the fact, its retention period already over, lands while the
    run loop publishes a contact (its projection held): since
    `CHANGES_DURING_PUBLISH_PATCH` the loop turns again at once and closes the pathway for
    good (since `RETENTION_BY_CONTACT_PATCH`, by anonymising the person: the exit, its last
    contact, is more than 24 months ago too); before, it slept with nothing due to wake it.
    Returns the pathway."""
    retention = timedelta(days=get_programme("atp-cergy").timers.retention_after_exit_days)
    exited_at = datetime.now(UTC) - retention - timedelta(days=10)
    pid, _key = await intake_owed_to_referrer(pathways, board, exited_at - timedelta(days=60))
    held = board.hold_next_project()
    await pathways.execute(pid, c.RecordContact(exited_at - timedelta(days=1)), meta())
    await held.wait_reached()
    exit_long_ago = c.Exit(ExitReason.MOVED_AWAY, exited_at)
    await pathways.execute(pid, exit_long_ago, meta(reason="moved to Lyon"))
    held.opened.set()
    return pid


async def record_exit_entered_during_a_publish(pathways: PathwayClient, board: Switchboard) -> str:
    """The race of the exit entered during a publish, until the run completes, closed."""
    pid = await exit_entered_during_a_publish(pathways, board)
    await asyncio.wait_for(pathways.temporal.get_workflow_handle(pid).result(), WAIT)
    return pid


RACES = {
    "retry-during-last-publish": record_retry_during_the_last_publish,
    "retry-failure-published-at-once": record_retry_that_fails_for_good,
    # the same race on today's code: the exit is past its retention, so the pathway is
    # due to close while the first retry runs, and closes only once it has finished
    "retry-while-closing": record_retry_during_the_last_publish,
    # since DECOUPLED_PUBLISH_PATCH: a message undelivered past the threshold, resumed
    "undelivered-then-sent": undelivered_then_sent,
    # since CHANGES_DURING_PUBLISH_PATCH: an exit past its retention, during a publish
    "exit-closed-during-publish": record_exit_entered_during_a_publish,
}
"""The races kept as committed histories, by file name (without `.json`)."""
