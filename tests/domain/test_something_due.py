"""`Pathway.something_due`: what the workflow must raise before it may sleep."""

from __future__ import annotations

from parcours.domain import commands as c
from parcours.domain.pathway import Pathway
from parcours.domain.vocabulary import AppointmentKind, AppointmentPlace
from tests.domain.helpers import ATP, DAY, HOUR
from tests.support import T0, meta, referral


def test_due_until_raised_and_again_when_a_snooze_ends() -> None:
    pathway = Pathway.refer(ATP, "pathway-0000000000000001", referral(), meta(), T0)
    assert not pathway.something_due(T0)
    booked = c.ScheduleAppointment(T0 + HOUR, AppointmentKind.INDIVIDUAL, AppointmentPlace.OFFICE)
    pathway.execute(booked, meta(), T0)
    appointment = pathway.state.appointments[-1].appointment_id
    pathway.execute(c.MissAppointment(appointment), meta(), T0 + 2 * HOUR)
    assert pathway.something_due(T0 + 2 * HOUR)
    # Nothing in the future counts: the next alert instant skips what is already due.
    next_at = pathway.next_alert_at(T0 + 2 * HOUR)
    assert next_at is not None
    assert next_at > T0 + 2 * HOUR
    raised = pathway.raise_due_alerts(T0 + 2 * HOUR)
    assert [e.kind for e in raised] == ["alert_raised"]
    assert not pathway.something_due(T0 + 2 * HOUR)
    alert = raised[0].details["alert_id"]
    pathway.execute(c.SnoozeAlert(alert, until=T0 + DAY), meta(), T0 + 3 * HOUR)
    assert not pathway.something_due(T0 + DAY - HOUR)
    assert pathway.something_due(T0 + DAY)
