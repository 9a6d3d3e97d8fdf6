"""Continue-as-new, forced early by a lowered history threshold, keeps the whole pathway."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertRule, BarrierKind, ExitReason, PartnerKind, Stage
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.messages import PathwayInput
from tests.polling import eventually
from tests.samples import ATP_CRITERIA
from tests.servers import SUGGEST_AFTER_EVENTS
from tests.support import T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

CONCURRENT = 8
ATP = get_programme("atp-cergy")


async def test_continue_as_new_carries_state_and_applied_requests(
    low_threshold_env: WorkflowEnvironment, tmp_path: Any
) -> None:
    settings = Settings.self_contained(str(tmp_path))
    async with build_worker(low_threshold_env.client, settings, default_activities(settings)):
        pathways = PathwayClient(low_threshold_env.client, settings.task_queue)
        pid = await pathways.refer(ATP, participant(), referral(), meta())
        handle = low_threshold_env.client.get_workflow_handle(pid)
        first_run = (await handle.describe()).run_id
        early = dataclasses.replace(meta(request_id="early-request"), effective_at=T0)
        await pathways.execute(pid, c.OpenBarrier(BarrierKind.MOBILITY), early)
        consent = c.GiveConsent(PartnerKind.REFERRER, T0, expires_at=T0 + timedelta(days=400))
        await pathways.execute(pid, consent, meta())
        # Telling the referrer (not in this worker's directory) of the intake fails for
        # good: an alert at once. (The intake overdue since T0 would wait for the entries
        # to settle: README "Alerts".)
        await pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
        await eventually(  # told in the background since DECOUPLED_PUBLISH_PATCH
            lambda: pathways.status(pid),
            lambda status: any(a.rule is AlertRule.NOTIFICATION_FAILED for a in status.open_alerts),
            what="the failure to tell the referrer was recorded",
        )
        for _ in range(SUGGEST_AFTER_EVENTS - CONCURRENT):
            await pathways.execute(pid, c.RecordContact(T0), meta())
        # The last ones arrive together, while the run is being told to continue as new:
        # it must finish every handler first.
        await asyncio.gather(
            *(pathways.execute(pid, c.RecordContact(T0), meta()) for _ in range(CONCURRENT))
        )

        runs: list[str] = []
        await eventually(  # the run continues as new once its activities have finished
            handle.describe,
            lambda described: described.run_id != first_run,
            what="the run continued as new",
        )
        history = await low_threshold_env.client.get_workflow_handle(
            pid, run_id=first_run
        ).fetch_history()
        assert history.events[-1].event_type == (
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
        )
        runs.append(first_run)
        assert (await handle.describe()).run_id not in runs

        # What the first run carried is exactly what the new run holds: the whole state.
        attributes = history.events[-1].workflow_execution_continued_as_new_event_attributes
        decoded = await low_threshold_env.client.data_converter.decode(
            attributes.input.payloads, [PathwayInput]
        )
        carried = decoded[0]
        assert isinstance(carried, PathwayInput)
        assert carried.state is not None
        # Updates that reached the pathway after the run decided to continue are recorded by
        # the new run (the client sends them on), and a message still under way travels with
        # the run: their events follow what was carried; the rest is the same state.
        now = await pathways.state(pid)
        kept = len(carried.state.timeline)
        assert now.timeline[:kept] == carried.state.timeline
        later = {event.kind for event in now.timeline[kept:]}
        assert later <= {"contact_recorded", "notification_failed"}, later
        # A failure recorded by the new run raises its alert there (the one message to the
        # referrer that was still under way): only those alerts are new.
        carried_alerts = {alert.alert_id for alert in carried.state.alerts}
        new_alerts = [alert for alert in now.alerts if alert.alert_id not in carried_alerts]
        assert all(alert.rule is AlertRule.NOTIFICATION_FAILED for alert in new_alerts)
        assert len(new_alerts) <= len(
            [e for e in now.timeline[kept:] if e.kind == "notification_failed"]
        )
        as_carried = dataclasses.replace(
            now,
            timeline=carried.state.timeline,
            next_seq=carried.state.next_seq,
            last_entry_at=carried.state.last_entry_at,
            alerts=[alert for alert in now.alerts if alert.alert_id in carried_alerts],
        )
        assert as_carried == carried.state
        assert carried.state.alerts, "alerts raised before continue-as-new are carried"
        assert [k.partner_kind for k in carried.state.consents] == [PartnerKind.REFERRER]
        assert carried.published_seq == carried.state.next_seq - 1
        assert "early-request" in carried.applied_requests
        assert carried.participant == participant()

        # The request applied before continue-as-new is still known after it.
        again = await pathways.execute(pid, c.OpenBarrier(BarrierKind.MOBILITY), early)
        assert again.duplicate
        assert again.details["barrier_id"] == "b1"  # the answer still names what it created
        state = await pathways.state(pid)
        assert [b.barrier_id for b in state.barriers] == ["b1"]
        assert len([e for e in state.timeline if e.kind == "contact_recorded"]) == (
            SUGGEST_AFTER_EVENTS
        )
        assert [e.seq for e in state.timeline] == list(range(1, state.next_seq))
        assert (await pathways.participant(pid)).last_name == "Quillfeather"


async def test_an_exited_pathway_continues_as_new_and_stays_open(
    low_threshold_env: WorkflowEnvironment, tmp_path: Any
) -> None:
    """After exit the pathway keeps running: a long follow-up continues as new, and the
    new run still accepts what remains due after exit."""
    settings = Settings.self_contained(str(tmp_path))
    async with build_worker(low_threshold_env.client, settings, default_activities(settings)):
        pathways = PathwayClient(low_threshold_env.client, settings.task_queue)
        pid = await pathways.refer(get_programme("atp-cergy"), participant(), referral(), meta())
        handle = low_threshold_env.client.get_workflow_handle(pid)
        first_run = (await handle.describe()).run_id
        await pathways.execute(pid, c.GiveConsent(PartnerKind.CAREER_ADVISOR, T0), meta())
        await pathways.execute(pid, c.Exit(ExitReason.MOVED_AWAY, T0), meta(reason="moved"))
        for _ in range(SUGGEST_AFTER_EVENTS):
            await pathways.execute(pid, c.RecordContact(T0), meta())
        await eventually(
            handle.describe,
            lambda described: described.run_id != first_run,
            what="the exited pathway's run continued as new",
        )
        await pathways.execute(pid, c.WithdrawConsent(PartnerKind.CAREER_ADVISOR, T0), meta())
        status = await pathways.status(pid)
        assert status.stage is Stage.EXITED
        assert status.closed_at is None
        assert [x.withdrawn_at for x in status.consents] == [T0]
        assert "record_contact" in status.allowed
