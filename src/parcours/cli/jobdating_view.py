"""What `parcours jobdating` and `parcours session` print, and how their refusals read.

An event shows its day, place and agencies, whether the agencies were invited and
reminded, and each candidate with their outcome: applied to the pathway (with the event
that records it), refused (with the rule and its sentence), or still waiting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import listed, short, word
from parcours.cli.refusals import refusal_reason
from parcours.cli.render import console, listing, pairs, when

if TYPE_CHECKING:
    from parcours.cli.i18n import Text
    from parcours.domain.errors import DomainError
    from parcours.domain.jobdating import Candidate, JobDatingEvent
    from parcours.workflows.jobdating_messages import InvitationReport, RecordAnswer


def ref(event_id: str) -> str:
    return event_id.removeprefix("jobdating-")[:8]


def print_invitation(event_id: str, report: InvitationReport, text: Text) -> None:
    """What reached the agencies; then, when a message failed for good, one sentence
    naming each (exit 5): an agency whose invitation failed is not counted as invited."""
    from parcours.domain.jobdating_notices import reach

    if not report.sent:
        console.print(text("jobdating.invited_unsent", ref=ref(event_id)))
        return
    reached = reach(report.agencies, report.presented, report.failures)
    console.print(
        text(
            "jobdating.invited",
            ref=ref(event_id),
            agencies=reached.agencies,
            presented=len(reached.presented),
            without=len(report.without_consent),
        )
    )
    check_delivered(report, text)


def check_delivered(report: InvitationReport, text: Text) -> None:
    if report.failures:
        said = text("jobdating.failures", keys=", ".join(report.failures))
        raise CliError(said, ExitCode.UNAVAILABLE)


def print_record(answer: RecordAnswer, text: Text) -> None:
    for said in answer.answers:
        if said.applied:
            console.print(text("jobdating.applied", ref=short(said.pathway_id), seq=said.seq))
            continue
        reason = refusal_reason(said.code, said.values, said.message, text)
        console.print(
            text("jobdating.refused", ref=short(said.pathway_id), rule=said.rule, message=reason)
        )


def print_event(event: JobDatingEvent, text: Text) -> None:
    """The event's facts; invitations and presentations count what reached the agencies,
    those that failed for good said beside (`domain.jobdating_notices.unreached`)."""
    from parcours.domain.jobdating_notices import unreached

    not_invited, missed = unreached(len(event.agencies), event.failures)
    invited = when(event.invited_at, text("jobdating.not_yet"))
    if event.invited_unsent:
        invited += text("jobdating.unsent_note")
    if not_invited:
        invited += text("jobdating.not_reached", agencies=listed(sorted(not_invited), text))
    pairs(
        text("jobdating.title", ref=ref(event.event_id)),
        [
            (text("jobdating.col.event"), event.event_id),
            (text("jobdating.col.programme"), event.programme),
            (text("jobdating.col.on"), when(event.held_at)),
            (text("jobdating.col.place"), event.place),
            (text("jobdating.col.agencies"), listed(event.agencies, text)),
            (text("jobdating.col.invited"), invited),
            (text("jobdating.col.reminded"), _reminded(event, text)),
            (text("jobdating.col.presented"), str(max(event.presented - len(missed), 0))),
            (text("jobdating.col.failures"), listed(event.failures, text)),
        ],
    )
    rows = [_candidate_row(c, text) for c in event.candidates]
    listing(text, "jobdating.candidates", ("ref", "outcome", "status"), rows)


def _reminded(event: JobDatingEvent, text: Text) -> str:
    """When the agencies were reminded; else when they will be, or that they will not be
    (invited less than a day before, or the day has passed: entered after the fact)."""
    from datetime import UTC, datetime

    from parcours.domain.jobdating_notices import ReminderOutlook, reminder_outlook

    outlook, at = reminder_outlook(event, datetime.now(UTC))
    if outlook is ReminderOutlook.SENT:
        return when(at)
    if outlook is ReminderOutlook.DUE:
        return text("jobdating.reminder_due", at=when(at))
    waiting = outlook is ReminderOutlook.AWAITING_INVITATION
    return text("jobdating.not_yet" if waiting else "jobdating.no_reminder")


def _candidate_row(candidate: Candidate, text: Text) -> list[str]:
    outcome = word("jobdating_outcome", candidate.outcome.value, text) if candidate.outcome else ""
    if candidate.outcome and candidate.agency:
        outcome = f"{outcome} ({candidate.agency})"
    if candidate.applied:
        status = text("jobdating.status.applied", seq=candidate.seq)
    elif candidate.refused_rule:
        reason = refusal_reason(
            candidate.refused_code, candidate.refused_values, candidate.refused_message, text
        )
        status = text("jobdating.status.refused", rule=candidate.refused_rule, message=reason)
    else:
        status = text("jobdating.status.waiting")
    return [short(candidate.pathway_id), outcome or "—", status]


def print_events(events: list[JobDatingEvent], text: Text, programme: str | None = None) -> None:
    columns = ("ref", "programme", "on", "place", "agencies", "candidates", "waiting", "invited")
    rows = [
        [
            ref(e.event_id),
            e.programme,
            when(e.held_at),
            e.place,
            str(len(e.agencies)),
            str(len(e.candidates)),
            str(len(e.waiting())),
            when(e.invited_at, text("jobdating.not_yet"))
            + (text("jobdating.unsent_note") if e.invited_unsent else ""),
        ]
        for e in events
    ]
    nothing = text("jobdating.events.nothing_in", programme=programme) if programme else ""
    listing(text, "jobdating.events", columns, rows, nothing or text("jobdating.events.nothing"))


# -- refusals -----------------------------------------------------------------------------


def refused(err: DomainError, text: Text) -> CliError:
    """A rule of sessions or job-datings said no: one sentence naming it; a record named
    that does not exist is not found (exit 4)."""
    from parcours.domain.errors import UnknownReference

    reason = refusal_reason(err.code, err.values, err.message, text)
    if isinstance(err, UnknownReference):
        return CliError(text("session.not_found", message=reason), ExitCode.NOT_FOUND)
    return CliError(text("session.refused", rule=err.rule, message=reason), ExitCode.REFUSED)


def failure(err: BaseException, text: Text) -> CliError | None:
    """What a job-dating command's failure says, or None for what `guarded` says anyway."""
    from parcours.app.errors import RequestRefused
    from parcours.app.jobdating import BadEventReference, JobDatingFinished, JobDatingNotFound
    from parcours.domain.errors import DomainError
    from parcours.domain.jobdating import JobDatingRejected

    if isinstance(err, JobDatingNotFound):
        return CliError(text("jobdating.not_found", ref=err.args[0]), ExitCode.NOT_FOUND)
    if isinstance(err, JobDatingFinished):
        return CliError(text("jobdating.finished", ref=err.args[0]), ExitCode.REFUSED)
    if isinstance(err, BadEventReference):
        return CliError(text(f"jobdating.ref_{err.why}", ref=err.reference), ExitCode.USAGE)
    if isinstance(err, JobDatingRejected):
        said = text(f"jobdating.rejected.{err.field}_{err.fault}", found=err.found)
        return CliError(said, ExitCode.USAGE)
    if isinstance(err, DomainError):
        return refused(err, text)
    if isinstance(err, RequestRefused) and err.rule != "request_id_reused":
        reason = refusal_reason(err.code, err.values, err.message, text)
        if err.rule == "unknown_reference":
            return CliError(text("session.not_found", message=reason), ExitCode.NOT_FOUND)
        return CliError(text("session.refused", rule=err.rule, message=reason), ExitCode.REFUSED)
    return None
