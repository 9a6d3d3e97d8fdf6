"""Job-dating events: temp agencies meet a programme's candidates on one day, in one place.

An event is planned with its agencies and candidates, agencies are invited (and told of
each candidate who consents to temp agencies hearing of them, with the fields the
programme lets temp agencies receive, as `routing` does for a pathway's events), reminded
the day before, and on the day staff record each candidate's outcome, which the event
hands to the candidate's pathway. These are its rules; `workflows.jobdating` runs them.
Its dataclasses are wire formats kept in histories: fields are only added, with defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from parcours.domain.commands import JOBDATING_TRIGGERS, RecordJobDating
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.inputs import bidi_controls, is_blank
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayState
from parcours.domain.routing import Notification
from parcours.domain.vocabulary import JobDatingOutcome, PartnerKind

REMINDER_BEFORE = timedelta(days=1)
"""The reminder goes to the agencies this long before the event."""

KEPT_AFTER = timedelta(days=90)
"""How long after its day an event still takes outcomes; then it completes."""

INVITATION, CANDIDATE, REMINDER = (
    "jobdating_invitation",
    "jobdating_candidate",
    "jobdating_reminder",
)
"""The event kinds of the messages agencies receive."""


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
        if found := bidi_controls(value):
            raise JobDatingRejected(name, "bidi", found)
    for name, values in (("agencies", agencies), ("candidates", candidates)):
        if not values:
            raise JobDatingRejected(name, "none")
        if twice := _twice(values):
            raise JobDatingRejected(name, "twice", twice)


def check_agency(name: str, kind: PartnerKind | None, active: bool) -> None:
    """An agency taking part is an active temp agency of the partner directory."""
    if kind is None:
        raise UnknownReference(
            f"no partner {name!r} in the partner directory",
            code="agency_unknown",
            values={"agency": name},
        )
    if kind is not PartnerKind.TEMP_AGENCY or not active:
        raise MoveRefused.for_rule(
            "agency_not_temp_agency",
            f"{name} is not an active temp agency of the partner directory",
            agency=name,
            partner_kind=kind.value,
        )


def check_candidate(pathway: Pathway, programme: str) -> None:
    """A candidate is a pathway of the event's programme whose stage allows a job-dating
    now (its programme's moves say from where: coaching, or waiting for a mission)."""
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


def check_invite(event: JobDatingEvent, now: datetime) -> None:
    """Invitations go out before the event, never once it has taken place."""
    if now >= event.held_at:
        raise MoveRefused.for_rule(
            "jobdating_past",
            "the job-dating has taken place: invitations go out before it",
            held_at=event.held_at.isoformat(),
        )


def reminder_due_at(event: JobDatingEvent) -> datetime | None:
    """When the agencies are reminded: the day before, if they were invited before then."""
    due = event.held_at - REMINDER_BEFORE
    if event.invited_at is None or event.reminded_at is not None or event.invited_at >= due:
        return None
    return due


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
    return not event.waiting() or now >= event.held_at + KEPT_AFTER


# -- what agencies receive --------------------------------------------------------------


def _to_agencies(event: JobDatingEvent, key: str, kind: str, **fields: str) -> list[Notification]:
    return [
        Notification(
            key=key,
            partner_kind=PartnerKind.TEMP_AGENCY,
            partner_name=agency,
            event_kind=kind,
            event_seq=0,
            event_at=event.held_at,
            fields=dict(fields),
            details={"place": event.place, "event_id": event.event_id},
        )
        for agency in event.agencies
    ]


def invitations(event: JobDatingEvent) -> list[Notification]:
    """The invitation, to every agency: the day and the place, nobody's data."""
    return _to_agencies(event, f"{event.event_id}:invitation", INVITATION)


def reminders(event: JobDatingEvent) -> list[Notification]:
    """The reminder, the day before: the day and the place again, nobody's data."""
    return _to_agencies(event, f"{event.event_id}:reminder", REMINDER)


def presentation(
    event: JobDatingEvent,
    state: PathwayState,
    programme: ProgrammeDefinition,
    participant: Mapping[str, str],
    now: datetime,
) -> list[Notification]:
    """One candidate, to every agency, only with their valid consent for temp agencies and
    only the fields the programme lets temp agencies receive (as its routes do)."""
    kind = PartnerKind.TEMP_AGENCY
    if not state.consent_valid(kind, now):
        return []
    allowed = programme.partner_fields.get(kind, [])
    shared = {k: participant[k] for k in allowed if participant.get(k)}
    key = f"{event.event_id}:candidate:{state.pathway_id}"
    return _to_agencies(event, key, CANDIDATE, **shared)
