"""The records of a pathway, one section each, below the summary of `show` and `audit at`.

Barriers, training, missions, appointments, job datings, consents and open alerts: each
record with the id staff type in later commands, its kind, status and dates, in the
reader's words. A live `PathwayStatus` and a folded `PathwayState` carry the same lists
under the same names, so both commands print them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.table import Table

from parcours.cli.i18n import Text
from parcours.cli.labels import as_typed, decimal, word
from parcours.cli.render import console, fitted, when
from parcours.domain.closure import consent_ended_with, not_held

if TYPE_CHECKING:
    from parcours.domain.records import (
        Alert,
        Appointment,
        Barrier,
        Consent,
        JobDating,
        Mission,
        PathwayState,
        Training,
    )
    from parcours.workflows.summaries import PathwayStatus

    PathwayFacts = PathwayStatus | PathwayState

Rows = list[list[str]]


def print_sections(
    facts: PathwayFacts,
    alerts: Sequence[Alert],
    as_of: datetime,
    text: Text,
    alert_notes: Mapping[str, str] | None = None,
) -> None:
    """Every section in turn; an empty one is one line saying there is none. An alert's
    note (`alert_notes`, by its id) stands under its status."""
    for name, columns, rows in (
        ("barriers", ("id", "kind", "status", "opened", "closed", "notes"), _barriers(facts, text)),
        ("trainings", ("id", "title", "dates", "status", "notes"), _trainings(facts, text)),
        ("missions", ("id", "employer", "contract", "dates", "status"), _missions(facts, text)),
        (
            "appointments",
            ("id", "when", "kind", "place", "status"),
            _appointments(facts, as_of, text),
        ),
        ("job_datings", ("when", "outcome", "agency"), _job_datings(facts, text)),
        ("consents", ("partner", "given", "expires", "status"), _consents(facts, as_of, text)),
        ("alerts", ("alert", "due", "status"), _alerts(alerts, alert_notes or {}, text)),
    ):
        console.print()
        if not rows:
            console.print(text(f"show.sec.{name}_none"))
            continue
        headers = [text(f"show.col.{column}") for column in columns]
        _table(text(f"show.sec.{name}", count=len(rows)), headers, rows)


def _table(title: str, headers: Sequence[str], rows: Rows) -> None:
    """A section's table. Its first column holds the id staff copy into later commands (a
    long alert id included): it is kept whole on one line as long as the terminal leaves
    room for the other columns, which fold to fit. Rows of several lines are ruled apart."""
    lines = [line for cell in [headers[0], *(r[0] for r in rows)] for line in cell.splitlines()]
    grid = Table(title=title, title_justify="left", show_lines=len(lines) > len(rows) + 1)
    room = max(console.width - 24, 8)
    grid.add_column(headers[0], overflow="fold", min_width=min(max(map(len, lines)), room))
    for header in headers[1:]:
        grid.add_column(header, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    fitted(grid, headers, rows)


def _day(value: datetime | None) -> str:
    """A date without its time, for what is typed as a day (a training's or mission's)."""
    return when(value)[:10] if value is not None else when(None)


def _span(starts: datetime, ends: datetime | None) -> str:
    return f"{_day(starts)} → {_day(ends) if ends else '…'}"


def _notes(*said: str) -> str:
    return ", ".join(s for s in said if s) or "—"


def _barriers(facts: PathwayFacts, text: Text) -> Rows:
    def row(b: Barrier) -> list[str]:
        aid = text("show.aid_requested") if b.aid_requested else ""
        why = (
            text("show.because", reason=as_typed(b.waiver_reason, text)) if b.waiver_reason else ""
        )
        return [
            b.barrier_id,
            word("barrier_kind", b.kind.value, text),
            word("barrier_status", b.status.value, text),
            when(b.opened_at),
            when(b.closed_at),
            _notes(aid, why),
        ]

    return [row(item) for item in facts.barriers]


def _trainings(facts: PathwayFacts, text: Text) -> Rows:
    def row(t: Training) -> list[str]:
        if t.completed_at is not None:
            status = text("show.completed_on", when=_day(t.completed_at))
        elif t.dropped_at is not None:
            status = text("show.dropped_on", when=_day(t.dropped_at))
        else:
            status = text("show.enrolled")
        paid = text("show.paid") if t.paid else ""
        diploma = text("show.diploma_module") if t.diploma_module else ""
        return [
            t.training_id,
            f"{t.title} ({t.provider})",
            _span(t.starts_at, t.ends_at),
            status,
            _notes(paid, diploma),
        ]

    return [row(item) for item in facts.trainings]


def _missions(facts: PathwayFacts, text: Text) -> Rows:
    """Each mission or job; one not ended when the pathway exited says so, not "ongoing"."""
    exited_at = facts.outcome.exited_at if facts.outcome is not None else None

    def row(m: Mission) -> list[str]:
        through = m.agency or text("show.direct_hire")
        terms = text(
            "show.terms",
            contract=word("contract_type", m.contract_type.value, text),
            hours=decimal(m.weekly_hours, text.lang),
        )
        if m.sector_hiring:
            terms += f", {text('show.sector_hiring')}"
        if m.ended_at is not None:
            status = text("show.ended_on", when=_day(m.ended_at))
        elif exited_at is not None:  # parcours no longer hears of it after the exit
            status = text("show.ongoing_at_exit", when=_day(exited_at))
        else:
            status = text("show.ongoing")
        return [
            m.mission_id,
            f"{m.employer} ({through})",
            terms,
            _span(m.starts_at, m.ends_at),
            status,
        ]

    return [row(item) for item in facts.missions]


def _appointments(facts: PathwayFacts, as_of: datetime, text: Text) -> Rows:
    """Each appointment; one whose time has passed with no outcome says it is to record."""

    def row(a: Appointment) -> list[str]:
        place = word("appointment_place", a.place.value, text)
        if a.late_slot:
            place += f", {text('show.late_slot')}"
        status = word("appointment_status", a.status.value, text)
        if a.recorded_at is not None:
            status = text("show.status_on", status=status, when=when(a.recorded_at))
        elif not_held(a, facts.closed_at):
            status = text("show.after_closing", when=_day(facts.closed_at))
        elif a.at <= as_of and facts.closed_at is None:  # nothing is recorded once closed
            status = text("show.outcome_due", status=status)
        kind = word("appointment_kind", a.kind.value, text)
        return [a.appointment_id, when(a.at), kind, place, status]

    return [row(item) for item in facts.appointments]


def _job_datings(facts: PathwayFacts, text: Text) -> Rows:
    def row(j: JobDating) -> list[str]:
        return [when(j.held_at), word("jobdating_outcome", j.outcome.value, text), j.agency or "—"]

    return [row(item) for item in facts.job_datings]


def _consents(facts: PathwayFacts, as_of: datetime, text: Text) -> Rows:
    def row(c: Consent) -> list[str]:
        if c.withdrawn_at is not None and c.withdrawn_at <= as_of:
            status = text("show.withdrawn_on", when=when(c.withdrawn_at))
        elif consent_ended_with(c, facts.closed_at, as_of):
            status = text("show.consent_closed", when=_day(facts.closed_at))
        elif c.valid_at(as_of):
            status = text("show.valid")
        else:
            status = text("show.expired")
        expires = when(c.expires_at) if c.expires_at else text("show.no_expiry")
        kind = word("partner_kind", c.partner_kind.value, text)
        return [kind, when(c.given_at), expires, status]

    return [row(item) for item in facts.consents]


def _alerts(alerts: Sequence[Alert], notes: Mapping[str, str], text: Text) -> Rows:
    def row(a: Alert) -> list[str]:
        status = word("alert_status", a.status.value, text)
        if a.snoozed_until is not None:
            status += f" → {when(a.snoozed_until)}"
        if a.alert_id in notes:
            status += f"\n{notes[a.alert_id]}"
        return [f"{word('rule', a.rule.value, text)}\n{a.alert_id}", when(a.due_at), status]

    return [row(item) for item in alerts]
