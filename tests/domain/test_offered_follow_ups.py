"""An action that names a barrier, an appointment or an alert is offered only while the
pathway holds one it could name: staff are not told they may lift a barrier on a pathway
that has none, and a refusal's list of what is allowed does not offer it either."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parcours.domain import commands as c
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    PartnerKind,
    Role,
)
from tests.domain.helpers import DAY, HOUR, PROGRAMME_IDS, PROGRAMMES, REASON, new_pathway
from tests.support import T0, meta

BARRIER = {"work_on_barrier", "resolve_barrier", "waive_barrier"}
APPOINTMENT = {"attend_appointment", "miss_appointment"}
ALERT = {"acknowledge_alert", "snooze_alert"}

parametrize_programme = pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)


def offered(pathway: Pathway) -> set[str]:
    return set(pathway.allowed_triggers(Role.STAFF))


@parametrize_programme
def test_a_new_pathway_offers_no_follow_up(programme: ProgrammeDefinition) -> None:
    pathway = new_pathway(programme)
    assert offered(pathway) & (BARRIER | APPOINTMENT | ALERT) == set()
    assert {"open_barrier", "schedule_appointment"} <= offered(pathway)


@parametrize_programme
def test_barrier_follow_ups_last_while_a_barrier_is_open(programme: ProgrammeDefinition) -> None:
    pathway = new_pathway(programme)
    pathway.execute(c.OpenBarrier(BarrierKind.HOUSING), meta(), T0 + HOUR)
    pathway.execute(c.OpenBarrier(BarrierKind.MOBILITY), meta(), T0 + 2 * HOUR)
    assert offered(pathway) >= BARRIER
    pathway.execute(c.WorkOnBarrier("b1"), meta(), T0 + 3 * HOUR)
    pathway.execute(c.ResolveBarrier("b1"), meta(), T0 + 4 * HOUR)
    assert offered(pathway) >= BARRIER  # b2 is still open
    pathway.execute(c.WaiveBarrier("b2"), meta(reason=REASON), T0 + 5 * HOUR)
    assert offered(pathway) & BARRIER == set()


@parametrize_programme
def test_appointment_outcomes_last_while_one_is_scheduled(programme: ProgrammeDefinition) -> None:
    pathway = new_pathway(programme)
    at = T0 + 2 * DAY
    kind, place = AppointmentKind.COACHING, AppointmentPlace.OFFICE
    pathway.execute(c.ScheduleAppointment(at, kind, place), meta(), T0 + HOUR)
    assert offered(pathway) >= APPOINTMENT
    pathway.execute(c.AttendAppointment("a1"), meta(), at + HOUR)
    assert offered(pathway) & APPOINTMENT == set()


@parametrize_programme
def test_alert_handling_lasts_while_an_alert_is_open(programme: ProgrammeDefinition) -> None:
    pathway = new_pathway(programme)
    edge = T0 + timedelta(days=programme.timers.intake_within_days)
    [raised] = pathway.raise_due_alerts(edge)
    alert_id = raised.details["alert_id"]
    assert offered(pathway) >= ALERT
    pathway.execute(c.SnoozeAlert(alert_id, edge + DAY), meta(), edge + HOUR)
    assert offered(pathway) >= ALERT  # a snoozed alert is still to be handled
    pathway.execute(c.AcknowledgeAlert(alert_id), meta(), edge + 2 * HOUR)
    assert offered(pathway) & ALERT == set()


def test_a_refusal_does_not_offer_a_follow_up_of_nothing() -> None:
    pathway = new_pathway(PROGRAMMES[0])
    with pytest.raises(UnknownReference) as unknown:
        pathway.execute(c.ResolveBarrier("b1"), meta(), T0 + HOUR)
    assert "open_barrier" in unknown.value.allowed
    assert not set(unknown.value.allowed) & BARRIER


def test_a_consent_never_given_cannot_be_withdrawn_but_replays_as_recorded() -> None:
    """A withdrawal of nothing recorded a withdrawal that did not happen and moved the
    record's retention. A new request is refused; one the history already holds (recorded
    before the rule) still replays, as `execute` runs it."""
    pathway = new_pathway(PROGRAMMES[0])
    assert "withdraw_consent" not in offered(pathway)
    never = c.WithdrawConsent(PartnerKind.REFERRER, T0 + HOUR)
    with pytest.raises(MoveRefused) as refused:
        pathway.check(never, meta(), T0 + 2 * HOUR)
    assert (refused.value.rule, refused.value.code) == ("consent_not_given", "consent_not_given")
    assert refused.value.values == {"partner_kind": "referrer"}
    assert pathway.execute(never, meta(), T0 + 2 * HOUR).kind == "consent_withdrawn"

    pathway.execute(c.GiveConsent(PartnerKind.TEMP_AGENCY, T0 + HOUR), meta(), T0 + 3 * HOUR)
    assert "withdraw_consent" in offered(pathway)
    other_kind = c.WithdrawConsent(PartnerKind.REFERRER, T0 + 3 * HOUR)
    with pytest.raises(MoveRefused):
        pathway.check(other_kind, meta(), T0 + 4 * HOUR)
    given = c.WithdrawConsent(PartnerKind.TEMP_AGENCY, T0 + 3 * HOUR)
    pathway.check(given, meta(), T0 + 4 * HOUR)
    pathway.execute(given, meta(), T0 + 4 * HOUR)
    assert "withdraw_consent" not in offered(pathway)
    with pytest.raises(MoveRefused):
        pathway.check(given, meta(), T0 + 5 * HOUR)  # withdrawn already
