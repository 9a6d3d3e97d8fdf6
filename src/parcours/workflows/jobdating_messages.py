"""The payloads of a job-dating event's workflow and its activities.

Wire formats kept in histories for years: fields are only added, with defaults. They
hold opaque pathway ids, the place and the agencies' names: no participant's data, which
the invitation activity reads from each candidate's pathway and sends without keeping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parcours.domain.commands import RecordJobDating
from parcours.domain.jobdating import JobDatingEvent
from parcours.domain.records import RequestMeta
from parcours.domain.requests import Answered

JOBDATING_TYPE = "JobDating"
JOBDATING_PREFIX = "jobdating-"


@dataclass
class JobDatingInput:
    event: JobDatingEvent
    meta: RequestMeta


@dataclass
class ResendRequest:
    """One of the event's messages to send again, named by its outbox key."""

    event: JobDatingEvent
    key: str


@dataclass
class InvitationReport:
    """What the invitations did: agencies invited, candidates presented to them (with their
    consent), those left out for want of it, and messages that failed for good."""

    agencies: int
    presented: list[str] = field(default_factory=list)
    without_consent: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    sent: bool = True
    """False: recorded after the event's day, nothing sent (`jobdating.invitation_unsent`)."""


@dataclass
class OutcomeDelivery:
    """One outcome for one candidate's pathway, under its own request id."""

    pathway_id: str
    meta: RequestMeta
    command: RecordJobDating


@dataclass(frozen=True)
class OutcomeAnswer(Answered):
    """What a candidate's pathway answered its outcome: applied (`seq`, `duplicate` when
    answered from an earlier try) or refused, with the rule and its sentence's values."""

    pathway_id: str
    applied: bool
    seq: int = 0


@dataclass
class RecordAnswer:
    """What one `record` did, candidate by candidate, in the order typed."""

    answers: list[OutcomeAnswer]
    duplicate: bool = False
