"""An alert made due by an update that lands while the workflow's activities run is raised.

The projection of the batch carrying the contact is held until the test releases it, so
the second update is accepted while the first one's events are being published, on every
run: the workflow must wake for the missed-appointment alert, not sleep until the next
alert of the future (the no-contact alert, a month away). Since the alerts follow the
pathway (`ALERTS_FOLLOW_PATHWAY_PATCH`), an alert due at an entry waits `SETTLING` for the
entries to settle: the workflow's timer is set for then. The old branch of
`DUE_BEFORE_SLEEP_PATCH`, where it was due at once, is replayed by
`tests/histories/old-due-before-sleep.json`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.alerts import SETTLING
from parcours.domain.vocabulary import AlertRule, AppointmentKind, AppointmentPlace
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.summaries import ProjectionBatch
from tests.polling import eventually
from tests.support import meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

HELD_EVENT = "contact_recorded"


class HeldProjection:
    """`project_pathway`, held on the batch that carries HELD_EVENT until `release` is set.

    Every other batch passes at once; nothing is written (the test reads the workflow)."""

    def __init__(self) -> None:
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    @activity.defn(name="project_pathway")
    async def project(self, batch: ProjectionBatch) -> None:
        if self.release.is_set() or all(e.kind != HELD_EVENT for e in batch.events):
            return
        self.holding.set()
        await self.release.wait()


def with_held_projection(settings: Settings, held: HeldProjection) -> list[Callable[..., Any]]:
    kept = [
        fn
        for fn in default_activities(settings)
        if getattr(fn, "__temporal_activity_definition").name != "project_pathway"
    ]
    return [*kept, held.project]


async def test_an_alert_due_from_an_update_during_publishing_is_raised_at_once(
    temporal_env: WorkflowEnvironment, settings: Settings
) -> None:
    client = temporal_env.client
    held = HeldProjection()
    async with build_worker(client, settings, with_held_projection(settings, held)):
        pathways = PathwayClient(client, settings.task_queue)
        start = referral(at=datetime.now(UTC) - timedelta(hours=2))  # entered a little late
        pid = await pathways.refer(get_programme("atp-cergy"), participant(), start, meta())
        booked = await pathways.execute(
            pid,
            c.ScheduleAppointment(
                at=start.referred_at + timedelta(hours=1),
                kind=AppointmentKind.INDIVIDUAL,
                place=AppointmentPlace.OFFICE,
            ),
            meta(),
        )
        assert booked.event == "appointment_scheduled"
        appointment = (await pathways.state(pid)).appointments[-1].appointment_id
        # The first update's events are being published (the projection is held) when the
        # second one arrives and makes an alert due at once.
        await pathways.execute(pid, c.RecordContact(contacted_at=start.referred_at), meta())
        await asyncio.wait_for(held.holding.wait(), timeout=30)
        await pathways.execute(pid, c.MissAppointment(appointment), meta())
        held.release.set()

        state = await pathways.state(pid)
        missed = [a for a in state.appointments if a.appointment_id == appointment]
        assert missed[0].recorded_at == state.last_entry_at
        assert state.last_entry_at is not None
        wake = state.last_entry_at + SETTLING

        async def last_timer_fires_at() -> datetime | None:
            history = await client.get_workflow_handle(pid).fetch_history()
            timers = [
                e for e in history.events if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED
            ]
            if not timers:
                return None
            last = timers[-1]
            timeout = last.timer_started_event_attributes.start_to_fire_timeout
            return last.event_time.ToDatetime(UTC) + timeout.ToTimedelta()

        fires = await eventually(
            last_timer_fires_at,
            lambda at: at is not None and abs(at - wake) < timedelta(seconds=2),
            what="the workflow sleeps until the missed appointment's alert settles",
            timeout=10,
        )
        assert fires is not None
        status = await pathways.status(pid)
        assert status.next_alert_at == wake
        assert AlertRule.NO_CONTACT not in [a.rule for a in status.open_alerts]
