"""How far ahead a date staff type may lie, and which dates must lie ahead at all.

A date beyond its horizon is a slip of the keyboard (2099 for 2029), not a plan: an
appointment or a training's start more than a year ahead, a consent expiring more than
ten years after it is given, an alert snoozed for more than 90 days (longer, nobody
follows it up: acknowledge it instead), a training or a mission ending more than three
years after it starts, a session starting or a job-dating held more than a year ahead.
A snooze ends after now: snoozed into the past, the alert would open again at once. Each
is refused, naming the latest date allowed.

The bounds behind a date (not after now, not before the referral or the event it
follows, a consent expiring after it is given) are `domain/instants.py`'s; those of a
referral's dates, `domain/referral_dates.py`'s. A command's horizons are asked by
`Pathway.check` only (the validators), never on replay, so a history recorded before
these bounds replays as it ran; a session's and a job-dating's, by the application before
either is recorded or started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from parcours.domain.commands import (
    Command,
    EnrolTraining,
    GiveConsent,
    ScheduleAppointment,
    StartMission,
)
from parcours.domain.commands.alerts import SnoozeAlert
from parcours.domain.errors import MoveRefused


@dataclass(frozen=True)
class Horizon:
    """The latest a command's date `field` may be: `ahead` after now, or after the
    command's own date `since` when it names one."""

    command: type[Command]
    field: str
    ahead: timedelta
    since: str = ""


LONGEST_CONTRACT = timedelta(days=1096)
"""A training's or a mission's length at the most: three years (a fixed-term contract or a
temp mission runs 18 months, 36 where the law allows; a qualifying training two or three
years). Longer is a slip of the keyboard; an open-ended contract has no end to type."""

HORIZONS = (
    Horizon(ScheduleAppointment, "at", timedelta(days=366)),
    Horizon(EnrolTraining, "starts_at", timedelta(days=366)),
    Horizon(SnoozeAlert, "until", timedelta(days=90)),
    Horizon(GiveConsent, "expires_at", timedelta(days=3653), since="given_at"),  # ten years
    Horizon(EnrolTraining, "ends_at", LONGEST_CONTRACT, since="starts_at"),
    Horizon(StartMission, "ends_at", LONGEST_CONTRACT, since="starts_at"),
)

PLANNED_AHEAD = timedelta(days=366)
"""How far ahead a session may start or a job-dating be held: a programme plans its year."""


def check_planned(day: datetime, now: datetime) -> None:
    """A session's start or a job-dating's day: a year after now at the most."""
    refused = beyond(day, now, PLANNED_AHEAD)
    if refused is not None:
        raise refused


def _beyond(horizon: Horizon, command: Command, now: datetime) -> MoveRefused | None:
    start = getattr(command, horizon.since) if horizon.since else now
    return beyond(getattr(command, horizon.field), start, horizon.ahead)


def beyond(typed: datetime | None, start: datetime, ahead: timedelta) -> MoveRefused | None:
    """The refusal a date more than `ahead` after `start` earns; None when it is within."""
    latest = start + ahead
    if typed is None or typed <= latest:
        return None
    days = str(ahead.days)
    return MoveRefused(
        f"the date {typed.date().isoformat()} is more than {days} days after "
        f"{start.date().isoformat()}; the latest allowed is {latest.date().isoformat()}",
        rule="date_horizon",
        code="date_beyond_horizon",
        values={
            "date": typed.isoformat(),
            "days": days,
            "start": start.isoformat(),
            "latest": latest.isoformat(),
        },
    )


def _snoozed_into_the_past(command: Command, now: datetime) -> MoveRefused | None:
    if not isinstance(command, SnoozeAlert) or command.until > now:
        return None
    return MoveRefused(
        f"an alert is snoozed until a later date than now ({now.date().isoformat()}); "
        "to close it, acknowledge it",
        rule="date_horizon",
        code="snooze_in_past",
        values={"now": now.isoformat()},
    )


def check_horizons(command: Command, now: datetime) -> MoveRefused | None:
    """The refusal a date too far ahead, or a snooze into the past, earns; None if none."""
    for horizon in HORIZONS:
        if isinstance(command, horizon.command):
            refused = _beyond(horizon, command, now)
            if refused is not None:
                return refused
    return _snoozed_into_the_past(command, now)
