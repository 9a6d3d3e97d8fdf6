"""The evaluator's extract: one row per pathway, pseudonymised (`parcours extract`).

A row says what an evaluator measures and nothing that identifies the person: an age band
instead of the birth date, months instead of dates, kinds and statuses instead of what
staff typed. No name, contact, employer, training title or free-text reason is read
here, so none can reach the extract. The pseudonym is made outside the domain (a keyed
hash) and handed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from parcours.domain.closure import closure
from parcours.domain.commands.corrections import as_it_stands
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.records import Mission, PathwayState, Training
from parcours.domain.report import first_intake_in, first_referral, month_of

AGE_BANDS = ((26, "under_26"), (35, "26_34"), (45, "35_44"), (55, "45_54"))
"""Upper bounds (excluded) of the age bands at referral; from 55 on: `55_and_over`."""

ITEMS, PARTS = "|", ":"
"""How several records share one cell: items apart by `|`, their parts by `:`."""

Value = str | int | bool | None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    """`string`, `integer` or `boolean`: the Parquet type, and what the dictionary says."""


COLUMNS = (
    Column("pseudonym", "string"),
    Column("programme", "string"),
    Column("programme_version", "integer"),
    Column("session", "string"),
    Column("referrer", "string"),
    Column("age_band", "string"),
    Column("referred_month", "string"),
    Column("intake_month", "string"),
    Column("contract_month", "string"),
    Column("stage", "string"),
    Column("barriers", "string"),
    Column("barrier_count", "integer"),
    Column("jobdating_outcomes", "string"),
    Column("trainings", "string"),
    Column("training_count", "integer"),
    Column("missions", "string"),
    Column("mission_count", "integer"),
    Column("dropped_out", "boolean"),
    Column("exit_month", "string"),
    Column("exit_reason", "string"),
    Column("exit_positive", "boolean"),
    Column("exit_rule", "string"),
    Column("closed", "string"),
)


def age_band(birth: date | None, at: datetime, zone: tzinfo = UTC) -> str:
    """The person's age band on the day `at` (on the calendar of `zone`); `unknown` without
    a birth date."""
    if birth is None:
        return "unknown"
    day = at.astimezone(zone).date()
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return next((band for bound, band in AGE_BANDS if age < bound), "55_and_over")


def _month(instant: datetime | None, zone: tzinfo) -> str:
    return month_of(instant, zone) if instant is not None else ""


def _days(start: datetime, end: datetime | None) -> str:
    return "" if end is None else str((end - start).days)


def training_cell(training: Training) -> str:
    """`days planned:paid|unpaid:module|course:completed|dropped|under_way`."""
    ended = "completed" if training.completed_at else "dropped" if training.dropped_at else ""
    return PARTS.join(
        (
            _days(training.starts_at, training.ends_at),
            "paid" if training.paid else "unpaid",
            "diploma_module" if training.diploma_module else "course",
            ended or "under_way",
        )
    )


def mission_cell(mission: Mission) -> str:
    """`contract type:weekly hours:days held (empty while under way):agency or direct`."""
    return PARTS.join(
        (
            mission.contract_type.value,
            f"{mission.weekly_hours:g}",
            _days(mission.starts_at, mission.ended_at),
            mission.agency or "direct",
        )
    )


def extract_row(
    state: PathwayState, birth: date | None, pseudonym: str, zone: tzinfo = UTC
) -> dict[str, Value]:
    """The pathway's row, with `pseudonym` in place of its id, its months and age on the
    calendar of `zone` (staff's, as the session a referral defaults to)."""
    outcome, events = state.outcome, as_it_stands(state.timeline)
    dropped = any(e.kind == LifecycleTrigger.DROP_OUT.event for e in events)
    referred = first_referral(state)  # the report's months: a re-entry moves neither
    intake = first_intake_in(events)
    return {
        "pseudonym": pseudonym,
        "programme": state.programme,
        "programme_version": state.programme_version,
        "session": state.session,
        "referrer": state.referrer,
        "age_band": age_band(birth, referred, zone),
        "referred_month": _month(referred, zone),
        "intake_month": _month(intake, zone),
        "contract_month": _month(state.contract_signed_at, zone),
        "stage": state.stage.value,
        "barriers": ITEMS.join(f"{b.kind.value}{PARTS}{b.status.value}" for b in state.barriers),
        "barrier_count": len(state.barriers),
        "jobdating_outcomes": ITEMS.join(j.outcome.value for j in state.job_datings),
        "trainings": ITEMS.join(training_cell(t) for t in state.trainings),
        "training_count": len(state.trainings),
        "missions": ITEMS.join(mission_cell(m) for m in state.missions),
        "mission_count": len(state.missions),
        "dropped_out": dropped,
        "exit_month": _month(outcome.exited_at, zone) if outcome else "",
        "exit_reason": outcome.reason.value if outcome else "",
        "exit_positive": outcome.positive if outcome else None,
        "exit_rule": outcome.rule_label if outcome else "",
        "closed": closed.value if (closed := closure(state)) else "",
    }
