"""What closed a pathway for good, read from its timeline.

Three things close a pathway: the end of its retention period after exit under the
earlier rule (`pathway_closed`), its person anonymised by parcours at the end of the
retention by the last contact, or erased at a coordinator's request (`person_erased`,
recorded by parcours itself or by the coordinator). The first of those events decides;
the read model's report reads the same event with `closure_of`, so the two agree.
Kept apart from `domain.retention` so that a status answer needs no programme model.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from parcours.domain.commands.lifecycle import LifecycleEvent
from parcours.domain.records import Appointment, Consent, PathwayState
from parcours.domain.vocabulary import Role

CLOSED = LifecycleEvent.PATHWAY_CLOSED
"""The event a pathway records when it closes for good at the end of its retention."""
ERASED = LifecycleEvent.PERSON_ERASED
"""The event of an erasure, or of the anonymisation at the end of the retention."""
CLOSING_EVENTS = frozenset({CLOSED.value, ERASED.value})


class Closure(StrEnum):
    """What closed a pathway for good."""

    RETENTION_OVER = "retention_over"
    """The end of its retention period after exit (the earlier rule)."""
    ANONYMISED = "anonymised"
    """Its person anonymised at the end of the retention by the last contact."""
    ERASED = "erased"
    """Its person erased at a coordinator's request."""


PERSON_GONE = frozenset({Closure.ANONYMISED, Closure.ERASED})
"""Closures that took the person away with the pathway: nobody follows them any more."""


def closure(state: PathwayState) -> Closure | None:
    """What closed the pathway for good; None while it is open."""
    if state.closed_at is None:
        return None
    first = next((e for e in state.timeline if e.kind in CLOSING_EVENTS), None)
    return closure_of(first.kind, first.role) if first else Closure.RETENTION_OVER


def closure_of(kind: str, role: Role) -> Closure:
    """The closure the first closing event of a pathway says (`kind`, recorded as `role`)."""
    if kind != ERASED.value:
        return Closure.RETENTION_OVER
    return Closure.ANONYMISED if role is Role.SYSTEM else Closure.ERASED


def stage_now(stage: str, closed: Closure | None) -> str:
    """Where a pathway stands now for the report: its stage, or, once its person was erased
    or anonymised, that closure: the stage they were erased in would read as someone still
    followed. One closed at the end of its retention after exit stays at its stage."""
    return closed.value if closed in PERSON_GONE else stage


def consent_ended_with(consent: Consent, closed_at: datetime | None, as_of: datetime) -> bool:
    """A consent still in force when its pathway closed, read at `as_of` after that: no
    partner is told anything any more, so it is no longer used, whatever its expiry."""
    return closed_at is not None and closed_at <= as_of and consent.valid_at(closed_at)


def not_held(appointment: Appointment, closed_at: datetime | None) -> bool:
    """An appointment with no outcome, set at or after its pathway closed: it did not take
    place within the pathway, and nothing can be recorded of it any more."""
    return closed_at is not None and appointment.recorded_at is None and appointment.at >= closed_at
