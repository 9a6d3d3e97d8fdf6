"""Retention by the programme's rule: a person's record is kept until some months after the
last contact with them, then the person is anonymised.

From `BY_LAST_CONTACT` on (`PathwayState.retention_rule`, set by the workflow under a
patch id), a pathway keeps the active record until
`timers.anonymise_after_last_contact_months` after the last contact (24 by default, per
the CNIL's reference for social accompaniment, deliberation 2023-095). The last contact is
the latest instant (when it happened) of an entry staff made about the person, the
referral included: what the service records by itself (alerts raised, resolved or closed,
partner messages that failed, the closing) is no contact, nor is handling an alert, an
extension or a correction. The coordinator is warned `timers.retention_warning_days`
before (`retention_due`, an alert of `domain.alerts`). A coordinator may extend the record
to a later date, with a reason (`retention_extended`); at the due date the pathway erases
the person itself (`domain.erasure.anonymise`), whatever its stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from parcours.domain.calendar import add_months
from parcours.domain.commands.corrections import restated_instants, voided_seqs
from parcours.domain.commands.lifecycle import LifecycleEvent, LifecycleTrigger
from parcours.domain.errors import MoveRefused
from parcours.domain.permissions import coordinator_only
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.domain.vocabulary import AlertRule, EventKind, Role

BY_LAST_CONTACT = 2
"""The `PathwayState.retention_rule` from which the record ends by the last contact."""

WARNING_FOLLOWS = 3
"""The `PathwayState.retention_rule` from which the coordinator's warning follows the due
date: once an extension or a new contact moves it, the warning of the old date is
resolved (`domain.resolution`), an exited pathway's too, and a new one comes before the
new date."""

EXTENDED = LifecycleEvent.RETENTION_EXTENDED
"""The event a coordinator's extension records."""

NO_CONTACT = frozenset(
    {
        "alert_acknowledged",
        "alert_snoozed",
        "event_voided",
        "event_restated",
        LifecycleEvent.RETENTION_EXTENDED.value,
        LifecycleEvent.RETENTION_ADOPTED.value,
        LifecycleEvent.PERSON_ERASED.value,
        LifecycleEvent.REFERRED_AGAIN.value,
    }
)
"""Entries staff make that are no contact with the person: handling an alert, correcting
the record, extending its retention or making it follow the rule, erasing the person, or
noting that they were referred again (a contact of their new pathway, not of this one)."""


@dataclass(frozen=True)
class ExtendRetention:
    """A coordinator's extension of the record's retention until `until`; the request's
    reason says why. Not a `Command`: the programme's machine never judges it."""

    trigger: ClassVar[str] = LifecycleTrigger.EXTEND_RETENTION.value
    until: datetime


@dataclass(frozen=True)
class AdoptRetention:
    """A coordinator makes a pathway whose run started before the rule follow it now, rather
    than at its next run (`adopt_now`). Not a `Command` either."""

    trigger: ClassVar[str] = LifecycleTrigger.ADOPT_RETENTION.value


RETENTION_REQUESTS = (ExtendRetention, AdoptRetention)
"""The coordinator's retention requests: judged beside the machine, dated when made."""


Recorder = Callable[[EventKind, RequestMeta, datetime, dict[str, str]], PathwayEvent]


def adopt(state: PathwayState) -> None:
    """Follow the retention by the last contact (a pathway that does already is unchanged)."""
    state.retention_rule = max(state.retention_rule, BY_LAST_CONTACT)


def by_last_contact(state: PathwayState) -> bool:
    return state.retention_rule >= BY_LAST_CONTACT


def follow_due_date(state: PathwayState) -> None:
    """Let the warning follow the due date (`WARNING_FOLLOWS`), for a pathway that follows
    the retention by the last contact (any other is unchanged)."""
    if by_last_contact(state):
        state.retention_rule = max(state.retention_rule, WARNING_FOLLOWS)


def warning_follows(state: PathwayState) -> bool:
    return state.retention_rule >= WARNING_FOLLOWS


def last_contact(state: PathwayState) -> datetime:
    """The latest instant of an entry staff made about the person; the referral at least.
    A voided entry is no contact; a restated one counts at the instant it was restated to."""
    voided, restated = voided_seqs(state.timeline), restated_instants(state.timeline)
    instants = [
        restated.get(event.seq, event.at)
        for event in state.timeline
        if event.role is not Role.SYSTEM
        and event.kind not in NO_CONTACT
        and event.seq not in voided
    ]
    return max([state.referred_at, *instants])


def retention_due_at(state: PathwayState, programme: ProgrammeDefinition) -> datetime | None:
    """When the person is to be anonymised: months after the last contact, or the date a
    coordinator extended it to when later. None when the pathway does not follow this rule
    or the person is erased already."""
    if not by_last_contact(state):
        return None
    return _due_by_last_contact(state, programme)


def _due_by_last_contact(state: PathwayState, programme: ProgrammeDefinition) -> datetime | None:
    if state.erased_at is not None:
        return None
    due = add_months(last_contact(state), programme.timers.anonymise_after_last_contact_months)
    extended = state.retention_until
    return due if extended is None or extended <= due else extended


def ended_due_at(state: PathwayState, programme: ProgrammeDefinition) -> datetime | None:
    """When the person of a pathway whose run has ended (closed for good at the end of the
    earlier rule's retention after exit, or completed at exit before exited pathways were
    kept) is to be anonymised: by the last contact, as if it followed the rule, since no
    run is left to follow it. None when the person is erased already."""
    return _due_by_last_contact(state, programme)


