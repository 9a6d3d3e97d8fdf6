"""Life after exit: an exited pathway stays open for what remains due, then closes.

An exited pathway still accepts what its programme lists from `exited` (consent
withdrawal, alert acknowledgement and snooze, follow-up contacts, a change of referent,
corrections) until its retention period ends: `timers.retention_after_exit_days` after
the exit's instant. Then it closes for good: the alerts still open or snoozed are closed
with it (status `closed`, recorded in the closing event) and nothing more is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from parcours.domain.anonymisation import anonymise_at, by_last_contact
from parcours.domain.closure import Closure, closure
from parcours.domain.errors import CLOSED_RULE, MoveRefused
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import AlertStatus, Stage

CLOSER = "parcours"
"""Who handled the alerts a closing pathway closed: the service itself."""


def retention_ends_at(state: PathwayState, programme: ProgrammeDefinition) -> datetime | None:
    """When an exited pathway closes for good; None while it has not exited, and under the
    retention by the last contact (`domain.anonymisation`), which keeps it open until then."""
    if state.stage is not Stage.EXITED or state.outcome is None or by_last_contact(state):
        return None
    return state.outcome.exited_at + timedelta(days=programme.timers.retention_after_exit_days)


def retention_over(state: PathwayState, programme: ProgrammeDefinition, now: datetime) -> bool:
    """The pathway has exited, is not closed yet, and its retention period has ended."""
    ends = retention_ends_at(state, programme)
    return state.closed_at is None and ends is not None and ends <= now


def close_if_over(
    state: PathwayState, programme: ProgrammeDefinition, now: datetime
) -> dict[str, str] | None:
    """Close the pathway once its retention period is over: the closing event's details."""
    return close_for_good(state, now) if retention_over(state, programme, now) else None


def close_for_good(state: PathwayState, now: datetime) -> dict[str, str]:
    """Close the pathway and every alert still open or snoozed; the closing event's details."""
    state.closed_at = now
    closed: list[str] = []
    for alert in state.alerts:
        if alert.status in (AlertStatus.OPEN, AlertStatus.SNOOZED):
            alert.status, alert.snoozed_until = AlertStatus.CLOSED, None
            alert.handled_by, alert.handled_at = CLOSER, now
            closed.append(alert.alert_id)
    exited_at = state.outcome.exited_at.isoformat() if state.outcome else ""
    return {"exited_at": exited_at, "alerts_closed": " ".join(closed)}


def refuse_if_closed(state: PathwayState) -> None:
    """A pathway closed for good accepts nothing; the refusal says what closed it."""
    closed = closure(state)
    if state.closed_at is None or closed is None:
        return
    closed_at = state.closed_at.isoformat()
    if closed is Closure.RETENTION_OVER:
        raise MoveRefused.for_rule(
            CLOSED_RULE,
            f"the pathway closed for good on {closed_at}, at the end of its retention period "
            "after exit; it can still be read",
            closed_at=closed_at,
        )
    code = f"pathway_{closed.value}"
    why = (
        "its person was anonymised at the end of the record's retention after the last contact"
        if closed is Closure.ANONYMISED
        else "its person was erased at a coordinator's request"
    )
    raise MoveRefused(
        f"the pathway closed for good on {closed_at}, when {why}; it can still be read",
        rule=CLOSED_RULE,
        code=code,
        values={"closed_at": closed_at},
    )


NextAlert = Callable[[PathwayState, ProgrammeDefinition, datetime], datetime | None]


def wakes_at(
    state: PathwayState, programme: ProgrammeDefinition, now: datetime, next_alert: NextAlert
) -> datetime | None:
    """The earlier of the next alert (`next_alert`) and, for an exited pathway not closed
    yet, the end of its retention period (or, by the last contact, the anonymisation), when
    after `now`."""
    found = next_alert(state, programme, now)
    closes = retention_ends_at(state, programme) or anonymise_at(state, programme)
    if closes is None or state.closed_at is not None or closes <= now:
        return found
    return closes if found is None else min(found, closes)
