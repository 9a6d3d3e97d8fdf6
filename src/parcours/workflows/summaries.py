"""What a pathway says of where it stands: the `status` query's answer, and the batch
the read model is projected from. Both start with the same head, from the domain's
`Summary`. Wire formats (a batch is an activity's input, kept in histories for years):
add fields with defaults only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from parcours.domain.closure import Closure, closure
from parcours.domain.entries import Entries, entries_of
from parcours.domain.records import (
    Alert,
    Appointment,
    Barrier,
    Consent,
    ExitOutcome,
    JobDating,
    Mission,
    PathwayEvent,
    PathwayState,
    Training,
)
from parcours.domain.vocabulary import AlertRule, FrenchLevel, Stage

if TYPE_CHECKING:  # only in signatures: the summary's module reads the programme models
    from parcours.domain.summary import Summary


@dataclass(frozen=True)
class PathwayHead:
    """What the status, the projection batch and the read model's participant row all
    start with, in this order. Frozen, so that the read model's frozen view can share it."""

    pathway_id: str
    programme: str
    programme_version: int
    stage: Stage
    stage_since: datetime
    referent: str
    session: str
    referred_at: datetime
    contract_signed_at: datetime | None
    accompaniment_ends_at: datetime | None


def _head_of(summary: Summary) -> dict[str, Any]:
    return {f.name: getattr(summary, f.name) for f in fields(PathwayHead)}


_AS_RECORDED = (
    "barriers",
    "consents",
    "intake_completed_at",
    "eligibility_criteria_met",
    "french_level",
    "last_contact_at",
    "suspended_from",
    "appointments",
    "trainings",
    "missions",
    "job_datings",
    "closed_at",
    "referred_again_at",
    "earlier_pathway_id",
)
"""The status fields that show the state's own, as recorded (its lists copied)."""


def _records_of(state: PathwayState) -> dict[str, Any]:
    values = {name: getattr(state, name) for name in _AS_RECORDED}
    return {name: list(v) if isinstance(v, list) else v for name, v in values.items()}


@dataclass(frozen=True)
class PathwayStatus(PathwayHead):
    """The answer to the `status` query: the summary, what staff may do next, and every
    record of the pathway (barriers, consents, appointments, training, missions...)."""

    barriers: list[Barrier]
    consents: list[Consent]
    open_alerts: list[Alert]
    next_alert_at: datetime | None
    allowed: list[str]
    outcome: ExitOutcome | None
    last_event_seq: int
    as_of: datetime | None = None
    intake_completed_at: datetime | None = None
    eligibility_criteria_met: list[str] = field(default_factory=list)
    french_level: FrenchLevel | None = None
    last_contact_at: datetime | None = None
    suspended_from: Stage | None = None
    appointments: list[Appointment] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    missions: list[Mission] = field(default_factory=list)
    job_datings: list[JobDating] = field(default_factory=list)
    closes_at: datetime | None = None
    """Once exited: when the pathway closes for good, at the end of its retention period."""
    closed_at: datetime | None = None
    """When it closed for good; from then on it accepts nothing."""
    retention_due_at: datetime | None = None
    """By the retention by the last contact, whatever the stage: when its person is to be
    anonymised (`domain.anonymisation.anonymise_at`)."""
    referred_again_at: datetime | None = None  # its person back in a new pathway, once exited
    earlier_pathway_id: str = ""  # the same person's exited pathway this one follows, if any
    entries: Entries | None = None
    """The first referral and the last re-entry (none in answers of an older worker)."""
    closure: Closure | None = None
    """What closed it for good (none while open, and in answers of an older worker)."""
    next_alert_rule: AlertRule | None = None
    """The rule of the alert raised, or reopened, at `next_alert_at` (`Summary`)."""

    @classmethod
    def of(
        cls, summary: Summary, state: PathwayState, allowed: list[str], as_of: datetime
    ) -> PathwayStatus:
        return cls(
            **_head_of(summary),
            open_alerts=list(summary.open_alerts),
            next_alert_at=state.next_alert(summary.next_alert_at),  # a query: never replayed
            allowed=allowed,
            outcome=summary.outcome,
            last_event_seq=summary.last_seq,
            as_of=as_of,
            closes_at=summary.closes_at,
            retention_due_at=summary.retention_due_at,
            entries=entries_of(state),
            closure=closure(state),
            next_alert_rule=summary.next_alert_rule,
            **_records_of(state),
        )


@dataclass(frozen=True)
class ProjectionBatch(PathwayHead):
    """What the read model needs after a change: the pathway's summary and its new events.

    `last_seq` orders batches: a batch at or below what a row has already seen changes
    nothing, so a retried or replayed projection is harmless.
    """

    next_alert_at: datetime | None
    outcome: ExitOutcome | None
    last_seq: int
    events: list[PathwayEvent]
    alerts: list[Alert]
    retention_due_at: datetime | None = None
    """When the person is to be anonymised (none in batches sent before it was added)."""

    @classmethod
    def of(
        cls, summary: Summary, events: list[PathwayEvent], alerts: list[Alert]
    ) -> ProjectionBatch:
        return cls(
            **_head_of(summary),
            next_alert_at=summary.next_alert_at,
            outcome=summary.outcome,
            last_seq=summary.last_seq,
            events=events,
            alerts=alerts,
            retention_due_at=summary.retention_due_at,
        )
