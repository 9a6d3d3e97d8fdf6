"""Corrections on a running pathway: partners told of a corrected event receive a
correction notice through the same route (real SMTP and webhook receivers), under consent;
the workflow's state is the corrected one, its timeline keeps both events."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.readmodel import OutboxStatus
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind, PartnerKind, Stage
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.pathway import ParticipantPathway
from tests.polling import eventually
from tests.samples import ATP_CRITERIA
from tests.servers import SUGGEST_AFTER_EVENTS
from tests.support import T0, meta, participant, referral
from tests.workflows.partner_bench import Bench, projected, refer

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

WHY = "typed on the wrong pathway"


async def test_partners_told_of_a_corrected_event_get_a_correction_notice(bench: Bench) -> None:
    pid = await refer(bench)
    execute = bench.pathways.execute
    for kind in (PartnerKind.REFERRER, PartnerKind.TEMP_AGENCY):
        await execute(pid, c.GiveConsent(kind, T0), meta())
    await execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    signed = await execute(pid, c.SignContract(T0), meta())
    coached = await execute(pid, c.StartCoaching(T0), meta())
    await eventually(lambda: len(bench.hooks.received) == 1, what="the temp agency was told")
    voided = await execute(pid, c.CorrectEvent(coached.seq), meta(reason=WHY))
    assert (voided.event, voided.stage) == ("event_voided", Stage.CONTRACTED)
    await eventually(lambda: len(bench.hooks.received) == 2, what="the agency got the notice")
    notice = json.loads(bench.hooks.received[1].body)
    assert bench.hooks.received[1].signature_valid
    assert notice["event_kind"] == "event_voided"
    assert notice["corrects"] == f"{pid}:{coached.seq}:temp_agency:Interim 95"
    assert notice["corrects"] == json.loads(bench.hooks.received[0].body)["idempotency_key"]
    assert notice["fields"] == json.loads(bench.hooks.received[0].body)["fields"]

    # The contract's date restated: the referrer, told by mail of the signature, is told.
    mails_before = len(bench.smtp.recorder.received)
    restated_to = T0 + timedelta(hours=2)
    await execute(pid, c.CorrectEvent(signed.seq, restated_to), meta(reason=WHY))
    await eventually(
        lambda: len(bench.smtp.recorder.received) == mails_before + 1,
        what="the referrer got the correction notice",
    )
    _, mail = bench.smtp.recorder.received[-1]
    assert "Correction" in str(mail["Subject"])
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert f"{pid}:{signed.seq}:referrer:CCAS" in text
    assert "2026-01-05 11:00 UTC" in text
    assert "Quillfeather" in text  # the fields the referrer was sent, and no others
    assert "zq@example.org" not in text
    await projected(bench, pid)

    def sent() -> set[tuple[str, str, OutboxStatus]]:
        rows = bench.store.notifications(pathway_id=pid)
        return {(n.event_kind, n.partner_name, n.status) for n in rows}

    # The receiver holds the mail before the outbox marks it sent: ask until it has.
    await eventually(
        sent,
        lambda found: (
            {
                ("event_voided", "Interim 95", OutboxStatus.SENT),
                ("event_restated", "CCAS", OutboxStatus.SENT),
            }
            <= found
        ),
        what="the outbox marked both correction notices sent",
    )
    status = await bench.pathways.status(pid)
    assert (status.stage, status.contract_signed_at) == (Stage.CONTRACTED, restated_to)
    timeline = await bench.pathways.timeline(pid)
    kinds = [e.kind for e in timeline if e.seq >= coached.seq and e.kind != "alert_raised"]
    assert kinds == ["coaching_started", "event_voided", "event_restated"]


async def test_without_consent_now_no_notice_and_a_dependent_correction_is_refused(
    bench: Bench,
) -> None:
    pid = await refer(bench)
    execute = bench.pathways.execute
    await execute(pid, c.GiveConsent(PartnerKind.REFERRER, T0), meta())
    intake = await execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
    await eventually(lambda: len(bench.smtp.recorder.received) == 1, what="the referrer got mail")
    signed = await execute(pid, c.SignContract(T0), meta())
    await eventually(lambda: len(bench.smtp.recorder.received) == 2, what="told of the contract")
    with pytest.raises(RequestRefused) as refused:
        await execute(pid, c.CorrectEvent(intake.seq), meta(reason=WHY))
    assert refused.value.code == "correction_dependents"
    assert refused.value.values["dependents"] == str(signed.seq)
    await execute(pid, c.WithdrawConsent(PartnerKind.REFERRER, T0), meta())
    await execute(pid, c.CorrectEvent(signed.seq), meta(reason=WHY))
    await projected(bench, pid)
    assert len(bench.smtp.recorder.received) == 2  # the intake and the contract, no notice
    kinds = [n.event_kind for n in bench.store.notifications(pathway_id=pid)]
    assert "event_voided" not in kinds


async def test_a_correction_after_continue_as_new_runs_the_carried_commands_again(
    low_threshold_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    settings = Settings.self_contained(str(tmp_path))
    async with build_worker(low_threshold_env.client, settings, default_activities(settings)):
        pathways = PathwayClient(low_threshold_env.client, settings.task_queue)
        pid = await pathways.refer(get_programme("atp-cergy"), participant(), referral(), meta())
        handle = low_threshold_env.client.get_workflow_handle(pid)
        first_run = (await handle.describe()).run_id
        intake = await pathways.execute(pid, c.CompleteIntake(T0, ATP_CRITERIA), meta())
        barrier = await pathways.execute(pid, c.OpenBarrier(BarrierKind.MOBILITY), meta())
        for _ in range(SUGGEST_AFTER_EVENTS):
            await pathways.execute(pid, c.RecordContact(T0 + timedelta(hours=1)), meta())
        await eventually(
            handle.describe,
            lambda described: described.run_id != first_run,
            what="the pathway continued as new",
        )
        await pathways.execute(pid, c.CorrectEvent(barrier.seq), meta(reason=WHY))
        restated = T0 + timedelta(minutes=30)
        await pathways.execute(pid, c.CorrectEvent(intake.seq, restated), meta(reason=WHY))
        state = await handle.query(ParticipantPathway.state)
    assert state.barriers == []
    assert (state.intake_completed_at, state.eligibility_criteria_met) == (
        restated,
        list(ATP_CRITERIA),
    )
    assert [e.seq for e in state.applied][:3] == [1, intake.seq, barrier.seq]
