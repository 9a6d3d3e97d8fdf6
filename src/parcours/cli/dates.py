"""Dates as staff type them: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` in local time, or `now`.

A day alone is its midnight, but today's date for when something happened (`--on`,
`mission start --start`), which is now: staff typing today mean today, not a midnight
before the stage they are in. That instant is taken once per command (`Dating.today_on`),
so a request and the command that dates itself agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from parcours.cli.render import local_zone


class Dating(Protocol):
    """What reads a date: the command's language, and what today's date stood for."""

    text: Text
    today_on: datetime | None


def parse_instant(
    value: str | None, session: Dating, option: str, *, happened: bool | None = None
) -> datetime:
    """A date or date-time typed in local time (PARCOURS_TIMEZONE, default Europe/Paris); a
    day alone is its midnight, but today's date for when something happened (`--on`, or
    `happened`), which is now: staff typing today mean today, not a midnight before the
    stage they are in."""
    if value is None or value == "now":
        return datetime.now(UTC)
    if (option == "--on" if happened is None else happened) and _today_typed(value):
        session.today_on = session.today_on or datetime.now(UTC)
        return session.today_on
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(
            session.text("error.bad_date", value=value, option=option), ExitCode.USAGE
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_zone())
    return parsed.astimezone(UTC)


def _today_typed(value: str) -> bool:
    """`value` is a day alone (`YYYY-MM-DD`) and it is today on staff's calendar."""
    return value.strip() == datetime.now(local_zone()).date().isoformat()
