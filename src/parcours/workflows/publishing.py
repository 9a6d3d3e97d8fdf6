"""Publishing a pathway's new events: alerts to their channel, the read model, partners.

A mixin of `ParticipantPathway`, kept apart so the run loop reads on one page. Every
step is an activity named here; a notification that can never be delivered comes back
as a failure, recorded as an event of the pathway and published in turn. Since
`DECOUPLED_PUBLISH_PATCH` the alerts and the projection are handed off together, in one
step, and partner messages go on in the background (`deliveries`).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain.events import failure_alert_ids, timer_alert_ids
    from parcours.domain.notification import Notification
    from parcours.domain.records import PathwayEvent
    from parcours.domain.routing import notifications_for
    from parcours.workflows import search_attributes as sa
    from parcours.workflows.deliveries import Deliveries, doubling
    from parcours.workflows.messages import (
        AlertDelivery,
        NotificationBatch,
        NotificationFailure,
        Participant,
        participant_fields,
    )
    from parcours.workflows.patches import FAILURE_ALERTS_PATCH, READ_MODEL_PATCH
    from parcours.workflows.summaries import ProjectionBatch

NOTIFY_RETRY = doubling(timedelta(seconds=1), timedelta(minutes=30))

ACTIVITY_RETRY = doubling(timedelta(seconds=2), timedelta(minutes=10))


HAND_OFF_TIMEOUT = timedelta(seconds=30)
"""One attempt of an activity of the hand-off (a projection or the alert files)."""


class Publishing(Deliveries):
    """What the workflow hands to activities, and what it records of their answers."""

    _participant: Participant
    _published_seq: int
    _decoupled: bool
    """Whether this run takes `DECOUPLED_PUBLISH_PATCH` (decided when the run starts)."""

    def _unpublished(self) -> list[PathwayEvent]:
        return [e for e in self._pathway.state.timeline if e.seq > self._published_seq]

    async def _publish(self) -> None:
        """Hand every event not yet published to the activities, until none is left.

        Alerts go to the alert channel; since the `READ_MODEL_PATCH`, every change is also
        projected to the read model and routed to the partners concerned, and events that
        arrive while the activities run are published before the workflow sleeps. A
        permanent notification failure is recorded as an event, published in turn.
        """
        while new_events := self._unpublished():
            if self._decoupled:
                await self._hand_off(new_events)
                continue
            await self._deliver_raised(new_events)
            self._published_seq = new_events[-1].seq
            patched = workflow.patched(READ_MODEL_PATCH)
            if patched:
                await self._project(new_events)
                await self._notify(self._owed(new_events))
            self._upsert_search_attributes()
            if not patched:
                return  # histories before the patch published once per wake-up

    async def _hand_off(self, new_events: list[PathwayEvent]) -> None:
        """Publish in one step: in the workflow task that recorded the events, the partner
        messages start in the background, the search attributes are set, and the alerts and
        the projection are scheduled side by side; the loop waits for those two only.

        Not local activities: a local activity holds its workflow task open while it runs,
        so a slow read model delayed the update's answer and, on a loaded machine, timed
        the task out (measured with `bench.pathways`)."""
        self._published_seq = new_events[-1].seq
        self._deliver_in_background(self._owed(new_events))
        self._upsert_search_attributes()
        await asyncio.gather(self._deliver_raised(new_events), self._project(new_events))

    async def _deliver_raised(self, new_events: list[PathwayEvent]) -> None:
        """Hand the alerts these events raised to the alert channel (no personal data)."""
        state = self._pathway.state
        raised = timer_alert_ids(new_events)
        by_failure = failure_alert_ids(new_events)
        if by_failure and workflow.patched(FAILURE_ALERTS_PATCH):
            raised |= by_failure
        alerts = [a for a in state.alerts if a.alert_id in raised]
        if alerts:
            await self._deliver(
                AlertDelivery(state.pathway_id, state.programme, state.referent, alerts)
            )

    async def _deliver(self, delivery: AlertDelivery) -> None:
        await self._hand_to("deliver_alerts", delivery)

    async def _project(self, events: list[PathwayEvent]) -> None:
        summary = self._pathway.summary(workflow.now())
        batch = ProjectionBatch.of(summary, events, list(self._pathway.state.alerts))
        await self._hand_to("project_pathway", batch)

    async def _hand_to(self, activity: str, arg: AlertDelivery | ProjectionBatch) -> None:
        await workflow.execute_activity(
            activity, arg, start_to_close_timeout=HAND_OFF_TIMEOUT, retry_policy=ACTIVITY_RETRY
        )

    def _owed(self, events: list[PathwayEvent]) -> list[Notification]:
        """What the programme's routes owe partners for these events, under consent."""
        participant = participant_fields(self._participant)
        return notifications_for(events, self._pathway.state, self._programme, participant)

    async def _notify(self, notifications: list[Notification]) -> list[PathwayEvent]:
        """Send `notifications` and wait; record, once each, those that failed.

        Since `DECOUPLED_PUBLISH_PATCH` (a retry on request) each goes as an activity of its
        own, reported undelivered past the programme's threshold rather than waited for."""
        if not notifications:
            return []
        if self._decoupled:
            return self._record_failures(await self._send_each(notifications))
        state = self._pathway.state
        failures: list[NotificationFailure] = await workflow.execute_activity(
            "send_notifications",
            NotificationBatch(state.pathway_id, state.programme, notifications),
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=NOTIFY_RETRY,
            result_type=list[NotificationFailure],
        )
        return self._record_failures(failures)

    def _upsert_search_attributes(self) -> None:
        state = self._pathway.state
        next_at = self._pathway.next_alert_at(workflow.now())
        workflow.upsert_search_attributes(
            [
                sa.PROGRAMME.value_set(state.programme),
                sa.STAGE.value_set(state.stage.value),
                sa.REFERENT.value_set(state.referent),
                sa.NEXT_ALERT_AT.value_set(next_at)
                if next_at is not None
                else sa.NEXT_ALERT_AT.value_unset(),
            ]
        )
