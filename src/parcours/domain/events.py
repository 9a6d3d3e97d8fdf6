"""Past-tense names of what happened, one per trigger: the timeline's vocabulary.

Derived from the command table; each area module declares its own `EventKind` members.
"""

from __future__ import annotations

from collections.abc import Mapping

from parcours.domain.commands import SPECS
from parcours.domain.records import PathwayEvent
from parcours.domain.vocabulary import EventKind

EVENT_OF_TRIGGER: dict[str, EventKind] = {
    row.trigger: row.event for row in SPECS if row.event is not None
}

EVENT_KINDS = frozenset(EVENT_OF_TRIGGER.values())
"""Every event kind a timeline may hold: the members of every area's `EventKind`."""

JOBDATING_INVITATION, JOBDATING_CANDIDATE, JOBDATING_REMINDER = (
    "jobdating_invitation",
    "jobdating_candidate",
    "jobdating_reminder",
)
"""The kinds of the messages a job-dating's agencies receive, which no pathway records."""

MESSAGE_KINDS = frozenset({JOBDATING_INVITATION, JOBDATING_CANDIDATE, JOBDATING_REMINDER})

CREATED_BY: dict[str, str] = {
    row.event: row.creates for row in SPECS if row.event is not None and row.creates
}
"""For each event that creates a record staff name later (a barrier, an appointment, a
training, a mission), the key of its details holding the new record's id."""


def created_record(kind: str, details: Mapping[str, str]) -> tuple[str, str] | None:
    """The record an event of `kind` with `details` created, as (details key, id): for
    `barrier_opened` with `{"barrier_id": "b1", ...}`, `("barrier_id", "b1")`; None for an
    event that creates none (or whose details, recorded by an older version, lack the id)."""
    key = CREATED_BY.get(kind)
    if key is None or not details.get(key):
        return None
    return key, details[key]


def timer_alert_ids(events: list[PathwayEvent]) -> set[str]:
    """Alerts these events raised on a timer (`alert_raised`), to hand to the alert channel."""
    return {e.details["alert_id"] for e in events if e.kind == "alert_raised"}


def failure_alert_ids(events: list[PathwayEvent]) -> set[str]:
    """Alerts these events raised for the coordinator when a partner could not be told."""
    return {
        e.details["alert_id"]
        for e in events
        if e.kind == "notification_failed" and "alert_id" in e.details
    }