def ended_retention_over(
    state: PathwayState, programme: ProgrammeDefinition, now: datetime
) -> datetime | None:
    """The due date of an ended pathway whose retention by the last contact is over at
    `now` (the person is to be erased now), else None. No warning period: a coordinator
    lists these pathways and confirms before anything is erased (`retention sweep`)."""
    due = ended_due_at(state, programme)
    return due if due is not None and due <= now else None


def warning_due_at(state: PathwayState, programme: ProgrammeDefinition) -> datetime | None:
    """When the coordinator is warned that the anonymisation is near."""
    due = retention_due_at(state, programme)
    return None if due is None else due - timedelta(days=programme.timers.retention_warning_days)


def anonymise_at(state: PathwayState, programme: ProgrammeDefinition) -> datetime | None:
    """When the pathway anonymises its person: at the due date, but never sooner than the
    warning period after the coordinator was warned, so that a pathway entered after the
    fact with its due date long past (a caseload imported years later) leaves the whole
    period to extend it. Before the warning is raised, it is taken as raised when it is
    due, or at the last entry when that is later."""
    due = retention_due_at(state, programme)
    if due is None:
        return None
    period = timedelta(days=programme.timers.retention_warning_days)
    warned = [a.raised_at for a in state.alerts if a.rule is AlertRule.RETENTION_DUE]
    entered = state.last_entry_at or due - period
    warned_at = max(warned) if warned else max(due - period, entered)
    return max(due, warned_at + period)


def retention_over(state: PathwayState, programme: ProgrammeDefinition, now: datetime) -> bool:
    """The record's retention has ended: the person is to be anonymised now."""
    at = anonymise_at(state, programme)
    return at is not None and at <= now


def check_extension(
    state: PathwayState,
    programme: ProgrammeDefinition,
    meta: RequestMeta,
    until: datetime,
    now: datetime,
) -> None:
    """Raise unless `meta` may extend the record's retention until `until` now."""
    coordinator_only(meta, "extend a record's retention", code="extend_role")
    due = retention_due_at(state, programme)
    if due is None:
        raise MoveRefused.for_rule(
            "retention_not_running",
            "this pathway's record has no retention to extend (its person is erased, or it "
            "was closed under the earlier rule)",
        )
    if not meta.reason.strip():
        raise MoveRefused.for_rule(
            "extend_reason", "an extension needs a reason (--reason), kept in the audit trail"
        )
    if until <= now or until <= due:
        raise MoveRefused.for_rule(
            "extend_until",
            f"the new date must be after the current due date, {due.date().isoformat()}, and "
            "in the future",
            due=due.isoformat(),
        )


def check_extension_limit(
    programme: ProgrammeDefinition, until: datetime, now: datetime, due: datetime | None = None
) -> None:
    """Raise when `until` is further ahead than the programme lets an extension go
    (`timers.retention_max_extension_months` after `now`), or when no date is both after
    `due` and within that limit (the record is kept that long already). Asked before an
    extension is accepted only, never when one is replayed: extensions recorded before
    this limit keep their date."""
    months = programme.timers.retention_max_extension_months
    latest = add_months(now, months)
    if due is not None and latest <= due:
        raise MoveRefused.for_rule(
            "extend_not_yet",
            f"no extension is possible yet: the record is kept until {due.date().isoformat()} "
            f"already, and an extension may go at most {months} months ahead; ask again "
            f"after {add_months(due, -months).date().isoformat()}",
            due=due.isoformat(),
            months=str(months),
            after=add_months(due, -months).isoformat(),
        )
    if until > latest:
        raise MoveRefused.for_rule(
            "extend_too_far",
            f"an extension may go at most {months} months ahead: the latest date allowed is "
            f"{latest.date().isoformat()}",
            months=str(months),
            latest=latest.isoformat(),
        )


def extend(
    state: PathwayState,
    programme: ProgrammeDefinition,
    meta: RequestMeta,
    until: datetime,
    *,
    now: datetime,
    record: Recorder,
) -> PathwayEvent:
    """Record the extension: the person is anonymised at `until` unless contacted again."""
    check_extension(state, programme, meta, until, now)
    due = retention_due_at(state, programme)
    state.retention_until = until
    details = {"until": until.isoformat(), "was_due": due.isoformat() if due else ""}
    return record(EXTENDED, meta, now, details)


def check_adoption(state: PathwayState, meta: RequestMeta) -> None:
    """Raise unless `meta` may make the pathway follow the rule now (a pathway that does
    already may: nothing changes)."""
    coordinator_only(meta, "change how a record is kept", code="adopt_role")
    if state.erased_at is not None or state.closed_at is not None:
        raise MoveRefused.for_rule(
            "adopt_closed",
            "this pathway is closed for good (its person erased, or closed at the end of its "
            "retention after exit): there is no record left to keep",
        )


def adopt_now(
    state: PathwayState,
    programme: ProgrammeDefinition,
    meta: RequestMeta,
    *,
    now: datetime,
    record: Recorder,
) -> PathwayEvent | None:
    """Make the pathway follow the rule now, its warning following the due date
    (`retention_adopted`, with the due date); None when it follows both already."""
    check_adoption(state, meta)
    if warning_follows(state):
        return None
    was = state.retention_rule
    adopt(state)
    follow_due_date(state)
    due = retention_due_at(state, programme)
    details = {"due": due.isoformat() if due else "", "was_rule": str(was)}
    return record(LifecycleEvent.RETENTION_ADOPTED, meta, now, details)
