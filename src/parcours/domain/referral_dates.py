"""The dates a referral is typed with: when it happened, and when the person was born.

Checked before any pathway starts (the start runs no validator), by `refer` and by the
caseload import alike. A referral is not dated after now; a person referred is 14 to 100
years old at the referral, and was born before it.
"""

from __future__ import annotations

from datetime import date, datetime

from parcours.domain.errors import MoveRefused
from parcours.domain.instants import not_after_now

AGE_AT_REFERRAL = (14, 100)
"""The youngest and oldest a person referred may be, in whole years at the referral."""

BIRTH_CODES = frozenset({"birth_date_range", "birth_after_referral"})
"""The refusals that are about the birth date (the others about the referral's date)."""


def age_at(birth: date, instant: datetime) -> int:
    """Whole years from `birth` to the day of `instant`."""
    day = instant.date()
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _born_after(birth_date: str, referred_at: datetime) -> MoveRefused:
    referred = referred_at.date().isoformat()
    return MoveRefused(
        f"the birth date {birth_date} is after the referral ({referred})",
        rule="instant_bound",
        code="birth_after_referral",
        values={"birth_date": birth_date, "referred": referred_at.isoformat()},
    )


def check_referral_instants(
    referred_at: datetime, birth_date: str, now: datetime
) -> MoveRefused | None:
    """A referral dated after now, or of a person born after it or not between 14 and 100
    years old at it."""
    late = not_after_now(referred_at, now)
    if late is not None or not birth_date:
        return late
    try:
        born = date.fromisoformat(birth_date)
    except ValueError:  # not a date: the front end that typed it says so
        return None
    if born > referred_at.date():
        return _born_after(birth_date, referred_at)
    age = age_at(born, referred_at)
    youngest, oldest = AGE_AT_REFERRAL
    if youngest <= age <= oldest:
        return None
    return MoveRefused(
        f"the birth date {birth_date} makes the person {age} years old at the referral; "
        f"a person referred is {youngest} to {oldest} years old",
        rule="instant_bound",
        code="birth_date_range",
        values={
            "birth_date": birth_date,
            "age": str(age),
            "youngest": str(youngest),
            "oldest": str(oldest),
        },
    )
