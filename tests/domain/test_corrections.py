"""Corrections in the domain: one per kind of event (a move, an in-stage record, a mission),
one refused because later events depend on it, one restating a date, and who may correct
what. The timeline keeps every event as recorded; the state is run again without it."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from parcours.domain import commands as c
from parcours.domain.commands.corrections import corrections_of
from parcours.domain.errors import DomainError, MoveRefused, NotPermitted, UnknownReference
from parcours.domain.pathway import Pathway
from parcours.domain.records import Actor, PathwayEvent
from parcours.domain.routing import notifications_for
from parcours.domain.vocabulary import (
    AlertStatus,
    BarrierKind,
    BarrierStatus,
    ContractType,
    ExitReason,
    PartnerKind,
    Role,
    Stage,
)
from tests.domain.helpers import ATP, DAY, HOUR, PARTNER_ACTOR, drive_to
from tests.support import COORDINATOR, STAFF, meta

WHY = "recorded on the wrong pathway"


def correct(
    pathway: Pathway,
    seq: int,
    now: datetime,
    *,
    on: datetime | None = None,
    actor: Actor = STAFF,
    reason: str = WHY,
) -> PathwayEvent:
    command, sent = c.CorrectEvent(seq, on), meta(actor, reason)
    pathway.check(command, sent, now)
    return pathway.execute(command, sent, now)


def refused(pathway: Pathway, seq: int, now: datetime, **kw: object) -> DomainError:
    before = copy.deepcopy(pathway.state)
    with pytest.raises(DomainError) as caught:
        correct(pathway, seq, now, **kw)  # type: ignore[arg-type]
    assert pathway.state == before
    assert pathway.state.timeline == before.timeline
    return caught.value


def test_a_drop_out_voided_puts_the_pathway_back_where_it_was_and_keeps_both_events() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    since = pathway.state.stage_since
    dropped = pathway.execute(c.DropOut(now), meta(reason="no news"), now)
    voided = correct(pathway, dropped.seq, now + HOUR)
    state = pathway.state
    assert (state.stage, state.stage_since) == (Stage.COACHING, since)
    assert voided.kind == "event_voided"
    assert voided.reason == WHY
    assert voided.details == {"seq": str(dropped.seq), "event": "dropped_out"}
    assert [e.kind for e in state.timeline[-2:]] == ["dropped_out", "event_voided"]
    assert corrections_of(state.timeline) == {dropped.seq: voided}
    assert "drop_out" in pathway.allowed_triggers()


def test_an_exit_voided_reopens_the_pathway_without_its_outcome() -> None:
    pathway, now = drive_to(ATP, Stage.IN_EMPLOYMENT)
    exited = pathway.execute(c.Exit(ExitReason.EMPLOYMENT, now), meta(reason="hired"), now)
    assert pathway.state.outcome is not None
    correct(pathway, exited.seq, now + HOUR)
    assert pathway.state.stage is Stage.IN_EMPLOYMENT
    assert pathway.state.outcome is None


def test_a_contact_voided_gives_back_the_previous_last_contact() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    before = pathway.state.last_contact_at
    contact = pathway.execute(c.RecordContact(now + DAY), meta(), now)
    assert pathway.state.last_contact_at == now + DAY
    correct(pathway, contact.seq, now + HOUR)
    assert pathway.state.last_contact_at == before


def test_a_barrier_voided_leaves_the_others_and_later_barriers_depend_on_its_number() -> None:
    pathway, now = drive_to(ATP, Stage.BARRIER_WORK)
    first = pathway.execute(c.OpenBarrier(BarrierKind.MOBILITY), meta(), now)
    second = pathway.execute(c.OpenBarrier(BarrierKind.FINANCES), meta(), now)
    err = refused(pathway, first.seq, now + HOUR)  # b2 would become b1
    assert err.code == "correction_dependents"
    assert err.values["dependents"] == str(second.seq)
    correct(pathway, second.seq, now + HOUR)
    assert [(b.barrier_id, b.kind) for b in pathway.state.barriers] == [
        ("b1", BarrierKind.MOBILITY)
    ]


def test_a_barrier_worked_on_then_resolved_depends_on_its_opening() -> None:
    pathway, now = drive_to(ATP, Stage.BARRIER_WORK)
    opened = pathway.execute(c.OpenBarrier(BarrierKind.HEALTH), meta(), now)
    worked = pathway.execute(c.WorkOnBarrier("b1"), meta(), now)
    resolved = pathway.execute(c.ResolveBarrier("b1"), meta(), now + HOUR)
    err = refused(pathway, opened.seq, now + 2 * HOUR)
    assert err.rule == "correction_dependents"
    assert err.values["dependents"] == f"{worked.seq}, {resolved.seq}"
    assert "later events depend on it" in str(err)
    correct(pathway, resolved.seq, now + 2 * HOUR)
    assert pathway.state.barriers[0].status is BarrierStatus.IN_PROGRESS


def test_a_mission_voided_and_one_that_ended_since_cannot_be() -> None:
    pathway, now = drive_to(ATP, Stage.AWAITING_MISSION)
    mission = c.StartMission("Adecco", "Entrepôt", now, ContractType.TEMP_MISSION, 35)
    started = pathway.execute(mission, meta(), now)
    ended = pathway.execute(c.EndMission(now + DAY), meta(), now + DAY)
    err = refused(pathway, started.seq, now + 2 * DAY)
    assert err.values == {
        "seq": str(started.seq),
        "event": "mission_started",
        "dependents": str(ended.seq),
    }
    correct(pathway, ended.seq, now + 2 * DAY)
    correct(pathway, started.seq, now + 2 * DAY)
    assert pathway.state.stage is Stage.AWAITING_MISSION
    assert pathway.state.missions == []
    kinds = [e.kind for e in pathway.state.timeline[-4:]]
    assert kinds == ["mission_started", "mission_ended", "event_voided", "event_voided"]


def test_a_drop_out_followed_by_a_reentry_is_refused_naming_the_reentry() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    dropped = pathway.execute(c.DropOut(now), meta(reason="no news"), now)
    back = pathway.execute(c.ReEnter("2026-03", now + DAY), meta(reason="back"), now + DAY)
    err = refused(pathway, dropped.seq, now + 2 * DAY)
    assert isinstance(err, MoveRefused)
    assert err.values["dependents"] == str(back.seq)
    assert err.allowed == ()  # another correction mends it, not a step of the pathway


def test_restating_a_drop_out_dates_the_stage_from_the_restated_instant() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    dropped = pathway.execute(c.DropOut(now + DAY), meta(reason="no news"), now + DAY)
    restated_to = now + 2 * HOUR
    restated = correct(pathway, dropped.seq, now + 2 * DAY, on=restated_to)
    assert restated.kind == "event_restated"
    assert restated.details["restated_at"] == restated_to.isoformat()
    assert pathway.state.stage is Stage.DROPPED_OUT
    assert pathway.state.stage_since == restated_to
    assert pathway.state.timeline[dropped.seq - 1] == dropped  # the record is unchanged


def test_restating_a_contact_and_a_mission_start_changes_their_dates() -> None:
    pathway, now = drive_to(ATP, Stage.AWAITING_MISSION)
    contact = pathway.execute(c.RecordContact(now), meta(), now)
    mission = c.StartMission("Adecco", "Entrepôt", now, ContractType.TEMP_MISSION, 35)
    started = pathway.execute(mission, meta(), now + 4 * HOUR)
    correct(pathway, contact.seq, now + DAY, on=now - HOUR)
    assert pathway.state.last_contact_at == now  # the mission start is later
    correct(pathway, started.seq, now + DAY, on=now + 3 * HOUR)
    assert pathway.state.missions[0].starts_at == now + 3 * HOUR
    assert pathway.state.last_contact_at == now + 3 * HOUR
    # Not after it was recorded: a restated date keeps the bounds of an entry made then.
    late = refused(pathway, started.seq, now + DAY, on=now + 5 * HOUR)
    assert late.code == "instant_in_future"


def test_a_restated_date_is_between_the_referral_and_now() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    contact = pathway.execute(c.RecordContact(now), meta(), now)
    referred = pathway.state.timeline[0].at
    for wrong in (referred - DAY, now + 2 * DAY):
        err = refused(pathway, contact.seq, now + DAY, on=wrong)
        assert err.rule == "correction_instant"


def test_what_cannot_be_corrected_is_refused_by_name() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    assert refused(pathway, 1, now).rule == "correction_not_correctable"  # the referral
    assert isinstance(refused(pathway, 999, now), UnknownReference)
    contact = pathway.execute(c.RecordContact(now), meta(), now)
    voided = correct(pathway, contact.seq, now)
    assert refused(pathway, contact.seq, now).rule == "correction_voided"
    assert refused(pathway, voided.seq, now, on=now).rule == "correction_not_correctable"
    undone = correct(pathway, voided.seq, now)  # a void voided is undone
    assert refused(pathway, undone.seq, now).rule == "correction_not_correctable"
    assert refused(pathway, contact.seq - 1, now, reason="  ").rule == "reason_required"
    raised = pathway.raise_due_alerts(now + 60 * DAY)
    assert raised
    assert refused(pathway, raised[0].seq, now + 60 * DAY).rule == ("correction_not_correctable")


def test_staff_correct_their_own_entries_coordinators_anyone_s_partners_none() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    someone_else = Actor("staff-0000", Role.STAFF)
    contact = pathway.execute(c.RecordContact(now), meta(someone_else), now)
    assert refused(pathway, contact.seq, now).rule == "correction_not_own"
    assert isinstance(refused(pathway, contact.seq, now, actor=PARTNER_ACTOR), NotPermitted)
    correct(pathway, contact.seq, now, actor=COORDINATOR)
    assert pathway.state.timeline[-1].actor_id == COORDINATOR.actor_id


def test_an_acknowledgement_voided_opens_its_alert_again() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    later = now + 60 * DAY
    alert = pathway.raise_due_alerts(later)[0].details["alert_id"]
    acked = pathway.execute(c.AcknowledgeAlert(alert), meta(), later)
    correct(pathway, acked.seq, later + HOUR)
    found = next(a for a in pathway.state.alerts if a.alert_id == alert)
    assert found.status is AlertStatus.OPEN


def test_corrections_add_up_and_later_commands_run_on_the_corrected_state() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    first = pathway.execute(c.RecordContact(now + HOUR), meta(), now + HOUR)
    second = pathway.execute(c.RecordContact(now + 2 * HOUR), meta(), now + 2 * HOUR)
    correct(pathway, second.seq, now + 3 * HOUR)
    pathway.execute(c.DropOut(now + 4 * HOUR), meta(reason="gone"), now + 4 * HOUR)
    correct(pathway, first.seq, now + 5 * HOUR, on=now + HOUR / 2)
    assert pathway.state.stage is Stage.DROPPED_OUT
    assert pathway.state.last_contact_at == now + HOUR / 2


def test_a_pathway_that_kept_no_commands_says_it_cannot_be_corrected() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    contact = pathway.execute(c.RecordContact(now), meta(), now)
    pathway.state.applied.clear()  # as a pathway recorded before corrections existed
    assert refused(pathway, contact.seq, now).rule == "correction_unavailable"


# -- partners told of a corrected event ----------------------------------------------------

PERSON = {"first_name": "Zephyrine", "last_name": "Quillfeather", "phone": "+33 6 00 00 00 00"}


def test_partners_told_of_a_voided_event_get_a_correction_notice_under_consent() -> None:
    pathway, now = drive_to(ATP, Stage.AWAITING_MISSION)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, now), meta(), now)
    mission = c.StartMission("Adecco", "Entrepôt", now, ContractType.TEMP_MISSION, 35)
    started = pathway.execute(mission, meta(), now + HOUR)
    told = notifications_for([started], pathway.state, ATP, PERSON)
    assert [n.partner_kind for n in told] == [PartnerKind.REFERRER]  # no evaluator consent
    voided = correct(pathway, started.seq, now + 2 * HOUR)
    (notice,) = notifications_for([voided], pathway.state, ATP, PERSON)
    pid = pathway.state.pathway_id
    assert notice.key == f"{pid}:{voided.seq}:referrer"
    assert (notice.partner_kind, notice.partner_name) == (told[0].partner_kind, "CCAS")
    assert (notice.event_kind, notice.event_seq, notice.event_at) == (
        "event_voided",
        voided.seq,
        voided.at,
    )
    assert notice.fields == told[0].fields == {k: PERSON[k] for k in ("first_name", "last_name")}
    assert notice.details["corrects"] == told[0].key == f"{pid}:{started.seq}:referrer"


def test_no_correction_notice_without_consent_now_or_to_partners_never_told() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    contact = pathway.execute(c.RecordContact(now), meta(), now)  # routed to the evaluator
    pathway.execute(c.GiveConsent(PartnerKind.EVALUATOR, now + HOUR), meta(), now + HOUR)
    voided = correct(pathway, contact.seq, now + 2 * HOUR)
    assert notifications_for([voided], pathway.state, ATP, PERSON) == []  # never told
    pathway, now = drive_to(ATP, Stage.COACHING)
    pathway.execute(c.GiveConsent(PartnerKind.EVALUATOR, now), meta(), now)
    contact = pathway.execute(c.RecordContact(now), meta(), now + HOUR)
    assert len(notifications_for([contact], pathway.state, ATP, PERSON)) == 1
    withdrawn = c.WithdrawConsent(PartnerKind.EVALUATOR, now + 2 * HOUR)
    pathway.execute(withdrawn, meta(), now + 2 * HOUR)
    restated = correct(pathway, contact.seq, now + 3 * HOUR, on=now + HOUR / 2)
    assert notifications_for([restated], pathway.state, ATP, PERSON) == []  # no consent now


def test_a_record_kept_after_a_voided_move_does_not_depend_on_it() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    started = pathway.state.timeline[-1]
    assert started.kind == "coaching_started"
    contact = pathway.execute(c.RecordContact(now), meta(), now)
    correct(pathway, started.seq, now + HOUR)
    assert pathway.state.stage is Stage.CONTRACTED
    assert pathway.state.last_contact_at == now
    assert pathway.state.timeline[contact.seq - 1] == contact


def test_a_void_voided_is_undone_and_its_event_counts_again_after_the_exit() -> None:
    """A trial voided an entry by mistake on an exited pathway: no new entry could record
    it again (the pathway had exited), nor could the void be corrected. Voiding the void
    undoes it: the event counts again, as recorded; voiding the event again is allowed."""
    pathway, now = drive_to(ATP, Stage.IN_EMPLOYMENT)
    contact = pathway.execute(c.RecordContact(now + HOUR), meta(), now + HOUR)
    exited = pathway.execute(
        c.Exit(ExitReason.EMPLOYMENT, now + DAY), meta(reason="hired"), now + DAY
    )
    assert pathway.state.last_contact_at == now + HOUR
    voided = correct(pathway, contact.seq, now + 2 * DAY)
    assert pathway.state.last_contact_at != now + HOUR
    assert pathway.state.stage is Stage.EXITED  # the exit stands
    undone = correct(pathway, voided.seq, now + 3 * DAY, reason="voided the wrong contact")
    assert undone.details == {"seq": str(voided.seq), "event": "event_voided"}
    assert pathway.state.last_contact_at == now + HOUR
    assert (pathway.state.stage, pathway.state.outcome) == (Stage.EXITED, pathway.state.outcome)
    assert corrections_of(pathway.state.timeline) == {voided.seq: undone}  # the contact: none
    again = correct(pathway, contact.seq, now + 4 * DAY)
    assert pathway.state.last_contact_at != now + HOUR
    assert corrections_of(pathway.state.timeline)[contact.seq] == again
    assert exited.seq < voided.seq
