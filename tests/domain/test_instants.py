"""The two instants of an event, and the bounds the domain keeps on effective instants.

Each defect the issue reproduced (a contact before the referral, an exit in 1999, a
contact in 2999, a birth date in 2030 or 1800, a consent that expired in 2020) is refused
here with its code; each bound says the instant it names.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.entries import Entries, entries_of
from parcours.domain.errors import MoveRefused
from parcours.domain.instants import CLOCK_SKEW, effective_instant
from parcours.domain.pathway import Pathway
from parcours.domain.records import RequestMeta
from parcours.domain.referral_dates import check_referral_instants
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ExitReason,
    FrenchLevel,
    PartnerKind,
    Stage,
)
from tests.domain.helpers import ATP, DAY, HOUR, REASON, criteria, drive_to, new_pathway
from tests.support import T0, meta, referral

NOW = T0 + 30 * DAY
"""The clock of these tests: a month after the referral."""


def on(instant: datetime, reason: str = "") -> RequestMeta:
    """A request dated `instant` with `--on`."""
    return dataclasses.replace(meta(reason=reason), effective_at=instant)


def refused(pathway: Pathway, command: c.Command, request: RequestMeta) -> MoveRefused:
    with pytest.raises(MoveRefused) as caught:
        pathway.check(command, request, NOW)
    return caught.value


# -- the reproduced defects ------------------------------------------------------------


def test_a_contact_dated_before_the_referral_is_refused() -> None:
    err = refused(new_pathway(ATP), c.RecordContact(T0 - DAY), meta())
    assert err.code == "instant_before_referral"
    assert err.values["bound"] == T0.isoformat()
    assert err.rule == "instant_bound"


def test_an_exit_dated_1999_is_refused() -> None:
    pathway, _now = drive_to(ATP, Stage.IN_EMPLOYMENT, start=T0)
    exit_1999 = c.Exit(ExitReason.EMPLOYMENT, datetime(1999, 6, 1, tzinfo=UTC))
    err = refused(pathway, exit_1999, meta(reason=REASON))
    assert err.code == "instant_before_stage"
    assert err.values["bound"] == pathway.state.stage_since.isoformat()


def test_a_contact_in_2999_is_refused_naming_now_and_the_skew() -> None:
    err = refused(new_pathway(ATP), c.RecordContact(datetime(2999, 1, 1, tzinfo=UTC)), meta())
    assert err.code == "instant_in_future"
    assert err.values == {"bound": NOW.isoformat(), "minutes": "5"}


@pytest.mark.parametrize("birth", ["1800-05-05", "2015-01-01", "1925-01-04"])
def test_a_birth_date_outside_14_to_100_at_referral_is_refused(birth: str) -> None:
    err = check_referral_instants(T0, birth, NOW)
    assert err is not None
    assert err.code == "birth_date_range"
    assert err.values["youngest"] == "14"
    assert err.values["oldest"] == "100"


@pytest.mark.parametrize("birth", ["2012-01-05", "1926-01-05", "1990-04-02"])
def test_a_birth_date_from_14_to_100_at_referral_is_accepted(birth: str) -> None:
    assert check_referral_instants(T0, birth, NOW) is None


@pytest.mark.parametrize("birth", ["2030-01-01", (T0 + DAY).date().isoformat()])
def test_a_birth_date_after_the_referral_is_refused_as_such(birth: str) -> None:
    err = check_referral_instants(T0, birth, NOW)
    assert err is not None
    assert err.code == "birth_after_referral"
    assert err.values == {"birth_date": birth, "referred": T0.isoformat()}


def test_a_referral_after_now_is_refused() -> None:
    err = check_referral_instants(NOW + DAY, "1990-04-02", NOW)
    assert err is not None
    assert err.code == "instant_in_future"


def test_a_consent_that_expired_in_2020_is_refused() -> None:
    expired = c.GiveConsent(PartnerKind.REFERRER, T0 + DAY, datetime(2020, 1, 1, tzinfo=UTC))
    err = refused(new_pathway(ATP), expired, meta())
    assert err.code == "consent_expiry_past"
    assert err.values["bound"] == NOW.isoformat()  # after now, the later of the two


# -- the clock's skew --------------------------------------------------------------------


def test_a_few_minutes_ahead_is_clock_skew_and_accepted() -> None:
    pathway = new_pathway(ATP)
    pathway.check(c.RecordContact(NOW + CLOCK_SKEW), meta(), NOW)
    with pytest.raises(MoveRefused, match="after now"):
        pathway.check(c.RecordContact(NOW + CLOCK_SKEW + timedelta(seconds=1)), meta(), NOW)


# -- what an event follows ---------------------------------------------------------------


def test_a_move_before_the_last_event_of_its_stage_is_refused() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING, start=T0)
    pathway.execute(c.RecordContact(now + 5 * DAY), meta(), NOW)
    err = refused(pathway, c.Suspend(now + 2 * DAY), meta(reason=REASON))
    assert err.code == "instant_before_last_event"
    assert err.values["bound"] == (now + 5 * DAY).isoformat()
    pathway.check(c.Suspend(now + 5 * DAY), meta(reason=REASON), NOW)


def test_a_record_before_the_current_stage_is_refused_naming_the_stage() -> None:
    pathway, _now = drive_to(ATP, Stage.COACHING, start=T0)
    err = refused(pathway, c.RecordContact(T0 + HOUR), meta())
    assert err.code == "instant_before_stage"
    assert err.values["stage"] == "coaching"
    assert err.values["bound"] == pathway.state.stage_since.isoformat()


def test_a_barrier_resolved_before_it_was_opened_is_refused() -> None:
    pathway = new_pathway(ATP)
    pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), on(T0 + 5 * DAY), NOW)
    err = refused(pathway, c.ResolveBarrier("b1"), on(T0 + 2 * DAY))
    assert err.code == "instant_before_barrier"
    assert err.values == {"barrier": "b1", "bound": (T0 + 5 * DAY).isoformat()}
    pathway.check(c.ResolveBarrier("b1"), on(T0 + 6 * DAY), NOW)


def test_an_appointment_outcome_before_the_appointment_is_refused() -> None:
    pathway = new_pathway(ATP)
    slot = c.ScheduleAppointment(T0 + 10 * DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    pathway.execute(slot, on(T0 + DAY), NOW)
    err = refused(pathway, c.AttendAppointment("a1"), on(T0 + 9 * DAY))
    assert err.code == "instant_before_appointment"
    pathway.check(c.AttendAppointment("a1"), on(T0 + 10 * DAY), NOW)


def test_an_appointment_outcome_before_it_was_scheduled_is_refused() -> None:
    pathway = new_pathway(ATP)
    slot = c.ScheduleAppointment(T0 + DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    pathway.execute(slot, on(T0 + 3 * DAY), NOW)  # written up after it took place
    err = refused(pathway, c.AttendAppointment("a1"), on(T0 + 2 * DAY))
    assert err.code == "instant_before_scheduled"


def test_an_appointment_before_the_referral_is_refused() -> None:
    slot = c.ScheduleAppointment(T0 - DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    assert refused(new_pathway(ATP), slot, meta()).code == "instant_before_referral"


def _reentered() -> tuple[Pathway, datetime]:
    """An ATP pathway whose person dropped out and re-entered ten days after the drop-out."""
    pathway, now = drive_to(ATP, Stage.COACHING, start=T0)
    pathway.execute(c.DropOut(now), meta(reason=REASON), now)
    back = now + 10 * DAY
    pathway.execute(c.ReEnter("next-session", back), meta(reason=REASON), back)
    return pathway, back


def test_a_contact_before_the_re_entry_is_refused_as_before_the_re_entry() -> None:
    pathway, back = _reentered()
    err = refused(pathway, c.RecordContact(back - DAY), meta())
    assert err.code == "instant_before_reentry"
    assert err.values["bound"] == back.isoformat()
    slot = c.ScheduleAppointment(back - DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    assert refused(pathway, slot, meta()).code == "instant_before_reentry"
    pathway.check(c.RecordContact(back + HOUR), meta(), NOW)


def test_entries_keep_the_first_referral_beside_the_re_entry() -> None:
    pathway, back = _reentered()
    assert pathway.state.referred_at == back  # the intake's clock restarts at the re-entry
    entries = entries_of(pathway.state)
    assert entries == Entries(T0, back, (pathway.state.sessions[0],))
    assert entries_of(new_pathway(ATP).state) == Entries(T0)


def test_entries_follow_corrections_and_undated_runs() -> None:
    pathway, back = _reentered()
    reentry = pathway.state.timeline[-1].seq
    earlier, later = back - 2 * DAY, back + DAY
    pathway.execute(c.CorrectEvent(reentry, earlier), meta(reason=REASON), later)
    assert entries_of(pathway.state).reentered_at == earlier  # restated
    assert entries_of(pathway.state).referred_at == T0
    voided, _ = _reentered()
    seq = voided.state.timeline[-1].seq
    voided.execute(c.CorrectEvent(seq), meta(reason=REASON), back + DAY)
    assert entries_of(voided.state) == Entries(T0)  # no re-entry left
    # Before events were dated when they happened, the referred event's instant is when
    # it was recorded; the referral's own date is the state's.
    undated = Pathway.refer(ATP, "pw-old", referral(T0), meta(), T0 + 10 * DAY, dated=False)
    assert entries_of(undated.state) == Entries(T0)


def test_a_second_french_assessment_before_the_first_is_refused() -> None:
    pathway = new_pathway(ATP)
    pathway.execute(c.AssessFrench(FrenchLevel.A2), on(T0 + 5 * DAY), NOW)
    err = refused(pathway, c.AssessFrench(FrenchLevel.B1), on(T0 + 4 * DAY))
    assert err.code == "instant_before_previous"


def test_a_consent_change_before_its_last_change_is_refused() -> None:
    pathway = new_pathway(ATP)
    pathway.execute(c.GiveConsent(PartnerKind.REFERRER, T0 + 5 * DAY), meta(), NOW)
    err = refused(pathway, c.WithdrawConsent(PartnerKind.REFERRER, T0 + 4 * DAY), meta())
    assert err.code == "instant_before_consent"


def test_a_training_completed_before_it_starts_is_refused() -> None:
    pathway, _now = drive_to(ATP, Stage.TRAINING, start=T0)
    training = pathway.state.current_training()
    assert training is not None
    early = c.CompleteTraining(training.starts_at - HOUR)
    with pytest.raises(MoveRefused) as caught:
        pathway.check(early, meta(), training.ends_at)
    assert caught.value.code == "instant_before_training_start"
    assert caught.value.values["training"] == training.training_id


def test_the_request_date_and_the_command_date_must_agree() -> None:
    err = refused(new_pathway(ATP), c.RecordContact(T0 + DAY), on(T0 + 2 * DAY))
    assert err.code == "instant_mismatch"


# -- the two instants --------------------------------------------------------------------


def test_an_event_is_dated_when_it_happened_and_keeps_when_it_was_recorded() -> None:
    pathway = new_pathway(ATP)
    event = pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), on(T0 + 2 * DAY), NOW)
    assert (event.at, event.recorded_at, event.recorded) == (T0 + 2 * DAY, NOW, NOW)
    assert pathway.state.barriers[0].opened_at == T0 + 2 * DAY


def test_a_move_sets_stage_since_to_when_it_happened() -> None:
    pathway = new_pathway(ATP)
    pathway.execute(c.CompleteIntake(T0 + 3 * DAY, criteria(ATP)), meta(), NOW)
    assert pathway.state.stage_since == T0 + 3 * DAY


def test_the_referral_is_dated_when_it_happened() -> None:
    referred = Pathway.refer(ATP, "pw", referral(T0), meta(), NOW)
    assert referred.state.timeline[0].at == T0
    assert referred.state.timeline[0].recorded_at == NOW


def test_undated_the_old_way_everything_is_at_the_recording_instant() -> None:
    """Histories recorded before the two instants replay the way they ran."""
    pathway = Pathway.refer(ATP, "pw", referral(T0), meta(), NOW, dated=False)
    event = pathway.execute(
        c.CompleteIntake(T0 + DAY, criteria(ATP)), meta(), NOW + HOUR, dated=False
    )
    assert (event.at, event.recorded_at, event.recorded) == (NOW + HOUR, None, NOW + HOUR)
    assert pathway.state.stage_since == NOW + HOUR


def test_the_effective_instant_is_the_commands_own_date_then_on_then_now() -> None:
    assert effective_instant(c.RecordContact(T0), meta(), NOW) == T0
    assert effective_instant(c.AssessFrench(FrenchLevel.A1), on(T0 + DAY), NOW) == T0 + DAY
    assert effective_instant(c.AssessFrench(FrenchLevel.A1), meta(), NOW) == NOW
