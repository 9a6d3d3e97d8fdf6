"""The rules of a job-dating event, and what its agencies receive, as pure functions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import MoveRefused, NotPermitted, UnknownReference
from parcours.domain.jobdating import (
    KEPT_AFTER,
    REMINDER_BEFORE,
    Candidate,
    JobDatingEvent,
    JobDatingRejected,
    OutcomeEntry,
    acted_at,
    check_agency,
    check_candidate,
    check_invite,
    check_outcomes,
    check_plan,
    check_role,
    entered_after,
    finished,
    invitation_unsent,
    next_wake,
    outcome_command,
    outcome_request_id,
    remind_now,
    reminder_due_at,
)
from parcours.domain.jobdating_notices import (
    ReminderOutlook,
    invitations,
    presentation,
    reminder_outlook,
    reminders,
)
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.vocabulary import JobDatingOutcome, PartnerKind, Role, Stage
from tests.domain.helpers import ATP, DAY, HOUR, ND, drive_to
from tests.support import T0, meta

HELD = T0 + 10 * DAY
HIRED = JobDatingOutcome.HIRED


def _event(**changes: object) -> JobDatingEvent:
    event = JobDatingEvent(
        "jobdating-0001", "atp-cergy", HELD, "Cergy", ["A2I", "Adecco"], [Candidate("pw-1")]
    )
    return replace(event, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("place", "agencies", "candidates", "field", "fault"),
    [
        (" ", ["A2I"], ["pw-1"], "place", "blank"),
        ("Cergy", [], ["pw-1"], "agencies", "none"),
        ("Cergy", ["A2I", "A2I"], ["pw-1"], "agencies", "twice"),
        ("Cergy", ["A2I"], [], "candidates", "none"),
        ("Cergy", ["A\u2066decco"], ["pw-1"], "agencies", "bidi"),
    ],
)
def test_a_plan_is_checked(
    place: str, agencies: list[str], candidates: list[str], field: str, fault: str
) -> None:
    with pytest.raises(JobDatingRejected) as rejected:
        check_plan(place, agencies, candidates)
    assert (rejected.value.field, rejected.value.fault) == (field, fault)


def test_agencies_are_active_temp_agencies_of_the_directory() -> None:
    check_agency("Adecco", PartnerKind.TEMP_AGENCY, active=True)
    with pytest.raises(UnknownReference):
        check_agency("Nowhere", None, active=False)
    for kind, active in ((PartnerKind.REFERRER, True), (PartnerKind.TEMP_AGENCY, False)):
        with pytest.raises(MoveRefused) as refused:
            check_agency("CCAS", kind, active)
        assert refused.value.rule == "agency_not_temp_agency"


@pytest.mark.parametrize("programme", [ATP, ND], ids=["atp", "nd"])
def test_candidates_stand_where_their_programme_offers_a_job_dating(
    programme: ProgrammeDefinition,
) -> None:
    for stage in (Stage.COACHING, Stage.AWAITING_MISSION):
        pathway, now = drive_to(programme, stage)
        check_candidate(pathway, pathway.state.programme, now)
        with pytest.raises(MoveRefused) as early:  # a day before it entered its stage
            check_candidate(pathway, pathway.state.programme, pathway.state.stage_since - DAY)
        assert early.value.rule == "jobdating_before_stage"
    pathway, now = drive_to(programme, Stage.TRAINING)
    with pytest.raises(MoveRefused) as refused:
        check_candidate(pathway, pathway.state.programme, now)
    assert (refused.value.rule, refused.value.values["stage"]) == ("jobdating_stage", "training")
    with pytest.raises(MoveRefused) as other:
        check_candidate(pathway, "another-programme", now)
    assert other.value.rule == "jobdating_programme"


def test_invitations_go_out_before_the_day_and_the_reminder_the_day_before() -> None:
    check_invite(_event(), HELD - HOUR)
    with pytest.raises(MoveRefused) as refused:
        check_invite(_event(), HELD)
    assert refused.value.rule == "jobdating_past"
    assert reminder_due_at(_event()) is None  # not invited: nobody to remind
    invited = _event(invited_at=HELD - 3 * DAY)
    assert reminder_due_at(invited) == HELD - REMINDER_BEFORE
    assert not remind_now(invited, HELD - REMINDER_BEFORE - HOUR)
    assert remind_now(invited, HELD - REMINDER_BEFORE)
    assert not remind_now(invited, HELD)  # the day has come: too late to remind
    assert next_wake(invited, HELD - 3 * DAY) == HELD - REMINDER_BEFORE
    assert next_wake(invited, HELD) == HELD + KEPT_AFTER
    late = _event(invited_at=HELD - HOUR)  # invited the day before: no reminder after it
    assert reminder_due_at(late) is None
    assert reminder_due_at(replace(invited, reminded_at=HELD - DAY)) is None


def test_the_reminder_outlook_says_whether_one_will_still_go() -> None:
    """What `jobdating show` says: an event entered after its day expects no reminder (it
    used to read "not yet")."""
    invited = _event(invited_at=HELD - 3 * DAY)
    sent = replace(invited, reminded_at=HELD - DAY)
    assert reminder_outlook(sent, HELD) == (ReminderOutlook.SENT, HELD - DAY)
    assert reminder_outlook(invited, HELD - 2 * DAY) == (ReminderOutlook.DUE, HELD - DAY)
    assert reminder_outlook(_event(), HELD - 2 * DAY) == (ReminderOutlook.AWAITING_INVITATION, None)
    late = _event(invited_at=HELD - HOUR)
    assert reminder_outlook(late, HELD - HOUR) == (ReminderOutlook.NONE, None)
    assert reminder_outlook(invited, HELD + DAY) == (ReminderOutlook.NONE, None)  # entered late


def test_an_event_entered_after_its_day_is_kept_from_its_entry() -> None:
    entry = HELD + 400 * DAY
    assert entered_after(_event(), HELD - DAY) is None  # planned ahead: kept from its day
    assert entered_after(_event(), entry) == entry
    late = _event(entered_at=entry)
    assert not finished(late, entry + DAY)
    assert next_wake(late, entry) == entry + KEPT_AFTER
    assert finished(late, entry + KEPT_AFTER)
    assert finished(_event(), entry)  # not entered after the fact: its day's keeping


def test_a_dated_request_is_judged_at_its_date_never_after_now() -> None:
    now = HELD + 400 * DAY
    assert acted_at(None, now) == now
    assert acted_at(HELD - DAY, now) == HELD - DAY
    with pytest.raises(MoveRefused) as refused:
        acted_at(now + DAY, now)
    assert refused.value.code == "instant_in_future"


def test_outcomes_are_recorded_from_the_day_for_candidates_once() -> None:
    entry = OutcomeEntry("pw-1", HIRED, "Adecco")
    check_outcomes(_event(), [entry], HELD)
    with pytest.raises(MoveRefused) as early:
        check_outcomes(_event(), [entry], HELD - HOUR)
    assert early.value.rule == "jobdating_not_yet"
    with pytest.raises(UnknownReference):
        check_outcomes(_event(), [OutcomeEntry("pw-9", HIRED)], HELD)
    with pytest.raises(MoveRefused) as elsewhere:
        check_outcomes(_event(), [OutcomeEntry("pw-1", HIRED, "Randstad")], HELD)
    assert elsewhere.value.rule == "agency_not_taking_part"
    applied = _event(candidates=[Candidate("pw-1", HIRED, seq=7)])
    with pytest.raises(MoveRefused) as again:
        check_outcomes(applied, [entry], HELD)
    assert again.value.rule == "outcome_recorded"
    with pytest.raises(JobDatingRejected):
        check_outcomes(_event(), [entry, entry], HELD)
    assert finished(applied, HELD)
    assert not finished(_event(), HELD)
    assert finished(_event(), HELD + KEPT_AFTER)


def test_an_outcome_travels_dated_at_the_event_under_its_own_request_id() -> None:
    entry = OutcomeEntry("pw-1", HIRED, "Adecco")
    command = outcome_command(_event(), entry)
    assert command == c.RecordJobDating(held_at=HELD, outcome=HIRED, agency="Adecco")
    first = outcome_request_id("jobdating-0001", "req-1", "pw-1")
    assert first == outcome_request_id("jobdating-0001", "req-1", "pw-1")
    assert first != outcome_request_id("jobdating-0001", "req-2", "pw-1")
    assert first != outcome_request_id("jobdating-0001", "req-1", "pw-2")


def test_partners_and_auditors_run_no_job_dating() -> None:
    for role in (Role.STAFF, Role.COORDINATOR):
        check_role(role)
    for role in (Role.PARTNER, Role.AUDITOR):
        with pytest.raises(NotPermitted):
            check_role(role)


def test_agencies_hear_of_a_candidate_only_with_consent_and_only_their_fields() -> None:
    person = {
        "first_name": "Zephyrine",
        "last_name": "Quillfeather",
        "phone": "06",
        "skills": "cashier",
    }
    pathway, now = drive_to(ATP, Stage.COACHING)
    assert presentation(_event(), pathway.state, ATP, person, now) == []
    pathway.execute(c.GiveConsent(PartnerKind.TEMP_AGENCY, now), meta(), now)
    told = presentation(_event(), pathway.state, ATP, person, now + HOUR)
    assert [n.partner_name for n in told] == ["A2I", "Adecco"]
    assert told[0].fields == {"first_name": "Zephyrine", "skills": "cashier"}
    assert told[0].key == f"jobdating-0001:candidate:{pathway.state.pathway_id}"
    pathway.execute(c.WithdrawConsent(PartnerKind.TEMP_AGENCY, now + HOUR), meta(), now + HOUR)
    assert presentation(_event(), pathway.state, ATP, person, now + 2 * HOUR) == []


def test_the_invitation_and_the_reminder_carry_the_day_and_the_place_only() -> None:
    for notices in (invitations(_event()), reminders(_event())):
        assert [n.partner_name for n in notices] == ["A2I", "Adecco"]
        assert all(n.fields == {} and n.event_at == HELD for n in notices)
        assert all(n.details["jobdating_place"] == "Cergy" for n in notices)


def test_a_message_to_retry_is_one_the_event_sent() -> None:
    from parcours.domain.jobdating_notices import (
        CANDIDATE,
        INVITATION,
        MessageToRetry,
        message_to_retry,
        retried,
    )

    invited = _event(invited_at=HELD - 3 * DAY)
    found = message_to_retry(invited, "jobdating-0001:invitation:Adecco")
    assert found == MessageToRetry(INVITATION, "Adecco")
    assert [n.partner_name for n in retried(invited, found)] == ["Adecco"]
    candidate = message_to_retry(invited, "jobdating-0001:candidate:pw-1:A2I")
    assert candidate == MessageToRetry(CANDIDATE, "A2I", "pw-1")
    for key, event in (
        ("jobdating-0001:invitation:Adecco", _event()),  # not invited yet
        ("jobdating-0001:reminder:Adecco", invited),  # no reminder sent
        ("jobdating-0001:invitation:Manpower", invited),  # not an agency of the event
        ("jobdating-0001:candidate:pw-2:A2I", invited),  # not a candidate
        ("jobdating-0002:invitation:Adecco", invited),  # another event's
        ("pathway-0001:2:referrer:CCAS", invited),
    ):
        with pytest.raises(UnknownReference):
            message_to_retry(event, key)


def test_an_agency_or_a_candidate_whose_messages_all_failed_is_not_counted_as_reached() -> None:
    from parcours.domain.jobdating_notices import Reach, reach

    assert reach(2, ["pw-1", "pw-2"], []) == Reach(2, ["pw-1", "pw-2"])
    failures = [
        "jobdating-0001:invitation:Adecco",
        "jobdating-0001:candidate:pw-1:Adecco",
        "jobdating-0001:candidate:pw-2:Adecco",
        "jobdating-0001:candidate:pw-2:A2I",
    ]
    # Adecco was not invited; pw-1 reached A2I still, pw-2 reached no agency
    assert reach(2, ["pw-1", "pw-2"], failures) == Reach(1, ["pw-1"])
    assert reach(1, ["pw-1"], failures[:2]) == Reach(0, [])


def test_an_invitation_recorded_once_the_day_has_come_sends_nothing() -> None:
    """Before the day, the invitation goes out; from the day's very hour on, it is recorded
    only: the agencies would be invited, and told of candidates, for a day gone by."""
    assert not invitation_unsent(_event(), HELD - DAY / 86400)
    assert invitation_unsent(_event(), HELD)
    assert invitation_unsent(_event(), HELD + 400 * DAY)
