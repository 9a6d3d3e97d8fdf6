"""What a demo drives: people, each referred and then moved along by dated commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from parcours.domain import commands as c
from parcours.domain.vocabulary import JobDatingOutcome, PartnerKind
from parcours.workflows.messages import Participant

DAY = timedelta(days=1)


def on(year: int, month: int, day: int, hour: int = 9) -> datetime:
    """An instant of the story, at `hour` UTC."""
    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass(frozen=True)
class Step:
    """One command, the day it happened (sent as the request's effective instant), and the
    reason staff give with it."""

    command: c.Command
    at: datetime
    reason: str = ""


@dataclass
class Person:
    """One pathway of the story: who, the referral, and what happened, in order."""

    participant: Participant
    referral: c.Refer
    steps: list[Step] = field(default_factory=list)
    intended: str = ""
    """What the story drew for this person (a path's name), for the tests to compare."""

    def then(self, command: c.Command, at: datetime, reason: str = "") -> Person:
        self.steps.append(Step(command, at, reason))
        return self


@dataclass(frozen=True)
class DirectoryEntry:
    """A partner the story's programme works with, put in the partner directory."""

    name: str
    kind: PartnerKind


@dataclass(frozen=True)
class SessionPlan:
    """The session the story's people are referred into, opened first with its referrers
    (`session open`), each referral checked against it (`refer --session`)."""

    name: str
    starts_at: datetime
    referrers: tuple[str, ...]
    capacity: int | None = None


@dataclass(frozen=True)
class CoachingDay:
    """The session's coaching day (`coaching day SESSION --on`), for all at once."""

    at: datetime


@dataclass(frozen=True)
class Outcome:
    """One candidate's outcome at a job-dating: the person's place in the story."""

    person: int
    outcome: JobDatingOutcome
    agency: str = ""


@dataclass(frozen=True)
class JobDatingDay:
    """A job-dating run as a `JobDating` event entered after the fact: planned with its
    agencies and candidates, invited on `invited_at`, every outcome recorded in one go on
    its day (`jobdating plan|invite|record --on`)."""

    held_at: datetime
    invited_at: datetime
    place: str
    agencies: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    reason: str = ""

    @property
    def at(self) -> datetime:
        return self.held_at


GroupStep = CoachingDay | JobDatingDay
"""What the programme does for a group: it happens once every person's earlier steps
have been sent, and before their later ones."""


@dataclass(frozen=True)
class Story:
    """A demo's whole story: the programme, its partners and its people."""

    name: str
    programme: str
    partners: tuple[DirectoryEntry, ...]
    people: tuple[Person, ...]
    unmasked: bool
    """Whether the demo reads the report as a coordinator, small counts shown (logged)."""
    session: SessionPlan | None = None
    """When set, the people are referred into this session (else it is a label only)."""
    groups: tuple[GroupStep, ...] = ()
