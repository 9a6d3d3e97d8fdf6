"""One way to print where a pathway stands, for `show` (live) and `audit at` (from history).

Both read the same facts (a live `PathwayStatus` or a folded `PathwayState`), so both
show them the same way: stages, kinds, statuses and reasons in the reader's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from parcours.cli.event_details import what_happened
from parcours.cli.i18n import Text
from parcours.cli.labels import (
    action_labels,
    as_typed,
    closure_note,
    role_label,
    semicolons,
    short,
    stage_label,
    word,
)
from parcours.cli.render import console, pairs, when
from parcours.cli.sections import print_sections

if TYPE_CHECKING:
    from parcours.audit.fold import Snapshot
    from parcours.domain.entries import Entries
    from parcours.domain.programme import ProgrammeDefinition
    from parcours.domain.records import ExitOutcome, PathwayState
    from parcours.workflows.messages import Participant
    from parcours.workflows.summaries import PathwayStatus

    PathwayFacts = PathwayStatus | PathwayState
    """What a live status and a folded state both say about a pathway."""

Row = tuple[str, str]


def print_status(
    status: PathwayStatus, person: Participant | None, allowed: Sequence[str], text: Text
) -> None:
    """`parcours show`: the pathway now, with the person for a role that may see them."""
    rows = _pathway_rows(status, text)
    if person is not None:
        rows.append((text("show.person"), person_name(person, text)))
    rows += [
        _programme_row(status, text),
        *_stage_rows(status, status.accompaniment_ends_at, text),
        *_progress_rows(status, text),
        (text("show.next_alert"), _next_alert(status, text)),
        (text("show.allowed"), action_labels(allowed, text)),
        *_outcome_rows(status, text),
        *_retention_rows(status, text),
    ]
    pairs(text("show.title"), rows)
    print_sections(status, status.open_alerts, status.as_of or datetime.now(UTC), text)


def _next_alert(status: PathwayStatus, text: Text) -> str:
    """When the next alert falls due, and which (a consent's notice, a reminder…)."""
    rule = status.next_alert_rule
    said = when(status.next_alert_at)
    return f"{said} ({word('rule', rule.value, text)})" if rule and status.next_alert_at else said


def person_name(person: Participant, text: Text) -> str:
    """The person's name; once erased, the one word that says so, not it twice."""
    last = as_typed(person.last_name, text)
    return last if last != person.last_name else f"{person.first_name} {person.last_name}"


def _retention_rows(status: PathwayStatus, text: Text) -> list[Row]:
    """When the pathway closed for good; else, by the retention by the last contact, when
    its person is to be anonymised, whatever the stage; else, once exited under the earlier
    rule, when it closes for good (end of its retention after exit)."""
    if status.closed_at is not None:
        return [(text("show.closed"), when(status.closed_at) + closure_note(status.closure, text))]
    if status.retention_due_at is not None:
        return [(text("show.anonymised_on"), when(status.retention_due_at))]
    if status.closes_at is not None:
        return [(text("show.closes"), when(status.closes_at))]
    return []


def print_snapshot(found: Snapshot, text: Text, *, as_recorded: bool = False) -> None:
    """`parcours audit at`: the pathway as its history says it stood at an instant, as it
    happened or `as_recorded`, which the title says (a trial's pasted answers could not
    tell the two apart)."""
    state = found.state
    rows = [
        *_pathway_rows(state, text),
        _programme_row(state, text),
        (text("audit.at.as_of"), when(found.when)),
        *_stage_rows(state, found.accompaniment_ends_at, text),
        *_progress_rows(state, text),
        *_outcome_rows(state, text),
        *_last_event_rows(found, text),
    ]
    pairs(_snapshot_title(found, text, as_recorded), rows)
    notes = _alert_notes(found, text)
    print_sections(state, found.open_alerts, found.when, text, notes)
    if any(mark.after_the_fact for mark in found.alerts_on_record.values()):
        console.print(text("audit.at.alerts_legend"))


def _snapshot_title(found: Snapshot, text: Text, as_recorded: bool) -> str:
    """As it stood (as it happened, or as recorded); past the end of its history, as its
    timers project it."""
    ref, at = short(found.state.pathway_id), when(found.when)
    if found.projected and found.when > found.recorded_until:
        until = when(found.recorded_until)
        return text("audit.at.title_projected", ref=ref, when=at, until=until)
    return text("audit.at.title_recorded" if as_recorded else "audit.at.title", ref=ref, when=at)


def _alert_notes(found: Snapshot, text: Text) -> dict[str, str]:
    """Under an open alert that parcours did not raise by then: that it raised it only
    later, not by the history's end, never, or that the timers were to raise it after."""
    return {
        alert_id: text(
            f"audit.at.alert_{mark.origin}",
            at=when(mark.raised_at),
            until=when(found.recorded_until),
        )
        for alert_id, mark in found.alerts_on_record.items()
        if not mark.raised_by_then
    }


def _pathway_rows(facts: PathwayFacts, text: Text) -> list[Row]:
    """The pathway, and the same person's earlier pathway it follows, if any."""
    rows = [(text("show.pathway"), _named(facts.pathway_id))]
    if facts.earlier_pathway_id:
        rows.append((text("show.earlier_pathway"), _named(facts.earlier_pathway_id)))
    return rows


def _named(pathway_id: str) -> str:
    return f"{pathway_id} ({short(pathway_id)})"


def _programme_row(facts: PathwayFacts, text: Text) -> Row:
    return text("show.programme"), f"{facts.programme} v{facts.programme_version}"


def _stage_rows(facts: PathwayFacts, deadline: datetime | None, text: Text) -> list[Row]:
    stage = f"{stage_label(facts.stage.value, text)} ({when(facts.stage_since)})"
    resumes = facts.suspended_from
    return [
        (text("show.stage"), stage),
        *([(text("show.resumes_to"), stage_label(resumes.value, text))] if resumes else []),
        (text("show.referent"), facts.referent),
        (text("show.session"), facts.session),
        *_entry_rows(facts, text),
        *_contract_rows(facts, text),
        (text("show.deadline"), when(deadline)),
    ]


def _entry_rows(facts: PathwayFacts, text: Text) -> list[Row]:
    """When the person was referred, and re-entered after a drop-out if they did (the
    re-entry's date is then the one the bounds of later entries read)."""
    from parcours.domain.entries import Entries, entries_of
    from parcours.domain.records import PathwayState

    entries = facts.entries if not isinstance(facts, PathwayState) else entries_of(facts)
    entries = entries or Entries(facts.referred_at)
    rows = [(text("show.referred"), when(entries.referred_at))]
    if entries.reentered_at is not None:
        rows.append((text("show.reentered"), _reentered(entries, facts.session, text)))
    return rows


def _reentered(entries: Entries, now_in: str, text: Text) -> str:
    """When, and from which sessions; "into the same session" when the one session the
    person left is the one they came back to (S1, S2, then S1 again lists both)."""
    at, earlier = when(entries.reentered_at), list(entries.earlier_sessions)
    if earlier == [now_in]:
        return text("show.reentered_same", at=at)
    return text("show.reentered_from", at=at, sessions=", ".join(earlier))


def _contract_rows(facts: PathwayFacts, text: Text) -> list[Row]:
    """When the engagement contract was signed, for a programme that has one (Nouveau
    départ has none: a dash there read as a contract still to sign)."""
    programme = _programme_of(facts)
    if programme is not None and not programme.has_contract and not facts.contract_signed_at:
        return []
    return [(text("show.contract"), when(facts.contract_signed_at))]


def _progress_rows(facts: PathwayFacts, text: Text) -> list[Row]:
    """Intake (with the criteria met), French and the last contact."""
    intake = when(facts.intake_completed_at)
    if facts.eligibility_criteria_met:
        met = _criteria_met(facts, text.lang)
        earlier = facts.intake_completed_at is None  # a re-entry awaits its own intake
        intake += f" ({text('show.criteria_earlier', criteria=met) if earlier else met})"
    french = facts.french_level
    return [
        (text("show.intake"), intake),
        (
            text("show.french"),
            word("french_level", french.value, text) if french else text("show.not_assessed"),
        ),
        (text("show.last_contact"), when(facts.last_contact_at)),
    ]


def _outcome_rows(facts: PathwayFacts, text: Text) -> list[Row]:
    outcome = facts.outcome
    if outcome is None:
        return []
    verdict = text("show.positive") if outcome.positive else text("show.not_positive")
    held = _criterion_held(facts, outcome, text.lang)
    if held:
        verdict = text("show.positive_by", verdict=verdict, criterion=held)
    reason = word("exit_reason", outcome.reason.value, text)
    again = facts.referred_again_at
    return [
        (text("show.outcome"), f"{reason} ({verdict})"),
        *([] if outcome.positive else _positive_if_rows(facts, text)),
        *([(text("show.referred_again"), when(again))] if again else []),
    ]


def _criterion_held(facts: PathwayFacts, outcome: ExitOutcome, lang: str) -> str:
    """Which way of exiting positively held, in the reader's language, from the programme
    version the pathway ran under (exits recorded before the criterion was kept say none)."""
    programme = _programme_of(facts)
    if outcome.criterion is None or programme is None:
        return ""
    from parcours.domain.outcome import criterion_label

    return criterion_label(programme, outcome.criterion, lang)


def _criteria_met(facts: PathwayFacts, lang: str) -> str:
    """The eligibility criteria met, as the programme words them in `lang` (a key the
    programme version does not list is shown as recorded)."""
    programme = _programme_of(facts)
    labels = {c.key: c.label for c in programme.eligibility} if programme else {}

    def worded(key: str) -> str:
        label = labels.get(key)
        return key if label is None else label.said(lang)

    return semicolons((worded(key) for key in facts.eligibility_criteria_met), lang)


def _positive_if_rows(facts: PathwayFacts, text: Text) -> list[Row]:
    """Under an exit that is not positive: what the programme counts as one, from the
    missions recorded, so that staff see what the record lacks (a job not yet entered)."""
    from parcours.domain.outcome import criteria_labels

    programme = _programme_of(facts)
    labels = criteria_labels(programme, text.lang) if programme else []
    if not labels:
        return []
    return [(text("show.positive_if"), text("show.one_of", items=" | ".join(labels)))]


def _programme_of(facts: PathwayFacts) -> ProgrammeDefinition | None:
    """The programme version the pathway runs under; None when this build does not ship
    it (an audit of a history from another deployment): its words are then left out."""
    from parcours.programmes import UnknownProgramme, get_programme

    try:
        return get_programme(facts.programme, facts.programme_version)
    except UnknownProgramme:
        return None


def _last_event_rows(found: Snapshot, text: Text) -> list[Row]:
    last = found.last_event
    if last is None:
        return []
    why = text("audit.at.why", reason=as_typed(last.reason, text)) if last.reason else ""
    said = text(
        "audit.at.last_projected" if found.last_event_projected else "audit.at.last_value",
        seq=last.seq or "—",
        event=what_happened(last.kind, text, last.details),
        at=when(last.at),
        actor=last.actor_id,
        role=role_label(last.role.value, text),
    )
    if not last.seq and not found.last_event_projected:  # the story's, not the record's
        said = text("audit.at.last_reconstructed", said=said)
    return [(text("audit.at.last"), said + why)]
