"""What a demo drives: people, each referred and then moved along by dated commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from parcours.domain import commands as c
from parcours.domain.vocabulary import PartnerKind
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
class Story:
    """A demo's whole story: the programme, its partners and its people."""

    name: str
    programme: str
    partners: tuple[DirectoryEntry, ...]
    people: tuple[Person, ...]
    unmasked: bool
    """Whether the demo reads the report as a coordinator, small counts shown (logged)."""
