"""`parcours audit trail|at` on a job-dating's history (a `JobDating` workflow's).

`trail` lists what the event was asked and did (`audit.jobdating_trail`); `at` refuses in
one sentence, saying what to use instead: a job-dating has no pathway state to rebuild.
The trail shows the reasons staff gave about the candidates: it is logged as a read of
their pathways, as a pathway's trail is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.commands.audit_files import file_guard, keyring
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import actor_label, short, word
from parcours.cli.render import print_json, table, when

if TYPE_CHECKING:
    from parcours.audit.history import PathwayHistory
    from parcours.audit.jobdating_trail import EventEntry
    from parcours.cli.i18n import Text
    from parcours.cli.runtime import Session


def refuse_at(session: Session, history: PathwayHistory) -> CliError:
    from parcours.audit.checks import source_of

    said = session.text("audit.at.jobdating", source=source_of(history))
    return CliError(said, ExitCode.USAGE)


def print_trail(session: Session, history: PathwayHistory, *, as_json: bool) -> None:
    import asyncio

    from parcours.adapters.temporal.converter import data_converter
    from parcours.audit.jobdating_trail import jobdating_trail, trail_document
    from parcours.cli.reads import ReadCommand, logged

    converter = data_converter(keyring(session))
    trail = file_guard(session, lambda: asyncio.run(jobdating_trail(history, converter)))
    logged(session, ReadCommand.AUDIT_TRAIL, trail.candidates, trail.programme)
    if as_json:
        print_json(trail_document(trail))
        return
    text = session.text
    runs = {run_id: index for index, run_id in enumerate(history.run_ids, start=1)}
    columns = ("at", "on", "what", "by", "why", "source")
    table(
        text("audit.jobdating.title", event=trail.event_id, programme=trail.programme),
        [text(f"audit.jobdating.col.{c}") for c in columns],
        [_row(session, e, runs) for e in trail.entries],
    )


def _row(session: Session, e: EventEntry, runs: dict[str, int]) -> list[str]:
    text = session.text
    details = "; ".join(_detail(k, v, text) for k, v in e.details.items())
    what = text(f"audit.jobdating.what.{e.what}")
    return [
        when(e.recorded_at),
        when(e.effective_at) if e.effective_at else "—",
        f"{what} ({details})" if details else what,
        actor_label(e.actor_id, e.role, text),
        e.reason,
        text("audit.trail.source", run=runs.get(e.run_id, "?"), event=e.history_event_id),
    ]


DETAILS = ("held_at", "place", "agencies", "candidates", "outcomes", "notification")
"""What a job-dating's trail names beside an entry, in the reader's words
(`audit.jobdating.detail.KEY`); `--json` keeps the keys and values as recorded."""


def _detail(key: str, value: str, text: Text) -> str:
    """One detail in the reader's words: the day in local time, outcomes by their names."""
    from datetime import datetime

    name = text(f"audit.jobdating.detail.{key}") if key in DETAILS else key
    if key == "held_at":
        value = when(datetime.fromisoformat(value))
    elif key == "outcomes":
        value = ", ".join(_outcome(pair, text) for pair in value.split(", "))
    return text("audit.jobdating.detail", name=name, value=_shorter(value))


def _outcome(pair: str, text: Text) -> str:
    """`pathway-…=hired` as "20ac31c3 = embauche"."""
    pathway, _, outcome = pair.partition("=")
    return f"{pathway} = {word('jobdating_outcome', outcome, text)}"


def _shorter(value: str) -> str:
    """Pathway ids by their short reference, as the other listings show them."""
    import re

    return re.sub(r"pathway-[0-9a-f]+", lambda found: short(found.group()), value)
