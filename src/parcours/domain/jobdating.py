"""Job-dating events: temp agencies meet a programme's candidates on one day, in one place.

An event is planned with its agencies and candidates; the agencies are invited, told of
each candidate who consents to it, and reminded the day before (`jobdating_notices` says
what they receive); on the day staff record each candidate's outcome, which the event
hands to the candidate's pathway. These are its rules; `workflows.jobdating` runs them.
Its dataclasses are wire formats kept in histories: fields are only added, with defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from parcours.domain.commands import JOBDATING_TRIGGERS, RecordJobDating
from parcours.domain.controls import invisible_controls
from parcours.domain.errors import MoveRefused, NotPermitted, UnknownReference
from parcours.domain.inputs import is_blank
from parcours.domain.instants import not_after_now
from parcours.domain.referring import check_directory_partner
from parcours.domain.vocabulary import JobDatingOutcome, PartnerKind, Role

if TYPE_CHECKING:  # only named: importing the pathway machine costs every client
    from parcours.domain.pathway import Pathway

REMINDER_BEFORE = timedelta(days=1)
"""The reminder goes to the agencies this long before the event."""

KEPT_AFTER = timedelta(days=90)
"""How long after its day an event still takes outcomes; then it completes."""


@dataclass
class Candidate:
    """One candidate and what became of the outcome recorded for them."""

    pathway_id: str
    outcome: JobDatingOutcome | None = None
    agency: str = ""
    seq: int = 0
    """The pathway's event recording the outcome, once applied."""
    pending: bool = False
    refused_rule: str = ""
    refused_code: str = ""
    refused_values: dict[str, str] = field(default_factory=dict)
    refused_message: str = ""

    @property
    def applied(self) -> bool:
        return self.seq > 0


@dataclass
class JobDatingEvent:
    """Everything the event knows: opaque ids, the place and the agencies' names only."""

    event_id: str
    programme: str
    held_at: datetime
    place: str
    agencies: list[str]
    candidates: list[Candidate]
    planned_by: str = ""
    invited_at: datetime | None = None
    reminded_at: datetime | None = None
    presented: int = 0
    """How many candidates the agencies were told of (with their consent)."""
    failures: list[str] = field(default_factory=list)
    """Messages that could not be delivered for good (outbox keys)."""
    entered_at: datetime | None = None
    """When an event planned after its day was entered: it takes outcomes `KEPT_AFTER`
    from then, not from its day (None: planned before its day, or before dates were)."""
    invited_unsent: bool = False
    """The invitation was recorded after the event's day (`--on` the day it went out by
    other means): parcours sent nothing, neither the invitation nor any candidate."""

    def candidate(self, pathway_id: str) -> Candidate | None:
        return next((c for c in self.candidates if c.pathway_id == pathway_id), None)

    def waiting(self) -> list[Candidate]:
        """Candidates whose outcome has not been applied to their pathway yet."""
        return [c for c in self.candidates if not c.applied]


@dataclass(frozen=True)
class OutcomeEntry:
    """An outcome as staff record it: hired (through an agency of the event), oriented to
    training, or no match."""

    pathway_id: str
    outcome: JobDatingOutcome
    agency: str = ""


class JobDatingRejected(ValueError):
    """An event typed wrong: `field` (`place`, `agencies`, `candidates`, `outcomes`) has
    the `fault` named (`blank`, `bidi` with the controls `found`, `none`, `twice`)."""

    def __init__(self, field: str, fault: str, found: str = "") -> None:
        super().__init__(f"{field}: {fault} {found}".strip())
        self.field, self.fault, self.found = field, fault, found


