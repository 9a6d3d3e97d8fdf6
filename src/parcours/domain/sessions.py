"""Sessions of a programme: a named intake with a start, a capacity, its referring partners.

A session is a group the programme runs together (Nouveau départ's March 2017 session:
nine people referred by Amicale du Nid, a presentation, one coaching day). These are the
rules a referral into a session and a group action on its people follow; the sessions
themselves are kept in the read model (`adapters.readmodel.sessions`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from parcours.domain.commands import StartCoaching
from parcours.domain.controls import invisible_controls
from parcours.domain.errors import CLOSED_RULE, MoveRefused, UnknownReference
from parcours.domain.inputs import is_blank
from parcours.domain.instants import not_after_now
from parcours.domain.referring import check_session_referrer
from parcours.domain.requests import Answered
from parcours.domain.vocabulary import Stage

NAME_LENGTH = 64
"""A session's name fits the read model's `participants.session` column."""


class SessionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    UNOPENED = "unopened"
    """Never opened, never recorded: the people referred without a session named, grouped
    under their month (`2026-11`), or a caseload's session; no capacity, no referrers."""


@dataclass(frozen=True)
class Session:
    """One session of one programme; `referrers` are partner names of the directory."""

    programme: str
    name: str
    starts_at: datetime
    capacity: int | None = None
    referrers: list[str] = field(default_factory=list)
    status: SessionStatus = SessionStatus.OPEN
    opened_by: str = ""
    closed_at: datetime | None = None


CAPACITY_MOST = 10_000
"""The largest capacity a session may have: a programme's intake is counted in tens or
hundreds (ATP Cergy: 60 a year); more is a slip of the keyboard."""


class SessionRejected(ValueError):
    """A session typed wrong: `field` (`name`, `capacity`) has the `fault` named
    (`blank`, `bidi` with the controls `found`, `long`, `not_positive`, `too_large`)."""

    def __init__(self, field: str, fault: str, found: str = "") -> None:
        super().__init__(f"{field}: {fault} {found}".strip())
        self.field, self.fault, self.found = field, fault, found


def check_new_session(name: str, capacity: int | None) -> None:
    """A name that names something, fits its column and reads as typed; a capacity of one
    person at least, `CAPACITY_MOST` at the most."""
    if is_blank(name):
        raise SessionRejected("name", "blank")
    if found := invisible_controls(name):
        raise SessionRejected("name", "bidi", found)
    if len(name.strip()) > NAME_LENGTH:
        raise SessionRejected("name", "long", str(NAME_LENGTH))
    if capacity is not None and capacity < 1:
        raise SessionRejected("capacity", "not_positive")
    if capacity is not None and capacity > CAPACITY_MOST:
        raise SessionRejected("capacity", "too_large", str(CAPACITY_MOST))


def unopened(programme: str, name: str, first_referral: datetime) -> Session:
    """A session nobody opened that pathways were referred into: it starts with the first."""
    return Session(programme, name, first_referral, status=SessionStatus.UNOPENED)


def session_exists(programme: str, name: str) -> MoveRefused:
    return MoveRefused.for_rule(
        "session_exists",
        f"programme {programme} already has a session {name!r}",
        programme=programme,
        session=name,
    )


def unknown_session(programme: str, name: str) -> UnknownReference:
    return UnknownReference(
        f"programme {programme} has no session {name!r}",
        code="session_unknown",
        values={"programme": programme, "session": name},
    )


def unchecked_month_session(session: Session | None, *, named: bool) -> bool:
    """A referral typed without a session is grouped under its month's name: when the
    programme opened no session of that name there is nothing to check; where it opened one,
    the referral joins it and that session's rules apply as if it had been named."""
    return session is None and not named


def check_known_session(session: Session | None, programme: str, name: str, people: int) -> None:
    """A report or a job-dating may name a session the programme opened or one that
    pathways were referred into (a month's session, a session imported); any other name is
    a slip, refused rather than answered with a report of zeros or an event without its
    candidates."""
    if session is None and people == 0:
        raise unknown_session(programme, name)


def check_referral_into(
    session: Session | None, programme: str, name: str, people: int, referrer: str | None = None
) -> None:
    """A referral may name a session only if it exists, is open and has room, and (for a
    referral, `referrer` given) comes from one of its referring partners.

    `people` counts every pathway already referred into it, whatever its stage: a place
    taken by someone who later dropped out stays taken, since the session has started.
    """
    if session is None:
        raise unknown_session(programme, name)
    if session.status is SessionStatus.CLOSED:
        raise closed(session)
    if referrer is not None:
        check_session_referrer(session.name, session.referrers, referrer)
    if is_full(session, people):
        raise MoveRefused.for_rule(
            "session_full",
            f"session {name} is full: {people} people for a capacity of {session.capacity}",
            session=name,
            people=str(people),
            capacity=str(session.capacity),
        )


