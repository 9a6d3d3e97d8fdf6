"""`audit at` as it happened numbers the events it shows as the timeline and the trail do,
and so names the event that resolved an alert under the trail's number: the fold as it
happened numbers its own events in the order they happened, with alerts raised at their
due instants in between, so its numbers are not the trail's. A French trial's auditor read
"resolved by event 10" of a pathway whose trail ends at 7."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parcours.audit.happened import numbered_as_recorded
from parcours.domain.records import PathwayEvent
from parcours.domain.vocabulary import Role

T0 = datetime(2026, 9, 1, 9, tzinfo=UTC)
ALERT = "no_contact:contact:2026-10-01T09:00:00+00:00"


def event(seq: int, kind: str, request_id: str = "", **details: str) -> PathwayEvent:
    at = T0 + timedelta(days=seq)
    return PathwayEvent(
        seq, kind, at, "staff-1", Role.STAFF, details=details, request_id=request_id
    )


RECORD = [
    event(1, "referred", "r1"),
    event(2, "contact_recorded", "r2"),
    event(3, "jobdating_recorded", "r3"),
    event(4, "dropped_out", "r4"),
    event(5, "alert_resolved", alert_id=ALERT, closed_by="4"),
]
STORY = [  # entered after the fact: the alerts fall due between the entries
    event(1, "referred", "r1"),
    event(2, "alert_raised", alert_id=ALERT),
    event(3, "alert_raised", alert_id="no_appointment:coaching:2026-10-02T09:00:00+00:00"),
    event(4, "contact_recorded", "r2"),
    event(5, "jobdating_recorded", "r3"),
    event(6, "dropped_out", "r4"),
    event(7, "alert_resolved", alert_id=ALERT, closed_by="6"),
]


def test_the_closing_event_is_named_by_the_trails_number() -> None:
    shown = numbered_as_recorded(STORY[-1], RECORD, STORY)
    assert shown is not None
    assert (shown.seq, shown.details["closed_by"]) == (5, "4")


def test_a_closing_event_the_record_does_not_hold_is_not_named() -> None:
    raised_only_here = event(8, "alert_resolved", alert_id=ALERT, closed_by="3")
    shown = numbered_as_recorded(raised_only_here, RECORD, STORY)
    assert shown is not None
    assert "closed_by" not in shown.details  # the fold's own alert: no number of the trail's