def _twice(values: list[str]) -> str:
    """The first value named twice; "" when none is."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return ""


def check_plan(place: str, agencies: list[str], candidates: list[str]) -> None:
    """A place that names one, one agency and one candidate at least, none named twice."""
    if is_blank(place):
        raise JobDatingRejected("place", "blank")
    for name, value in (("place", place), *(("agencies", a) for a in agencies)):
        if found := invisible_controls(value):
            raise JobDatingRejected(name, "bidi", found)
    for name, values in (("agencies", agencies), ("candidates", candidates)):
        if not values:
            raise JobDatingRejected(name, "none")
        if twice := _twice(values):
            raise JobDatingRejected(name, "twice", twice)


def check_agency(name: str, kind: PartnerKind | None, active: bool) -> None:
    """An agency taking part is an active temp agency of the partner directory."""
    check_directory_partner(name, kind, active, PartnerKind.TEMP_AGENCY, role="agency")


def check_candidate(pathway: Pathway, programme: str, held_at: datetime) -> None:
    """A candidate is a pathway of the event's programme whose stage allows a job-dating
    now (its programme's moves say from where: coaching, or waiting for a mission), entered
    by the event's day: its outcome, dated that day, could not be recorded otherwise."""
    state = pathway.state
    if state.programme != programme:
        raise MoveRefused.for_rule(
            "jobdating_programme",
            f"pathway {state.pathway_id} follows {state.programme}, not {programme}",
            pathway=state.pathway_id,
            programme=state.programme,
        )
    if not set(JOBDATING_TRIGGERS) & set(pathway.allowed_triggers()):
        raise MoveRefused.for_rule(
            "jobdating_stage",
            f"pathway {state.pathway_id} is {state.stage.value}: no job-dating from that stage",
            pathway=state.pathway_id,
            stage=state.stage.value,
        )
    if state.stage_since > held_at:
        raise MoveRefused.for_rule(
            "jobdating_before_stage",
            f"pathway {state.pathway_id} entered its stage on {state.stage_since.isoformat()}, "
            "after the job-dating's date and time: its outcome could not be recorded",
            pathway=state.pathway_id,
            since=state.stage_since.isoformat(),
        )


def check_invite(event: JobDatingEvent, now: datetime) -> None:
    """Invitations go out before the event, never once it has taken place."""
    if now >= event.held_at:
        raise MoveRefused.for_rule(
            "jobdating_past",
            "the job-dating has taken place: invitations go out before it",
            held_at=event.held_at.isoformat(),
        )


def invitation_unsent(event: JobDatingEvent, now: datetime) -> bool:
    """Whether an invitation recorded `now` is recorded only, nothing sent: the event has
    taken place, so an invitation to it, or a candidate presented for it, would tell the
    agencies of a day gone by (the invitation went out by other means, when `--on` says)."""
    return now >= event.held_at


def acted_at(effective: datetime | None, now: datetime) -> datetime:
    """When staff say an invitation or a recording happened (`--on`), else now; never
    after now, beyond the clock skew allowed to every staff action."""
    if effective is None:
        return now
    if refused := not_after_now(effective, now):
        raise refused
    return effective


def entered_after(event: JobDatingEvent, now: datetime) -> datetime | None:
    """`now`, when the event is planned after its day (entered after the fact)."""
    return now if now > event.held_at else None


def kept_until(event: JobDatingEvent) -> datetime:
    """Until when the event takes outcomes: `KEPT_AFTER` its day, or after its entry."""
    return max(event.held_at, event.entered_at or event.held_at) + KEPT_AFTER


def reminder_due_at(event: JobDatingEvent) -> datetime | None:
    """When the agencies are reminded: the day before, if they were invited before then."""
    due = event.held_at - REMINDER_BEFORE
    if event.invited_at is None or event.reminded_at is not None or event.invited_at >= due:
        return None
    return due


def next_wake(event: JobDatingEvent, now: datetime) -> datetime:
    """When the event has something to do on its own: the reminder, while the day has not
    come; else the end of its keeping."""
    due = reminder_due_at(event)
    if due is not None and now < event.held_at:
        return due
    return kept_until(event)


def remind_now(event: JobDatingEvent, now: datetime) -> bool:
    due = reminder_due_at(event)
    return due is not None and due <= now < event.held_at


def check_role(role: Role) -> None:
    """Staff and coordinators run job-datings; partners and auditors do not."""
    if role not in (Role.STAFF, Role.COORDINATOR):
        raise NotPermitted(
            f"the {role.value} role may not run job-datings",
            code="jobdating_role",
            values={"role": role.value},
        )


def check_outcomes(event: JobDatingEvent, entries: list[OutcomeEntry], now: datetime) -> None:
    """Outcomes are recorded from the day of the event, for its candidates, once each; a
    hire names an agency that took part (or none, for an employer met there)."""
    if now < event.held_at:
        raise MoveRefused.for_rule(
            "jobdating_not_yet",
            "the job-dating has not taken place yet: outcomes are recorded from its day",
            held_at=event.held_at.isoformat(),
        )
    if not entries:
        raise JobDatingRejected("outcomes", "none")
    if twice := _twice([e.pathway_id for e in entries]):
        raise JobDatingRejected("outcomes", "twice", twice)
    for entry in entries:
        _check_entry(event, entry)


def _check_entry(event: JobDatingEvent, entry: OutcomeEntry) -> None:
    candidate = event.candidate(entry.pathway_id)
    if candidate is None:
        raise UnknownReference(
            f"pathway {entry.pathway_id} is not a candidate of this job-dating",
            code="candidate_unknown",
            values={"pathway": entry.pathway_id},
        )
    if candidate.applied or candidate.pending:
        raise MoveRefused.for_rule(
            "outcome_recorded",
            f"the outcome of {entry.pathway_id} is already recorded on its pathway",
            pathway=entry.pathway_id,
        )
    if entry.agency and entry.agency not in event.agencies:
        raise MoveRefused.for_rule(
            "agency_not_taking_part",
            f"{entry.agency} does not take part in this job-dating",
            agency=entry.agency,
        )


def outcome_request_id(event_id: str, record_request_id: str, pathway_id: str) -> str:
    """The request id an outcome reaches its pathway with: one per event, recording and
    candidate, so a retried recording (or activity) applies it once."""
    return f"{event_id}:{record_request_id}:{pathway_id}"


def outcome_command(event: JobDatingEvent, entry: OutcomeEntry) -> RecordJobDating:
    return RecordJobDating(held_at=event.held_at, outcome=entry.outcome, agency=entry.agency)


def finished(event: JobDatingEvent, now: datetime) -> bool:
    """Every candidate's outcome applied, or the event is past keeping."""
    return not event.waiting() or now >= kept_until(event)