def is_full(session: Session, people: int) -> bool:
    """Whether `people` referred fill the session's capacity (none: never full)."""
    return session.capacity is not None and people >= session.capacity


def has_room(session: Session, people: int) -> bool:
    """Whether a session takes one more referral: opened, not closed, and not full."""
    return session.status is SessionStatus.OPEN and not is_full(session, people)


def check_capacity(capacity: int | None, people: int, name: str) -> None:
    """A session opened with a capacity below the people already referred under its name
    (a month's referrals) would be full and over it from the start: refused, naming both."""
    if capacity is not None and people > capacity:
        raise MoveRefused.for_rule(
            "session_capacity_below",
            f"session {name} already holds {people} people, more than a capacity of {capacity}",
            session=name,
            people=str(people),
            capacity=str(capacity),
        )


def closed(session: Session) -> MoveRefused:
    return MoveRefused.for_rule(
        "session_closed",
        f"session {session.name} is closed: it takes no more referrals",
        session=session.name,
    )


def check_open(session: Session | None, programme: str, name: str) -> None:
    """A session named by a caseload's row exists and is open, by the rules (and the rule
    names) of a referral into it; its room is not counted, since the people of a caseload
    were in the session before it was brought in, and a run resumed counts them again."""
    if session is None:
        raise unknown_session(programme, name)
    if session.status is SessionStatus.CLOSED:
        raise closed(session)


def check_close(session: Session | None, programme: str, name: str) -> Session:
    """A session is closed once: closing it again is refused, naming it; one nobody opened
    has no record to close."""
    if session is None:
        raise unknown_session(programme, name)
    if session.status is SessionStatus.CLOSED:
        raise closed(session)
    if session.status is SessionStatus.UNOPENED:
        raise MoveRefused.for_rule(
            "session_not_opened",
            f"session {name} of {programme} was never opened: it groups the people referred "
            "without a session named; open a session of that name to give it rules",
            programme=programme,
            session=name,
        )
    return session


# -- group actions ----------------------------------------------------------------------


def in_group(stage: Stage) -> bool:
    """Whether a group action is sent to a pathway at `stage`: every pathway of the
    session but those that have exited, each of which then decides by its own rules."""
    return stage is not Stage.EXITED


COACHING_ONWARDS = frozenset(
    {Stage.COACHING, Stage.AWAITING_TRAINING, Stage.TRAINING, Stage.AWAITING_MISSION}
    | {Stage.IN_EMPLOYMENT}
)
"""Stages a pathway stands at once its coaching has started."""


def awaiting_coaching(
    members: list[tuple[str, Stage]], absent: frozenset[str] = frozenset()
) -> tuple[list[tuple[str, Stage]], list[str]]:
    """The members a coaching day is sent to, and the ids of those it leaves out rather
    than have them refused: whose coaching has started already (held again, or people who
    moved on to training, a mission or employment). The others decide by their own rules,
    but for those staff name `absent`: nothing is recorded for someone who did not come."""
    waiting = [
        (pathway_id, stage)
        for pathway_id, stage in members
        if stage not in COACHING_ONWARDS and pathway_id not in absent
    ]
    started = [pid for pid, stage in members if stage in COACHING_ONWARDS and pid not in absent]
    return waiting, started


def check_coaching_day(day: datetime, now: datetime) -> None:
    """A coaching day is dated when it was held: not after now, said once before it is
    sent rather than by every pathway of the session."""
    refused = not_after_now(day, now)
    if refused is not None:
        raise refused


def closed_for_good(answer: Answered) -> bool:
    """Whether a member refused a group action because it is closed for good (erased,
    anonymised, or at the end of its retention): left out, as an exited one is, rather
    than counted as refused; the read model keeps its stage as it was."""
    return answer.rule == CLOSED_RULE


def member_request_id(action_request_id: str, pathway_id: str) -> str:
    """The request id a group action sends one pathway: derived from the action's own id,
    so the action run again under that id applies once to each pathway."""
    return f"{action_request_id}:{pathway_id}"


def coaching_day(on: datetime) -> StartCoaching:
    """What the coaching day asks of every pathway of the session: coaching starts on it."""
    return StartCoaching(started_at=on)
