"""What the agencies of a job-dating receive: the invitation, each candidate, the reminder.

The invitation and the reminder carry the day and the place, nobody's data. A candidate
is presented as a pathway's events reach partners (`routing`): only with their valid
consent for temp agencies, and only the fields the programme lets temp agencies receive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.events import JOBDATING_CANDIDATE, JOBDATING_INVITATION, JOBDATING_REMINDER
from parcours.domain.jobdating import JobDatingEvent, reminder_due_at
from parcours.domain.notification import Notification
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import PartnerKind

INVITATION, CANDIDATE, REMINDER = JOBDATING_INVITATION, JOBDATING_CANDIDATE, JOBDATING_REMINDER
"""The event kinds of the messages agencies receive."""


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
            details={"jobdating_place": event.place, "event_id": event.event_id},
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


@dataclass(frozen=True)
class MessageToRetry:
    """One of the event's messages to one agency, named by its outbox key: the invitation,
    the reminder, or a candidate's presentation (`pathway_id`)."""

    kind: str
    agency: str
    pathway_id: str = ""


def message_to_retry(event: JobDatingEvent, key: str) -> MessageToRetry:
    """What an outbox key names among the messages this event has sent: keys read
    `<event id>:invitation:<agency>`, `<event id>:reminder:<agency>` or `<event
    id>:candidate:<pathway id>:<agency>`. Anything else, or a message the event never
    sent (no invitation or reminder yet), is an `UnknownReference`; one of an invitation
    recorded after the day (`invited_unsent`) is refused by `check_resend_before_the_day`,
    which the `retry_message` validator asks first."""
    head, found = _read_key(key)
    sent = event.reminded_at if found.kind == REMINDER else event.invited_at
    known = head == event.event_id and found.kind and found.agency in event.agencies
    pathway_id = found.pathway_id
    if not known or sent is None or (pathway_id and event.candidate(pathway_id) is None):
        raise UnknownReference(
            f"no message {key!r} sent by this job-dating",
            code="unknown_jobdating_message",
            values={"key": key},
        )
    return found


def check_resend_before_the_day(event: JobDatingEvent, now: datetime) -> None:
    """A message of the event is sent again only before its day: after it, an invitation,
    a reminder or a candidate's presentation would reach an agency for a day gone by (and
    an invitation recorded after the day was never sent at all). Asked by the `retry_message`
    validator only, so a history that resent late replays as it ran."""
    if now >= event.held_at:
        raise MoveRefused.for_rule(
            "jobdating_resend_past",
            "the job-dating has taken place: its messages are no longer sent again",
            held_at=event.held_at.isoformat(),
        )


def _read_key(key: str) -> tuple[str, MessageToRetry]:
    """The event id a message's outbox key starts with, and what it names (an empty kind
    when it names none of the event's messages)."""
    head, _, rest = key.partition(":")
    word, _, rest = rest.partition(":")
    kinds = {"invitation": INVITATION, "reminder": REMINDER, "candidate": CANDIDATE}
    pathway_id, _, agency = rest.partition(":") if word == "candidate" else ("", "", rest)
    return head, MessageToRetry(kinds.get(word, ""), agency, pathway_id)


@dataclass(frozen=True)
class Reach:
    """How many agencies an invitation reached, and which candidates reached at least one."""

    agencies: int
    presented: list[str]


def reach(agencies: int, presented: list[str], failures: list[str]) -> Reach:
    """What `invite` delivered, its messages that failed for good (outbox keys) set apart:
    an agency is invited once its invitation went through; a candidate is presented once
    their presentation reached one agency at least."""
    not_invited, missed = unreached(agencies, failures)
    return Reach(agencies - len(not_invited), [p for p in presented if p not in missed])


def unreached(agencies: int, failures: list[str]) -> tuple[set[str], set[str]]:
    """The agencies whose invitation failed for good, and the candidates (pathway ids)
    whose presentation failed for good to every one of the event's `agencies`."""
    failed = [_read_key(key)[1] for key in failures]
    not_invited = {m.agency for m in failed if m.kind == INVITATION}
    missed: dict[str, int] = {}
    for message in failed:
        if message.kind == CANDIDATE:
            missed[message.pathway_id] = missed.get(message.pathway_id, 0) + 1
    return not_invited, {pid for pid, count in missed.items() if count >= agencies}


def retried(event: JobDatingEvent, message: MessageToRetry) -> list[Notification]:
    """The invitation or the reminder again, to the one agency (a candidate's presentation
    is made again from their pathway, under their consent now: `presentation`)."""
    made = invitations(event) if message.kind == INVITATION else reminders(event)
    return [n for n in made if n.partner_name == message.agency]


class ReminderOutlook(StrEnum):
    """Where the agencies' reminder stands, as `jobdating show` says it."""

    SENT = "sent"
    DUE = "due"
    AWAITING_INVITATION = "awaiting_invitation"
    """The event is ahead and nobody is invited yet: a reminder may still come."""
    NONE = "none"
    """None will go: invited less than a day before, or the day has passed."""


def reminder_outlook(
    event: JobDatingEvent, now: datetime
) -> tuple[ReminderOutlook, datetime | None]:
    """Where the reminder stands at `now`, with when it went or is due (`reminder_due_at`)."""
    if event.reminded_at is not None:
        return ReminderOutlook.SENT, event.reminded_at
    if event.held_at <= now:
        return ReminderOutlook.NONE, None
    if event.invited_at is None:
        return ReminderOutlook.AWAITING_INVITATION, None
    due = reminder_due_at(event)
    return (ReminderOutlook.DUE, due) if due else (ReminderOutlook.NONE, None)
