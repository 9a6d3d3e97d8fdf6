"""Dates typed ahead keep their horizon; a snooze ends after now; needed text is not blank.

Each bound is checked on both sides: the last date allowed is accepted, the next day is
refused naming that last date.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import DomainError, MoveRefused
from parcours.domain.horizons import check_horizons, check_planned
from parcours.domain.inputs import blank_field
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    ContractType,
    PartnerKind,
)
from tests.domain.helpers import ATP, DAY, HOUR, new_pathway
from tests.support import COORDINATOR, T0, meta

NOW = T0 + 10 * DAY


def _slot(at: datetime) -> c.ScheduleAppointment:
    return c.ScheduleAppointment(at, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)


def _training(starts_at: datetime) -> c.EnrolTraining:
    return c.EnrolTraining("Cariste", "AFPA", starts_at, starts_at + 30 * DAY)


def _training_end(ends_at: datetime) -> c.EnrolTraining:
    return c.EnrolTraining("Titre pro", "AFPA", NOW, ends_at)


def _mission_end(ends_at: datetime) -> c.StartMission:
    return c.StartMission("Adecco", "Leroy", NOW, ContractType.TEMP_MISSION, 35.0, ends_at)


def _consent(expires_at: datetime) -> c.GiveConsent:
    return c.GiveConsent(PartnerKind.EMPLOYER, NOW - DAY, expires_at)


@pytest.mark.parametrize(
    ("last_allowed", "make"),
    [
        (NOW + 366 * DAY, _slot),
        (NOW + 366 * DAY, _training),
        (NOW - DAY + 3653 * DAY, _consent),
        (NOW + 90 * DAY, lambda until: c.SnoozeAlert("x", until)),
        (NOW + 1096 * DAY, _training_end),
        (NOW + 1096 * DAY, _mission_end),
    ],
    ids=[
        "appointment",
        "training start",
        "consent expiry",
        "snooze",
        "training end",
        "mission end",
    ],
)
def test_the_last_date_allowed_passes_and_the_next_day_is_refused(
    last_allowed: datetime, make: object
) -> None:
    assert callable(make)
    assert check_horizons(make(last_allowed), NOW) is None
    refused = check_horizons(make(last_allowed + DAY), NOW)
    assert isinstance(refused, MoveRefused)
    assert refused.code == "date_beyond_horizon"
    assert refused.values["latest"] == last_allowed.isoformat()


def test_a_consent_without_expiry_has_no_horizon() -> None:
    assert check_horizons(c.GiveConsent(PartnerKind.EMPLOYER, NOW), NOW) is None


def test_a_snooze_ends_after_now() -> None:
    assert check_horizons(c.SnoozeAlert("x", NOW + HOUR), NOW) is None
    refused = check_horizons(c.SnoozeAlert("x", NOW), NOW)
    assert refused is not None
    assert refused.code == "snooze_in_past"


def test_the_pathway_refuses_a_date_beyond_its_horizon_before_anything_is_recorded() -> None:
    pathway = new_pathway(ATP)
    before = len(pathway.state.timeline)
    with pytest.raises(DomainError) as caught:
        pathway.check(_slot(NOW + 2 * 366 * DAY), meta(), NOW)
    assert caught.value.code == "date_beyond_horizon"
    assert len(pathway.state.timeline) == before
    pathway.check(_slot(NOW + 30 * DAY), meta(), NOW)  # a month ahead is a plan


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (c.AssignReferent(" "), "referent"),
        (c.EnrolTraining("", "AFPA", NOW, NOW + DAY), "title"),
        (c.StartMission("Adecco", "\t", NOW, ContractType.TEMP_MISSION, 35), "employer"),
    ],
)
def test_a_needed_text_left_blank_is_named(command: c.Command, field: str) -> None:
    assert blank_field(command) == field
    with pytest.raises(DomainError) as caught:
        new_pathway(ATP).check(command, meta(COORDINATOR))
    assert caught.value.code == "text_blank"
    assert caught.value.values == {"field": field}


def test_optional_text_and_ids_are_not_asked_for() -> None:
    direct_hire = c.StartMission("", "Lidl", NOW, ContractType.PERMANENT, 35)
    assert blank_field(direct_hire) == ""  # no agency: the employer hired directly
    assert blank_field(c.AcknowledgeAlert("")) == ""  # its own check names the known ids


def test_a_session_or_a_job_dating_is_planned_a_year_ahead_at_the_most() -> None:
    check_planned(NOW + 366 * DAY, NOW)
    check_planned(NOW - 400 * DAY, NOW)  # entered after the fact: no horizon behind
    with pytest.raises(MoveRefused) as caught:
        check_planned(NOW + 367 * DAY, NOW)
    assert caught.value.code == "date_beyond_horizon"
    assert caught.value.values["latest"] == (NOW + 366 * DAY).isoformat()


def test_an_open_ended_mission_has_no_end_to_check() -> None:
    open_ended = c.StartMission("", "Leroy", NOW, ContractType.PERMANENT, 35.0)
    assert check_horizons(open_ended, NOW) is None


def test_a_command_the_stage_refuses_is_refused_for_its_step_before_its_dates() -> None:
    """A mission started before the pathway is in coaching, dated before the referral: the
    step is what staff must hear first (before, the date was refused and, once retyped,
    the step)."""
    pathway = new_pathway(ATP)
    early = c.StartMission("Adecco", "Leroy", T0 - 30 * DAY, ContractType.TEMP_MISSION, 35)
    with pytest.raises(DomainError) as caught:
        pathway.check(early, meta(), NOW)
    assert (caught.value.rule, caught.value.code) == ("stage", "move_not_in_stage")
    assert caught.value.allowed  # what may be done at this step instead
