"""Telling partners in the background: one activity per message, retried on its own.

A mixin of `ParticipantPathway` (through `Publishing`), used by runs that take
`DECOUPLED_PUBLISH_PATCH`. Each message the routes owe is handed to `send_notifications`
alone, as an activity the run loop never waits for: it heartbeats, so a worker that dies
mid-send is noticed in seconds, and Temporal retries it with backoff while its channel
fails for now. Past the programme's threshold the activity reports the message
undelivered: the pathway records the failure (the coordinator's alert, once per outbox
key) and starts it again, told to keep trying that key until it goes or fails for good.
Messages still under way when the run continues as new travel with the carried input.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from parcours.domain.notification import Notification
    from parcours.domain.pathway import Pathway
    from parcours.domain.programme import ProgrammeDefinition
    from parcours.domain.records import PathwayEvent
    from parcours.domain.routing import failure_to_record
    from parcours.workflows.messages import (
        NotificationBatch,
        NotificationFailure,
        PendingDelivery,
    )


def doubling(first: timedelta, ceiling: timedelta) -> RetryPolicy:
    """Attempts `first` apart, then twice as far apart each time, never more than `ceiling`."""
    return RetryPolicy(initial_interval=first, backoff_coefficient=2.0, maximum_interval=ceiling)


DELIVERY_RETRY = doubling(timedelta(seconds=1), timedelta(minutes=2))
"""A message failing for now is tried again within two minutes at most, so a partner that
comes back hears of it soon; the threshold is checked at each attempt."""

DELIVERY_HEARTBEAT = timedelta(seconds=5)
"""The activity beats every second while it sends (`activities.notify`); a worker killed
mid-send is noticed this long after, and the message tried again on another attempt."""

DELIVERY_ATTEMPT = timedelta(minutes=5)
"""One attempt: every partner of the message, each bounded by its channel's own timeout."""


class Deliveries:
    """The messages under way, by notification key, and what their answers record."""

    _pathway: Pathway
    _programme: ProgrammeDefinition
    _applied: dict[str, int]
    _dated: bool
    _changed: bool
    _deliveries: dict[str, PendingDelivery]
    _delivering: dict[str, asyncio.Task[None]]
    _ending: bool
    """Set once the run is about to complete: a message reported undelivered then is not
    started again (the pathway has closed for good)."""

    def _deliver_in_background(self, notifications: list[Notification]) -> None:
        for notification in notifications:
            self._resume_delivery(PendingDelivery(notification))

    def _resume_delivery(self, pending: PendingDelivery) -> None:
        key = pending.notification.key
        if key in self._deliveries:
            return  # already under way
        self._deliveries[key] = pending
        self._delivering[key] = asyncio.create_task(self._keep_delivering(pending))

    async def _keep_delivering(self, pending: PendingDelivery) -> None:
        """Send until every partner has it or refused it for good; record what failed."""
        key = pending.notification.key
        try:
            while True:
                failures = await self._send([pending.notification], pending.resumed)
                if self._record_failures(failures):
                    self._changed = True  # wake the run loop: it publishes and alerts them now
                overdue = [f.key for f in failures if f.overdue and f.key not in pending.resumed]
                if not overdue or self._ending:
                    break
                pending.resumed.extend(overdue)
        finally:
            del self._deliveries[key]
            del self._delivering[key]

    def _deliveries_to_wait_for(self) -> bool:
        """Whether a run about to end still waits for a message: one not yet reported
        undelivered (it goes, fails for good or passes the threshold). One already reported
        and still retried is left behind: the pathway has closed for good."""
        return any(not pending.resumed for pending in self._deliveries.values())

    async def _send(
        self, notifications: list[Notification], resumed: list[str]
    ) -> list[NotificationFailure]:
        state = self._pathway.state
        minutes = self._programme.timers.undelivered_notification_minutes
        batch = NotificationBatch(
            state.pathway_id,
            state.programme,
            notifications,
            undelivered_after=minutes * 60,
            resumed=list(resumed),
        )
        failures: list[NotificationFailure] = await workflow.execute_activity(
            "send_notifications",
            batch,
            start_to_close_timeout=DELIVERY_ATTEMPT,
            heartbeat_timeout=DELIVERY_HEARTBEAT,
            retry_policy=DELIVERY_RETRY,
            result_type=list[NotificationFailure],
        )
        return failures

    async def _send_each(self, notifications: list[Notification]) -> list[NotificationFailure]:
        """Send each message as an activity of its own, all at once; what failed."""
        sent = await asyncio.gather(*(self._send([n], []) for n in notifications))
        return [failure for failures in sent for failure in failures]

    def _record_failures(self, failures: list[NotificationFailure]) -> list[PathwayEvent]:
        """Record, once per outbox key, each message that could not be delivered."""
        recorded: list[PathwayEvent] = []
        for failure in failures:
            now = workflow.now()
            meta, command = failure_to_record(failure.key, failure.partner_kind, failure.error, now)
            if meta.request_id not in self._applied and self._pathway.may(command, meta):
                event = self._pathway.execute(command, meta, now, dated=self._dated)
                self._applied[meta.request_id] = event.seq
                recorded.append(event)
        return recorded

    def _deliveries_under_way(self) -> list[PendingDelivery]:
        """What a run continued as new carries, to send on."""
        return list(self._deliveries.values())
