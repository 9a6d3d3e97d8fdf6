"""Dates as staff type them: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]` in local time, the
day first as French writes it (`12/03/2026`, `12/03/2026 14:30`, `12/03/2026 14h30`,
`12/03/2026 9h`, to the second where an auditor needs it, `12/03/2026 14:30:15`), an
hour written so after a year-first day too (`2026-03-12 9h`; the
import's `DATE_FORMATS` take the day and the minute), or `now` (`maintenant` too).

A day alone is its midnight, but today's date for when something happened (`--on`,
`mission start --start`), which is now: staff typing today mean today, not a midnight
before the stage they are in. That instant is taken once per command (`Dating.today_on`),
so a request and the command that dates itself agree. When someone must come at the
instant typed (an appointment's `--at`, a job-dating's `--on`), the hour must be typed too.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Protocol

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from parcours.cli.render import local_zone

_CLOCK = r"(?:[T ](\d{1,2})(?::(\d{2})(?::(\d{2}))?|[hH](\d{2})?))?"
"""An optional hour: `HH:MM`, `HH:MM:SS`, `HHhMM` or `HHh` (on the hour), as French
writes it, after a space or a `T`."""
_DAY_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})" + _CLOCK)
"""A date written day first, `DD/MM/YYYY`, with an optional hour."""
_YEAR_FIRST = re.compile(r"(\d{4})-(\d{2})-(\d{2})" + _CLOCK)
"""A date written year first with an hour in any of those forms (`2026-11-02 9h`)."""
_DATE_SHAPED = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?")
"""A date written as asked, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`: one that fails to read
names a day or an hour that does not exist (2026-11-31, T25:00)."""
FIRST_YEAR, LAST_YEAR = 1900, 2999
"""The years a typed date may name: outside them it is a slip of the keyboard (0001, 9999),
and the calendar arithmetic around it (time zones, a day later) would overflow."""


class Dating(Protocol):
    """What reads a date: the command's language, and what today's date stood for."""

    text: Text
    today_on: datetime | None


def parse_instant(
    value: str | None,
    session: Dating,
    option: str,
    *,
    happened: bool | None = None,
    hour: bool = False,
) -> datetime:
    """A date or date-time typed in local time (PARCOURS_TIMEZONE, default Europe/Paris); a
    day alone is its midnight, but today's date for when something happened (`--on`, or
    `happened`), which is now: staff typing today mean today, not a midnight before the
    stage they are in. Where the option is an hour someone must come at (`hour`: an
    appointment, a job-dating), a day alone is refused: its midnight would be sent."""
    if value is None:
        return datetime.now(UTC)
    if _now_typed(value):  # once per command: its request and its date say the same now
        session.today_on = session.today_on or datetime.now(UTC)
        return session.today_on
    written = year_first(value)
    if hour and _day_alone(written):
        day_first = written != value.strip()
        example = f"{value.strip()} 09:30" if day_first else f"{written}T09:30"
        said = session.text("error.hour_needed", value=value, option=option, example=example)
        raise CliError(said, ExitCode.USAGE)
    if (option == "--on" if happened is None else happened) and _today_typed(written):
        session.today_on = session.today_on or datetime.now(UTC)
        return session.today_on
    try:
        parsed = datetime.fromisoformat(written)
    except ValueError:
        said = session.text(date_fault(written) or "error.bad_date", value=value, option=option)
        raise CliError(said, ExitCode.USAGE) from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        said = session.text("error.date_out_of_range", value=value, option=option)
        raise CliError(said, ExitCode.USAGE)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_zone())
    return parsed.astimezone(UTC)


def date_fault(written: str, *, hour: bool = True) -> str | None:
    """For a date that did not read, written (`year_first`) as a date should be: which part
    does not exist, the month (2026-13-01), the day (2026-02-30) or, where an hour may be
    typed (`hour`), the hour (T25:00), as the key of its sentence; None for one not
    written as a date at all, or a day that exists typed with an hour where none goes."""
    if not _DATE_SHAPED.fullmatch(written):
        return None
    if not 1 <= int(written[5:7]) <= 12:
        return "error.no_such_month"
    try:
        date.fromisoformat(written[:10])
    except ValueError:
        return "error.no_such_day" if hour else "error.no_such_date"
    return "error.no_such_day" if hour else None


def year_first(value: str) -> str:
    """`value` as `YYYY-MM-DD[THH:MM[:SS]]` when it is written day first, or year first
    with an hour written otherwise (`9h`, `9:30`); else as typed."""
    if (typed := _DAY_FIRST.fullmatch(value.strip())) is not None:
        day, month, year = typed.group(1, 2, 3)
    elif (typed := _YEAR_FIRST.fullmatch(value.strip())) is not None:
        year, month, day = typed.group(1, 2, 3)
    else:
        return value.strip()
    hours, minutes, seconds, after_h = typed.group(4, 5, 6, 7)
    written = f"{year}-{int(month):02d}-{int(day):02d}"
    if hours is None:
        return written
    clock = f"{int(hours):02d}:{minutes or after_h or '00'}"
    return f"{written}T{clock}:{seconds}" if seconds else f"{written}T{clock}"


def _now_typed(value: str) -> bool:
    """`value` says now, in either language and any case (`now`, `Maintenant`)."""
    from parcours.locale import catalogue

    said = value.strip().casefold()
    return any(said == catalogue(lang)["date.now"].casefold() for lang in ("en", "fr"))


def _day_alone(value: str) -> bool:
    """`value` is a day with no hour (`YYYY-MM-DD`)."""
    try:
        date.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _today_typed(value: str) -> bool:
    """`value` is a day alone (`YYYY-MM-DD`) and it is today on staff's calendar."""
    return value.strip() == datetime.now(local_zone()).date().isoformat()
