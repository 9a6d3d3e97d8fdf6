"""Every update path of a pathway, and every kind of refusal, on the real dev server."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType

from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.domain import commands as c
from parcours.domain.inputs import ReferralRejected
from parcours.domain.vocabulary import (
    BarrierKind,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
    Stage,
)
from parcours.programmes import get_programme
from parcours.workflows.messages import Participant
from tests.scenarios import drive_full_atp_pathway
from tests.support import (
    AUDITOR,
    COORDINATOR,
    T0,
    accepted_updates,
    meta,
    participant,
    referral,
)

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")
ND = get_programme("nouveau-depart")
DAY = timedelta(days=1)


async def test_full_atp_pathway_through_every_update(pathways: PathwayClient) -> None:
    """Once per worker kind (tests/workflows/conftest.py): cached, and with no workflow
    cache, where every step replays the history so that any non-determinism fails."""
    await drive_full_atp_pathway(pathways)


async def test_assign_referent_is_for_coordinators(pathways: PathwayClient) -> None:
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    with pytest.raises(RequestRefused) as refused:
        await pathways.execute(pid, c.AssignReferent("staff-99"), meta())
    assert refused.value.rule == "role_permission"
    result = await pathways.execute(pid, c.AssignReferent("staff-99"), meta(COORDINATOR))
    assert result.event == "referent_assigned"
    assert (await pathways.status(pid)).referent == "staff-99"


@pytest.mark.parametrize(
    ("prepare", "command", "reason", "rule"),
    [
        ([], c.SignContract(T0), "", "stage"),
        ([], c.CompleteIntake(T0, ("precarious_worker",)), "", "eligibility_met"),
        (
            [
                c.CompleteIntake(T0, ("precarious_worker", "lives_in_territory")),
                c.OpenBarrier(BarrierKind.HEALTH),
            ],
            c.SignContract(T0),
            "",
            "blocking_barriers_cleared",
        ),
        (
            [
                c.CompleteIntake(T0, ("precarious_worker", "lives_in_territory")),
                c.OpenBarrier(BarrierKind.HEALTH),
            ],
            c.WaiveBarrier("b1"),
            "",
            "reason_required",
        ),
        ([], c.ResolveBarrier("b9"), "", "unknown_reference"),
        ([], c.Exit(ExitReason.OTHER, T0), "", "reason_required"),
        ([], c.CompleteIntake(T0, ("precarious_worker", "nonsense")), "", "criterion_unknown"),
        ([], c.Suspend(T0), "health \u202eyaw ot\u202c", "reason_bidi_control"),
        ([], c.RecordContact(T0), "called \u2067back\u2069", "reason_bidi_control"),
        (
            [],
            c.EnrolTraining("Employé \u202elibre-service", "Muse", T0, T0 + 30 * DAY),
            "",
            "text_bidi_control",
        ),
        ([], c.AttendAppointment("a1\u2066"), "", "text_bidi_control"),
    ],
)
async def test_refused_update_leaves_no_event_in_history(
    pathways: PathwayClient,
    prepare: list[c.Command],
    command: c.Command,
    reason: str,
    rule: str,
) -> None:
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    for step in prepare:  # dated as the referral, as the command refused is
        await pathways.execute(pid, step, dataclasses.replace(meta(), effective_at=T0))
    before = await accepted_updates(pathways, pid)
    with pytest.raises(RequestRefused) as refused:
        await pathways.execute(pid, command, meta(reason=reason))
    assert refused.value.rule == rule
    assert refused.value.message
    assert await accepted_updates(pathways, pid) == before
    history = await pathways.temporal.get_workflow_handle(pid).fetch_history()
    rejected_kinds = {
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_REJECTED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED,
    }
    assert not [e for e in history.events if e.event_type in rejected_kinds]


@pytest.mark.parametrize(
    ("person", "command", "reason", "wrong"),
    [
        (participant(first="  "), referral(), "", ("first_name", "blank")),
        (participant(last="Quill\u202efeather"), referral(), "", ("last_name", "bidi")),
        (participant(), referral(), "work \u2067", ("reason", "bidi")),
        (participant(), replace(referral(), referrer="CCAS \u202e"), "", ("referrer", "bidi")),
        (participant(), replace(referral(), session="2026\u2066-01"), "", ("session", "bidi")),
        (replace(participant(), skills=["cash\u202eier"]), referral(), "", ("skills", "bidi")),
        (replace(participant(), address="1 rue \u202d"), referral(), "", ("address", "bidi")),
        (replace(participant(), birth_date="02/04/1990"), referral(), "", ("birth_date", "date")),
    ],
    ids=["blank", "name", "reason", "referrer", "session", "skills", "address", "birth-date"],
)
async def test_a_referral_sent_directly_is_checked_as_the_cli_checks_it(
    pathways: PathwayClient,
    person: Participant,
    command: c.Refer,
    reason: str,
    wrong: tuple[str, str],
) -> None:
    """Before: `PathwayClient.refer` started any pathway it was given, names or not."""
    pathway_id = f"pathway-{uuid.uuid4().hex[:16]}"
    with pytest.raises(ReferralRejected) as rejected:
        await pathways.refer(ATP, person, command, meta(reason=reason), pathway_id=pathway_id)
    assert (rejected.value.field, rejected.value.fault) == wrong
    assert await pathways.running(pathway_id) is None  # nothing started


async def test_refusal_names_the_moves_allowed_now(pathways: PathwayClient) -> None:
    pid = await pathways.refer(ND, participant(), referral(), meta())
    with pytest.raises(RequestRefused) as refused:
        await pathways.execute(pid, c.StartCoaching(T0), meta())
    assert refused.value.rule == "stage"
    assert "complete_intake" in refused.value.allowed


async def test_french_a1_required_before_nouveau_depart_training(pathways: PathwayClient) -> None:
    pid = await pathways.refer(ND, participant(), referral(), meta())
    criteria = (
        "referred_by_partner_association",
        "wishes_to_leave_prostitution",
        "temp_work_presented",
    )
    for step in (
        c.CompleteIntake(T0, criteria),
        c.StartCoaching(T0 + DAY),
        c.RecordJobDating(T0 + 2 * DAY, JobDatingOutcome.TRAINING),
    ):
        await pathways.execute(pid, step, meta())
    training = c.EnrolTraining(
        "Employé libre-service", "Muse", T0 + 10 * DAY, T0 + 85 * DAY, paid=True
    )
    with pytest.raises(RequestRefused) as refused:
        await pathways.execute(pid, training, meta())
    assert refused.value.rule == "training_prerequisites_met"
    await pathways.execute(pid, c.AssessFrench(FrenchLevel.A1), meta())
    assert (await pathways.execute(pid, training, meta())).stage is Stage.TRAINING


async def test_auditor_cannot_move_anyone(pathways: PathwayClient) -> None:
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    with pytest.raises(RequestRefused) as refused:
        await pathways.execute(pid, c.RecordContact(T0), meta(AUDITOR))
    assert refused.value.rule == "role_permission"


async def test_a_retried_request_applies_once(pathways: PathwayClient) -> None:
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    request = meta(request_id="req-open-housing-1")
    first = await pathways.execute(pid, c.OpenBarrier(BarrierKind.HOUSING), request)
    again = await pathways.execute(pid, c.OpenBarrier(BarrierKind.HOUSING), request)
    assert first.seq == again.seq
    status = await pathways.status(pid)
    assert [b.barrier_id for b in status.barriers] == ["b1"]


async def test_status_and_timeline_queries(pathways: PathwayClient) -> None:
    now = datetime.now(UTC)
    pid = await pathways.refer(ATP, participant(), referral(at=now), meta())
    await pathways.execute(pid, c.GiveConsent(PartnerKind.EVALUATOR, now), meta())
    status = await pathways.status(pid)
    assert status.stage is Stage.REFERRED
    assert status.programme == "atp-cergy"
    assert status.programme_version == ATP.version
    assert [x.partner_kind for x in status.consents] == [PartnerKind.EVALUATOR]
    assert "complete_intake" in status.allowed
    assert status.next_alert_at == now + timedelta(days=ATP.timers.intake_within_days)
    timeline = await pathways.timeline(pid)
    assert [e.kind for e in timeline] == ["referred", "consent_given"]
    assert (await pathways.participant(pid)).last_name == "Quillfeather"
