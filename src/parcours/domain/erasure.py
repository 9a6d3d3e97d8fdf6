"""Erasing a person: their identity goes, the pathway's decisions stay.

The identity and what staff typed about the person are sealed under the person's own key
(outside the domain); erasing destroys that key. What the pathway itself records of the
erasure is one event (who, when, why) that closes it for good: its events, dates, kinds,
barriers by kind, outcome, actors and programme version stay for the statistics and the
audit trail. Only a coordinator may erase, with a reason, and only once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from parcours.domain.anonymisation import last_contact
from parcours.domain.calendar import add_months
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.errors import MoveRefused
from parcours.domain.permissions import coordinator_only
from parcours.domain.programme_data import DEFAULT_ANONYMISE_MONTHS, MAX_ANONYMISE_MONTHS
from parcours.domain.records import Actor, PathwayEvent, PathwayState, RequestMeta
from parcours.domain.retention import CLOSER, close_for_good
from parcours.domain.vocabulary import EventKind, Role

ERASED = LifecycleTrigger.ERASE_PERSON.event
"""The event an erasure records."""


@dataclass(frozen=True)
class ErasePerson:
    """The erasure as the audit fold reads it from a history: the update carries only who
    asks and why (`RequestMeta`); not a `Command`, since the programme's machine never
    judges it (`check_erasure` does)."""

    trigger: ClassVar[str] = LifecycleTrigger.ERASE_PERSON.value


Recorder = Callable[[EventKind, RequestMeta, datetime, dict[str, str]], PathwayEvent]


_NO_CONTACT_SINCE = "retention: no contact since "
_CLOSED_UNFINISHED_ON = "retention: its pathway could not run to its end, closed on "
SERVICE_REASONS = {"no_contact_since": _NO_CONTACT_SINCE, "unfinished_on": _CLOSED_UNFINISHED_ON}
"""The reasons the service gives when it erases a person itself, by their key: histories
and the read model keep these words, readers are told them in theirs (`service_reason`)."""


def anonymisation_reason(state: PathwayState) -> str:
    """Why the service erased the person, kept in the audit trail."""
    return f"{_NO_CONTACT_SINCE}{last_contact(state).date().isoformat()}"


def service_reason(reason: str) -> tuple[str, str] | None:
    """Which of `SERVICE_REASONS` a recorded reason is, and the day (`YYYY-MM-DD`, UTC) it
    gives; None for any other reason."""
    for key, start in SERVICE_REASONS.items():
        day = reason.removeprefix(start)
        if day != reason and re.fullmatch(r"\d{4}-\d\d-\d\d", day):
            return key, day
    return None


def check_erasure(state: PathwayState, meta: RequestMeta) -> None:
    """Raise unless `meta` may erase the person of this pathway now."""
    coordinator_only(meta, "erase a person", code="erase_role")
    if state.erased_at is not None:
        raise already_erased(state.erased_at)
    _reason_given(meta)


def check_erasure_request(meta: RequestMeta) -> None:
    """Raise unless `meta` may erase a person: what `check_erasure` asks of the request
    itself, for a pathway whose run has ended and judges nothing any more."""
    coordinator_only(meta, "erase a person", code="erase_role")
    _reason_given(meta)


def _reason_given(meta: RequestMeta) -> None:
    if not meta.reason.strip():
        raise MoveRefused.for_rule(
            "erase_reason", "an erasure needs a reason (--reason), kept in the audit trail"
        )


def erase(state: PathwayState, meta: RequestMeta, now: datetime, record: Recorder) -> PathwayEvent:
    """Record the erasure and close the pathway for good (its open alerts with it)."""
    check_erasure(state, meta)
    was_closed = state.closed_at is not None
    details = {} if was_closed else close_for_good(state, now)
    state.erased_at = now
    details = {"alerts_closed": details.get("alerts_closed", "")}
    return record(ERASED, meta, now, details)


def anonymise(state: PathwayState, now: datetime, record: Recorder) -> PathwayEvent:
    """The service erases the person itself at the end of the record's retention
    (`domain.anonymisation`): the same event and closing as a coordinator's erasure, by
    `CLOSER`, with a reason that says why."""
    meta = RequestMeta("", Actor(CLOSER, Role.SYSTEM), reason=anonymisation_reason(state))
    details = {} if state.closed_at is not None else close_for_good(state, now)
    state.erased_at = now
    details = {"alerts_closed": details.get("alerts_closed", ""), "retention": "true"}
    return record(ERASED, meta, now, details)


def already_erased(erased_at: datetime) -> MoveRefused:
    """The refusal of a second erasure: there is nothing left to erase."""
    return MoveRefused.for_rule(
        "already_erased",
        f"the person was already erased on {erased_at.isoformat()}; an erasure cannot be "
        "undone or repeated",
        erased_at=erased_at.isoformat(),
    )


_MONTHS = "anonymise_after_last_contact_months"


def unfinished_months(programme: Mapping[str, Any], catalogue_months: int | None = None) -> int:
    """The months a record is kept after the last contact under the programme a pathway was
    started with, as its start carries it; else under the catalogue's programme of that
    name (`catalogue_months`); else the default (a start sent wrong, the very input its
    workflow could not take). More than a programme may say counts as the most it may."""
    timers = programme.get("timers")
    months = timers.get(_MONTHS) if isinstance(timers, Mapping) else None
    if isinstance(months, int) and not isinstance(months, bool) and months > 0:
        return min(months, MAX_ANONYMISE_MONTHS)
    return catalogue_months or DEFAULT_ANONYMISE_MONTHS


def unfinished_due_at(
    closed_at: datetime, months: int, kept_until: Sequence[datetime | None] = ()
) -> datetime:
    """When the person of a pathway whose workflow never ran to the end (its referral
    refused at its start, or closed by `doctor close` when it could not run) is to be
    erased: `months` after it closed, the last thing known of them (no run is left to
    count contacts), or the latest date it was to be kept until (`kept_until`: an
    extension its carried state holds, the due date the read model last showed), if later."""
    return max([add_months(closed_at, months), *(d for d in kept_until if d is not None)])


def unfinished_reason(closed_at: datetime) -> str:
    """Why the sweep erased such a person, as `anonymisation_reason` says it for others."""
    return f"{_CLOSED_UNFINISHED_ON}{closed_at.date().isoformat()}"
