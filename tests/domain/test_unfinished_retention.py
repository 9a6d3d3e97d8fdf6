"""The retention of a pathway whose workflow never ran to the end: counted from its
closing, with the months of the programme it was started with (then the catalogue's, then
the default), and never before a date it was to be kept until."""

from __future__ import annotations

from datetime import UTC, datetime

from parcours.domain.calendar import add_months
from parcours.domain.erasure import unfinished_due_at, unfinished_months, unfinished_reason
from parcours.domain.programme_data import DEFAULT_ANONYMISE_MONTHS, MAX_ANONYMISE_MONTHS

CLOSED = datetime(2026, 3, 31, 9, 30, tzinfo=UTC)


def _timers(months: object) -> dict[str, object]:
    return {"name": "atp-cergy", "timers": {"anonymise_after_last_contact_months": months}}


def test_the_months_are_the_started_programmes_then_the_catalogues_then_the_default() -> None:
    assert unfinished_months(_timers(6), catalogue_months=12) == 6
    assert unfinished_months({"name": "atp-cergy"}, catalogue_months=12) == 12
    assert unfinished_months({"name": "not-a-programme"}) == DEFAULT_ANONYMISE_MONTHS
    for unreadable in (0, -3, "6", True, None, 6.5):
        assert unfinished_months(_timers(unreadable), catalogue_months=9) == 9, unreadable


def test_more_months_than_a_programme_may_say_count_as_the_most_it_may() -> None:
    assert unfinished_months(_timers(500)) == MAX_ANONYMISE_MONTHS


def test_due_the_months_after_the_closing_or_the_latest_date_it_was_kept_until() -> None:
    assert unfinished_due_at(CLOSED, 6) == datetime(2026, 9, 30, 9, 30, tzinfo=UTC)
    later = add_months(CLOSED, 30)
    earlier = add_months(CLOSED, 1)
    assert unfinished_due_at(CLOSED, 6, [None, later, earlier]) == later
    assert unfinished_due_at(CLOSED, 6, [earlier, None]) == add_months(CLOSED, 6)


def test_the_reason_names_the_day_it_closed_and_nobody() -> None:
    assert unfinished_reason(CLOSED) == (
        "retention: its pathway could not run to its end, closed on 2026-03-31"
    )
