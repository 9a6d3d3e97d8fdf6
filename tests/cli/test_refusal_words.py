"""Every refusal of the domain is said in the reader's language.

Each refusal carries a `code` naming its sentence and the `values` it uses; the CLI says
`refusal.<code>` from the catalogue. Each code is triggered here through the pure domain,
then one refusal is read in French end to end, through the workflow and the CLI.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from parcours.cli.refusals import refusal_reason, refusal_values, typed_fault
from parcours.domain import commands as c
from parcours.domain.alerts import follow_pathway
from parcours.domain.anonymisation import (
    BY_LAST_CONTACT,
    check_adoption,
    check_extension,
    check_extension_limit,
    retention_due_at,
)
from parcours.domain.correcting import check_correctable
from parcours.domain.erasure import anonymise, check_erasure, erase
from parcours.domain.errors import DomainError
from parcours.domain.inputs import reason_too_long
from parcours.domain.pathway import Pathway
from parcours.domain.records import RequestMeta
from parcours.domain.referral_dates import check_referral_instants
from parcours.domain.retention import retention_ends_at
from parcours.domain.returning import ReferAgain, check_return, refer_again
from parcours.domain.routing import check_retry
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    PartnerKind,
    Role,
    Stage,
)
from parcours.locale import catalogue
from tests.cli.actor_refusals import SIGNED_ACTOR_REFUSALS
from tests.cli.programme_refusals import PROGRAMME_RUN_REFUSALS, SAID_BY_THE_GROUP_ACTION
from tests.cli.runner import Cli, refer
from tests.domain.helpers import (
    ATP,
    DAY,
    HOUR,
    ND,
    REASON,
    drive_to,
    move_table,
    new_pathway,
    training_window,
)
from tests.samples import ATP_CRITERIA
from tests.support import AUDITOR, COORDINATOR, PARTNER, STAFF, T0, meta, referral

FIELDS = {"first_name": "Zephyrine", "last_name": "Quillfeather"}
ATP_CRITERIA_OPTIONS = [part for key in ATP_CRITERIA for part in ("--criterion", key)]


def _end_mission_while_referred() -> None:
    new_pathway(ATP).check(c.EndMission(T0), meta())


def _suspend_without_reason() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    pathway.check(c.Suspend(now), meta())


def _auditor_records_contact() -> None:
    new_pathway(ATP).check(c.RecordContact(T0), meta(AUDITOR))


def _auditor_retries() -> None:
    pathway = new_pathway(ATP)
    check_retry("any", pathway.state, ATP, FIELDS, role=Role.AUDITOR, now=T0)


def _intake_missing_a_criterion() -> None:
    new_pathway(ATP).check(c.CompleteIntake(T0, ATP_CRITERIA[:1]), meta())


def _intake_with_an_unknown_criterion() -> None:
    new_pathway(ATP).check(c.CompleteIntake(T0, (*ATP_CRITERIA, "nonsense")), meta())


def _reason_with_a_direction_control() -> None:
    new_pathway(ATP).check(c.Suspend(T0), meta(reason="health \u202eyaw ot"))


def _training_title_with_a_direction_control() -> None:
    new_pathway(ATP).check(c.EnrolTraining("Employé \u202elibre", "Muse", T0, T0), meta())


def _contract_with_a_blocking_barrier() -> None:
    pathway, now = drive_to(ATP, Stage.BARRIER_WORK)
    pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), meta(), now)
    pathway.check(c.SignContract(now + HOUR), meta())


def _training_without_french() -> None:
    stage = next(s for (t, s) in move_table(ND) if t == "enrol_training")
    pathway, now = drive_to(ND, stage, french=None)
    starts, ends = training_window(pathway.state, ND, now)
    pathway.check(c.EnrolTraining("Module 1", "GRETA", starts, ends), meta())


def _training_ending_before_it_starts() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    pathway.check(c.EnrolTraining("Module 1", "GRETA", now + 9 * DAY, now + DAY), meta())


def _training_after_the_deadline() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    pathway.check(c.EnrolTraining("Module 1", "GRETA", now, now + 1000 * DAY), meta())


def _mission(*, ends_after: timedelta, hours: float) -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    mission = c.StartMission(
        "Adecco", "Entrepôt", now, ContractType.TEMP_MISSION, hours, now + ends_after
    )
    pathway.check(mission, meta())


def _exit_dropped_out_on_mission() -> None:
    pathway, now = drive_to(ATP, Stage.IN_EMPLOYMENT)
    pathway.check(c.Exit(ExitReason.DROPPED_OUT, now), meta(reason=REASON))


def _closed_barrier() -> None:
    pathway = new_pathway(ATP)
    pathway.execute(c.OpenBarrier(BarrierKind.MOBILITY), meta(), T0 + HOUR)
    pathway.execute(c.ResolveBarrier("b1"), meta(), T0 + 2 * HOUR)
    pathway.check(c.ResolveBarrier("b1"), meta())


def _recorded_appointment() -> None:
    pathway = new_pathway(ATP)
    at = T0 + DAY
    pathway.execute(
        c.ScheduleAppointment(at, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE),
        meta(),
        T0 + HOUR,
    )
    pathway.execute(c.AttendAppointment("a1"), meta(), at + HOUR)
    pathway.check(c.MissAppointment("a1"), meta())


def _acknowledged_alert() -> None:
    pathway = new_pathway(ATP)
    (raised, *_) = pathway.raise_due_alerts(T0 + 60 * DAY)
    alert_id = raised.details["alert_id"]
    pathway.execute(c.AcknowledgeAlert(alert_id), meta(), T0 + 61 * DAY)
    pathway.check(c.AcknowledgeAlert(alert_id), meta())


def _resolved_alert() -> None:
    pathway = new_pathway(ATP)
    follow_pathway(pathway.state, T0)
    (raised, *_) = pathway.raise_due_alerts(T0 + 60 * DAY)
    alert_id = raised.details["alert_id"]
    intake = c.CompleteIntake(T0 + DAY, ("precarious_worker", "lives_in_territory"))
    pathway.execute(intake, meta(), T0 + 61 * DAY)
    pathway.check(c.SnoozeAlert(alert_id, T0 + 70 * DAY), meta())


def _unknown_notification() -> None:
    pathway = new_pathway(ATP)
    check_retry("nonsense", pathway.state, ATP, FIELDS, role=Role.COORDINATOR, now=T0)


def _retry_without_consent() -> None:
    pathway = Pathway.refer(ATP, "pathway-00000000000000aa", referral(), meta(), T0)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, T0), meta(), T0)
    pathway.execute(c.CompleteIntake(T0, ATP_CRITERIA), meta(), T0 + DAY)
    key = f"{pathway.state.pathway_id}:{pathway.state.timeline[-1].seq}:referrer"
    pathway.execute(c.WithdrawConsent(PartnerKind.REFERRER, T0 + 2 * DAY), meta(), T0 + 2 * DAY)
    check_retry(key, pathway.state, ATP, FIELDS, role=COORDINATOR.role, now=T0 + 3 * DAY)


def _retry_after_erasure() -> None:
    pathway = Pathway.refer(ATP, "pathway-00000000000000aa", referral(), meta(), T0)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, T0), meta(), T0)
    key = f"{pathway.state.pathway_id}:{pathway.state.timeline[-1].seq}:referrer"
    pathway.state.erased_at = T0 + DAY
    check_retry(key, pathway.state, ATP, FIELDS, role=COORDINATOR.role, now=T0 + 2 * DAY)


NOW = T0 + 30 * DAY


def _dated(instant: datetime) -> RequestMeta:
    return dataclasses.replace(meta(), effective_at=instant)


def _instant(command: c.Command, request: RequestMeta | None = None) -> None:
    """A fresh pathway (referred at T0) asked at NOW, its instants checked."""
    pathway = new_pathway(ATP)
    pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), _dated(T0 + 5 * DAY), NOW)
    pathway.execute(c.AssessFrench(FrenchLevel.B1), _dated(T0 + 5 * DAY), NOW)
    slot = c.ScheduleAppointment(T0 + 9 * DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    pathway.execute(slot, _dated(T0 + DAY), NOW)
    late = c.ScheduleAppointment(T0 + DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    pathway.execute(late, _dated(T0 + 3 * DAY), NOW)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, T0 + 5 * DAY), meta(), NOW)
    pathway.check(command, request or meta(), NOW)


def _alert_handled_before_it_was_raised() -> None:
    pathway = new_pathway(ATP)
    (raised, *_) = pathway.raise_due_alerts(NOW)
    alert = c.AcknowledgeAlert(raised.details["alert_id"])
    pathway.check(alert, _dated(NOW - DAY), NOW)


def _move_before_last_event() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING, start=T0)
    pathway.execute(c.RecordContact(now + 5 * DAY), meta(), NOW)
    pathway.check(c.Suspend(now + DAY), meta(reason=REASON), NOW)


def _record_before_stage() -> None:
    pathway, _ = drive_to(ATP, Stage.COACHING, start=T0)
    pathway.check(c.RecordContact(T0), meta(), NOW)


def _record_before_reentry() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING, start=T0)
    pathway.execute(c.DropOut(now), meta(reason=REASON), now)
    pathway.execute(c.ReEnter("2027-03", now + DAY), meta(reason=REASON), now + DAY)
    pathway.check(c.RecordContact(now + HOUR), meta(), NOW)


def _training_completed_before_start() -> None:
    pathway, _ = drive_to(ATP, Stage.TRAINING, start=T0)
    training = pathway.state.current_training()
    assert training is not None
    pathway.check(c.CompleteTraining(training.starts_at - HOUR), meta(), training.ends_at)


def _birth_in(birth: str) -> None:
    refusal = check_referral_instants(T0, birth, NOW)
    if refusal is not None:
        raise refusal


def _correction(seq: int, *, reason: str = REASON, by: str = "", on: int = 0) -> None:
    """A pathway in coaching with a contact then a drop-out and a re-entry, corrected."""
    pathway, now = drive_to(ATP, Stage.COACHING)
    pathway.execute(c.RecordContact(now), meta(), now)
    pathway.execute(c.DropOut(now), meta(reason=REASON), now)
    pathway.execute(c.ReEnter("2026-02", now), meta(reason=REASON), now)
    if by:
        pathway.state.timeline[-1].actor_id = by
    if seq < 0:
        pathway.state.applied.clear()
        seq = len(pathway.state.timeline)
    restated = now + on * DAY if on else None
    pathway.check(c.CorrectEvent(seq, restated), meta(reason=reason), now)


def _voided_twice() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    contact = pathway.execute(c.RecordContact(now), meta(), now)
    pathway.execute(c.CorrectEvent(contact.seq), meta(reason=REASON), now)
    pathway.check(c.CorrectEvent(contact.seq), meta(reason=REASON), now)


def _contact_after_closing() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    pathway.execute(c.Exit(ExitReason.EMPLOYMENT, now), meta(reason=REASON), now)
    closes = retention_ends_at(pathway.state, ATP)
    assert closes is not None
    pathway.close_if_retention_over(closes)
    pathway.check(c.RecordContact(closes), meta())


def _contact_after_erasure(*, by_parcours: bool) -> None:
    pathway, now = drive_to(ATP, Stage.COACHING)
    if by_parcours:  # at the end of the retention by the last contact
        anonymise(pathway.state, now, pathway._record)
    else:
        erase(pathway.state, meta(COORDINATOR, reason=REASON), now, pathway._record)
    pathway.check(c.RecordContact(now), meta())


REFUSALS: list[tuple[str, Callable[[], None]]] = [
    ("instant_in_future", lambda: _instant(c.RecordContact(NOW + DAY))),
    ("instant_mismatch", lambda: _instant(c.RecordContact(NOW), _dated(NOW - HOUR))),
    ("instant_before_referral", lambda: _instant(c.RecordContact(T0 - DAY))),
    ("instant_before_stage", _record_before_stage),
    ("instant_before_reentry", _record_before_reentry),
    ("instant_before_last_event", _move_before_last_event),
    ("instant_before_barrier", lambda: _instant(c.ResolveBarrier("b1"), _dated(T0 + DAY))),
    ("instant_before_appointment", lambda: _instant(c.AttendAppointment("a1"), _dated(T0 + DAY))),
    ("instant_before_scheduled", lambda: _instant(c.MissAppointment("a2"), _dated(T0 + 2 * DAY))),
    ("instant_before_alert", _alert_handled_before_it_was_raised),
    (
        "instant_before_consent",
        lambda: _instant(c.WithdrawConsent(PartnerKind.REFERRER, T0 + DAY)),
    ),
    ("instant_before_previous", lambda: _instant(c.AssessFrench(FrenchLevel.A1), _dated(T0))),
    ("instant_before_training_start", _training_completed_before_start),
    (
        "consent_expiry_past",
        lambda: _instant(c.GiveConsent(PartnerKind.EMPLOYER, NOW, T0 + 2 * DAY)),
    ),
    ("birth_date_range", lambda: _birth_in("2020-01-01")),
    ("birth_after_referral", lambda: _birth_in("2030-01-01")),
    ("move_not_in_stage", _end_mission_while_referred),
    ("reason_required", _suspend_without_reason),
    ("role_may_not", _auditor_records_contact),
    ("role_may_not", _auditor_retries),
    ("eligibility_missing", _intake_missing_a_criterion),
    ("criterion_unknown", _intake_with_an_unknown_criterion),
    ("reason_bidi_control", _reason_with_a_direction_control),
    ("text_bidi_control", _training_title_with_a_direction_control),
    ("blocking_barriers_pending", _contract_with_a_blocking_barrier),
    ("french_level_required", _training_without_french),
    ("training_dates_order", _training_ending_before_it_starts),
    ("training_after_deadline", _training_after_the_deadline),
    ("mission_dates_order", lambda: _mission(ends_after=-DAY, hours=35)),
    ("weekly_hours_range", lambda: _mission(ends_after=30 * DAY, hours=60)),
    ("exit_reason_on_mission", _exit_dropped_out_on_mission),
    ("unknown_barrier", lambda: new_pathway(ATP).check(c.WorkOnBarrier("b9"), meta())),
    ("unknown_appointment", lambda: new_pathway(ATP).check(c.AttendAppointment("a9"), meta())),
    ("unknown_alert", lambda: new_pathway(ATP).check(c.SnoozeAlert("x1", T0 + DAY), meta())),
    ("barrier_closed", _closed_barrier),
    ("appointment_recorded", _recorded_appointment),
    ("alert_acknowledged", _acknowledged_alert),
    ("alert_resolved", _resolved_alert),
    ("unknown_notification", _unknown_notification),
    ("consent_required", _retry_without_consent),
    ("retry_erased", _retry_after_erasure),
    ("unknown_event", lambda: _correction(99)),
    ("correction_not_correctable", lambda: _correction(1)),
    ("correction_voided", _voided_twice),
    ("correction_not_own", lambda: _correction(8, by="staff-0000")),
    ("correction_instant", lambda: _correction(8, on=2)),
    ("correction_unavailable", lambda: _correction(-1)),
    ("correction_dependents", lambda: _correction(7)),
    ("pathway_closed", _contact_after_closing),
    ("pathway_anonymised", lambda: _contact_after_erasure(by_parcours=True)),
    ("pathway_erased", lambda: _contact_after_erasure(by_parcours=False)),
]


def _assign_the_current_referent() -> None:
    pathway = new_pathway(ATP)
    pathway.check(c.AssignReferent(pathway.state.referent), meta(COORDINATOR))


def _withdraw_a_consent_never_given() -> None:
    pathway = new_pathway(ATP)
    pathway.check(c.WithdrawConsent(PartnerKind.REFERRER, T0), meta())


REFUSALS += [
    ("referent_unchanged", _assign_the_current_referent),
    ("consent_not_given", _withdraw_a_consent_never_given),
]


def _erase(reason: str, *, coordinator: bool = True, erased: bool = False) -> None:
    state = new_pathway(ATP).state
    state.erased_at = T0 if erased else None
    check_erasure(state, meta(COORDINATOR if coordinator else STAFF, reason=reason))


REFUSALS += [
    ("erase_role", lambda: _erase("asked by the person", coordinator=False)),
    ("erase_reason", lambda: _erase(" ")),
    ("already_erased", lambda: _erase("asked again", erased=True)),
]


def _adopt_erased() -> None:
    state = new_pathway(ATP).state
    state.erased_at = T0
    check_adoption(state, meta(COORDINATOR))


def _extend(reason: str, *, days: int = 30, coordinator: bool = True, old: bool = False) -> None:
    state = new_pathway(ATP).state
    state.retention_rule = 1 if old else BY_LAST_CONTACT
    due = retention_due_at(state, ATP) or T0
    who = meta(COORDINATOR if coordinator else STAFF, reason=reason)
    check_extension(state, ATP, who, due + timedelta(days=days), T0)


REFUSALS += [
    ("extend_role", lambda: _extend("court case", coordinator=False)),
    ("extend_reason", lambda: _extend(" ")),
    ("extend_until", lambda: _extend("court case", days=-1)),
    ("retention_not_running", lambda: _extend("court case", old=True)),
    ("extend_too_far", lambda: check_extension_limit(ATP, T0 + timedelta(days=800), T0)),
    ("extend_not_yet", lambda: check_extension_limit(ATP, T0 + 900 * DAY, T0, T0 + 800 * DAY)),
    ("adopt_role", lambda: check_adoption(new_pathway(ATP).state, meta(STAFF))),
    ("adopt_closed", _adopt_erased),
]


LATER = T0 + 100 * DAY


def _exited(*, again: bool = False) -> Pathway:
    """An ATP pathway exited 20 days after its referral; with `again`, its person referred
    again 40 days later."""
    pathway = new_pathway(ATP)
    pathway.execute(c.Exit(ExitReason.MOVED_AWAY, T0 + 20 * DAY), meta(reason=REASON), LATER)
    if again:
        refer_again(pathway.state, meta(), ReferAgain(T0 + 60 * DAY), LATER, pathway._record)
    return pathway


def _correct_exit(restated_at: datetime | None = None) -> None:
    pathway = _exited(again=True)
    seq = next(e.seq for e in pathway.state.timeline if e.kind == "exited")
    correction = c.CorrectEvent(seq, restated_at)
    check_correctable(pathway.state, correction, meta(reason=REASON), LATER)


def _correct_return() -> None:
    pathway = _exited(again=True)
    seq = pathway.state.timeline[-1].seq
    correction = c.CorrectEvent(seq)
    check_correctable(pathway.state, correction, meta(reason=REASON), LATER)


def _refer_after(earlier: str) -> None:
    """A referral naming as its earlier pathway something that is no pathway id."""
    named = dataclasses.replace(referral(T0), earlier_pathway_id=earlier)
    Pathway.refer(ATP, "pw", named, meta(), T0)


def _return_closed() -> None:
    state = _exited().state
    state.erased_at = NOW
    check_return(state, meta(), NOW, LATER)


REFUSALS += [
    ("return_not_exited", lambda: check_return(new_pathway(ATP).state, meta(), NOW, LATER)),
    ("return_before_exit", lambda: check_return(_exited().state, meta(), T0 + DAY, LATER)),
    ("return_closed", _return_closed),
    ("return_role", lambda: check_return(_exited().state, meta(PARTNER), LATER, LATER)),
    ("correction_referred_again", _correct_exit),
    ("correction_after_return", lambda: _correct_exit(T0 + 70 * DAY)),
    ("correction_return", _correct_return),
    ("referral_earlier", lambda: _refer_after("Alice")),
]


def _snooze_into_the_past() -> None:
    pathway = new_pathway(ATP)
    (raised, *_) = pathway.raise_due_alerts(NOW)
    pathway.check(c.SnoozeAlert(raised.details["alert_id"], NOW - HOUR), meta(), NOW)


def _training_titled(title: str) -> None:
    new_pathway(ATP).check(c.EnrolTraining(title, "AFPA", T0, T0), meta())


def _reason_too_long() -> None:
    refused = reason_too_long("r" * 2001)
    if refused is not None:
        raise refused


def _appointment_in(days: int) -> None:
    slot = c.ScheduleAppointment(
        NOW + days * DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE
    )
    new_pathway(ATP).check(slot, meta(), NOW)


REFUSALS += [
    ("date_beyond_horizon", lambda: _appointment_in(367)),
    (
        "date_beyond_horizon",
        lambda: _instant(c.GiveConsent(PartnerKind.EMPLOYER, NOW, NOW + 3654 * DAY)),
    ),
    ("snooze_in_past", _snooze_into_the_past),
    (
        "text_too_long",
        lambda: new_pathway(ATP).check(c.EnrolTraining("t" * 2001, "A", T0, T0), meta()),
    ),
    ("reason_too_long", _reason_too_long),
    ("text_blank", lambda: new_pathway(ATP).check(c.EnrolTraining(" ", "AFPA", T0, T0), meta())),
]
REFUSALS += PROGRAMME_RUN_REFUSALS  # sessions and job-datings (tests/cli/programme_refusals.py)
REFUSALS += SIGNED_ACTOR_REFUSALS  # who sent a request (tests/cli/actor_refusals.py)
CODES = [code for code, _ in REFUSALS]
SAID_BY_THE_CLIENT = frozenset({"pathway_finished"}) | SAID_BY_THE_GROUP_ACTION
"""Refusals the pathway client says itself: a pathway whose run has ended (closed for good)
cannot be asked; `tests/workflows/test_after_exit.py` reads it in both languages."""
IDS = [f"{code}-{refuse.__name__}" for code, refuse in REFUSALS]


def refused(refuse: Callable[[], None]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        refuse()
    return caught.value


@pytest.mark.parametrize(("code", "refuse"), REFUSALS, ids=IDS)
def test_each_refusal_has_a_code_and_words_in_both_languages(
    code: str, refuse: Callable[[], None]
) -> None:
    error = refused(refuse)
    assert error.code == code, error.message
    key = f"refusal.{code}"
    assert key in catalogue("en")
    assert key in catalogue("fr")
    english = catalogue("en")[key].format(**error.values)
    french = catalogue("fr")[key].format(**error.values)
    assert french != english
    # As the CLI says it: kinds, stages and actions in the reader's words.
    fr, en = Text("fr"), Text("en")
    said_fr = refusal_reason(error.code, error.values, error.message, fr)
    said_en = refusal_reason(error.code, error.values, error.message, en)
    assert said_fr == catalogue("fr")[key].format(**refusal_values(error.values, fr))
    assert said_en == catalogue("en")[key].format(**refusal_values(error.values, en))
    assert said_fr != error.message
    assert all(isinstance(v, str) for v in error.values.values())
    # An instant is said in local time, as `show` says it, never as the raw ISO value.
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", said_fr), said_fr


def test_every_refusal_sentence_of_the_catalogue_is_triggered() -> None:
    sentences = {
        key.removeprefix("refusal.")
        for key in catalogue("en")
        if key.startswith("refusal.") and key != "refusal.none_yet"
    }
    assert sentences == set(CODES) | SAID_BY_THE_CLIENT


def test_the_values_of_a_refusal_are_what_its_sentence_says() -> None:
    error = refused(_end_mission_while_referred)
    assert error.message == "end mission is not allowed while the pathway is referred"
    assert error.values == {"trigger": "end_mission", "stage": "referred"}
    said = refusal_reason(error.code, error.values, error.message, Text("fr"))
    assert said == (
        "« terminer la mission » n'est pas possible tant que le parcours est à l'étape "
        "« Orienté·e »"
    )
    unknown = refused(lambda: new_pathway(ATP).check(c.WorkOnBarrier("b9"), meta()))
    assert unknown.message == "no barrier 'b9' on this pathway (barriers: none yet)"
    assert refusal_reason(unknown.code, unknown.values, unknown.message, Text("en")) == (
        unknown.message
    )


def test_a_refusal_without_words_is_said_as_the_domain_said_it() -> None:
    """An older worker sends no code; a code the catalogue lacks, or values that do not
    fill its sentence, fall back to the English message rather than failing."""
    fr = Text("fr")
    assert refusal_reason("", {}, "no can do", fr) == "no can do"
    assert refusal_reason("no_such_code", {}, "no can do", fr) == "no can do"
    assert refusal_reason("move_not_in_stage", {"stage": "coaching"}, "no can do", fr) == (
        "no can do"
    )


def test_the_code_and_values_travel_with_the_refusal_and_older_details_still_parse() -> None:
    from temporalio.exceptions import ApplicationError

    from parcours.app.errors import refusal_of
    from parcours.workflows.errors import refusal

    error = refused(_end_mission_while_referred)
    failure = refusal(error)
    assert failure.details[0] == {
        "rule": "stage",
        "allowed": list(error.allowed),
        "code": "move_not_in_stage",
        "values": {"trigger": "end_mission", "stage": "referred"},
    }
    parsed = refusal_of(failure)
    assert (parsed.rule, parsed.code, parsed.values) == ("stage", error.code, error.values)
    assert parsed.allowed == list(error.allowed)
    older = refusal_of(ApplicationError("no can do", {"rule": "stage", "allowed": ["exit"]}))
    assert (older.rule, older.allowed, older.code, older.values) == ("stage", ["exit"], "", {})


ENGLISH_WORDS = re.compile(r"\b(end|is|not|allowed|while|the|pathway)\b", re.IGNORECASE)


def test_a_refusal_read_in_french_through_the_cli(cli: Cli) -> None:
    pathway_id = refer(cli)
    for args in (
        ("intake", "complete", pathway_id, *ATP_CRITERIA_OPTIONS),
        ("contract", "sign", pathway_id),
        ("coaching", "start", pathway_id),
    ):
        done = cli(*args, "--json")
        assert done.exit_code == 0, (args, done.output)
    allowed = json.loads(cli("next", pathway_id, "--json").stdout)["allowed"]
    labels = ", ".join(catalogue("fr")[f"action.{trigger}"] for trigger in allowed)

    refused_fr = cli("--lang", "fr", "mission", "end", pathway_id)

    assert refused_fr.exit_code == ExitCode.REFUSED
    assert refused_fr.stdout == ""
    assert refused_fr.stderr == (
        "Refusé : « terminer la mission » n'est pas possible tant que "
        f"le parcours est à l'étape « Coaching ». Possible maintenant : {labels}. [règle stage]\n"
    )
    reason = refused_fr.stderr.split(" : ", 1)[1].split(". Possible maintenant", 1)[0]
    assert ENGLISH_WORDS.search(reason) is None, reason
    assert "end_mission" not in refused_fr.stderr
    assert not [t for t in allowed if re.search(rf"\b{re.escape(t)}\b", refused_fr.stderr)]

    refused_en = cli("mission", "end", pathway_id)
    assert refused_en.stderr.startswith(
        "Refused: “end the mission” is not allowed while the pathway is "
        "at the stage “Coaching”. Allowed now: "
    )

    # A typing slip is refused for itself: no list of the pathway's actions after it.
    slip = cli(
        *("--lang", "fr", "mission", "start", pathway_id, "--employer", " "),
        *("--contract", "temp_mission", "--hours", "35", "--agency", "A2I"),
    )
    assert slip.exit_code == ExitCode.REFUSED, slip.output
    assert slip.stderr.startswith("Refusé : ")
    assert "Possible maintenant" not in slip.stderr


def test_the_deadline_in_a_refusal_is_the_day_show_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """23:30 UTC is already the next day in Paris: the refusal says the day `show` prints."""
    from datetime import UTC, datetime

    from parcours.cli.render import when
    from parcours.domain.guards import accompaniment_deadline

    monkeypatch.setenv("PARCOURS_TIMEZONE", "Europe/Paris")
    pathway, now = drive_to(ATP, Stage.COACHING, start=datetime(2028, 3, 20, 20, 30, tzinfo=UTC))
    deadline = accompaniment_deadline(pathway.state, ATP)
    assert deadline == datetime(2030, 3, 20, 23, 30, tzinfo=UTC)
    assert when(deadline) == "2030-03-21 00:30"
    too_long = c.EnrolTraining("Module 1", "GRETA", now, deadline + DAY)
    error = refused(lambda: pathway.check(too_long, meta()))
    assert error.code == "training_after_deadline"
    for lang in ("en", "fr"):
        said = refusal_reason(error.code, error.values, error.message, Text(lang))
        assert "(2030-03-21)" in said, said
        assert "2030-03-20" not in said, said


def test_dates_of_retention_and_erasure_refusals_are_said_on_the_readers_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An instant late in the UTC evening is the next day in Paris: the CLI says the day
    the reader lives, as `show` does, not the service's UTC date."""
    monkeypatch.setenv("PARCOURS_TIMEZONE", "Europe/Paris")
    late = "2026-03-31T23:30:00+00:00"
    values = {"due": late, "after": late, "latest": late, "erased_at": late}
    said = refusal_values(values, Text("en"))
    assert said == {
        "due": "2026-04-01",
        "after": "2026-04-01",
        "latest": "2026-04-01 01:30",  # a bound to the minute: the day alone would mislead
        "erased_at": "2026-04-01 01:30",
    }
    assert refusal_values({"due": "2026-03-31"}, Text("en")) == {"due": "2026-03-31"}  # older


def test_a_field_is_named_in_the_readers_words() -> None:
    """Before: « le champ employer est vide », the record's key in a French sentence."""
    said = refusal_reason("text_blank", {"field": "employer"}, "", Text("fr"))
    assert said == "le champ nom de l'employeur est vide ; renseignez-le"


def test_a_long_text_is_said_with_the_limit_as_the_reader_writes_numbers() -> None:
    """Before: "2000" in both languages, and an employer's name advised "a few sentences"."""
    fr, en = Text("fr"), Text("en")
    assert typed_fault("long", "employer", "2000", en) == (
        "The employer is longer than 2,000 characters: shorten it."
    )
    assert typed_fault("long", "reason", "2000", fr) == (
        "Le motif dépasse 2\u00a0000 caractères : raccourcissez-le (ce que le dossier doit"
        " garder, en quelques phrases)."
    )
    assert "quelques phrases" in typed_fault("long", "referral_reason", "2000", fr)  # import
    refused = refusal_reason("text_too_long", {"field": "title", "limit": "2000"}, "", fr)
    assert "2\u00a0000" in refused
