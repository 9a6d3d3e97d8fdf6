"""`parcours import PROGRAMME FILE`: bring an existing caseload in; `--template` writes the file
to fill. Coordinators only.

Every row is checked first through the pure domain (`domain.importing`), with no server:
`--dry-run` stops there. Nothing is sent unless the whole file passes, or `--partial`
asks for the rows that pass. Then each person is referred and their events sent as the
CLI's own updates, with request ids derived from the row's key: run it again after an
interruption, and only what is missing is sent.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parcours.cli import import_report as report
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.options import JsonFlag, ProgrammeArg, flag
from parcours.cli.oversight import overseer_session
from parcours.cli.render import console, err_console, local_zone, print_json
from parcours.cli.runtime import Session, guarded, with_pathways

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.importing import RowOutcome
    from parcours.cli.i18n import Text
    from parcours.domain.importing.cells import Fault
    from parcours.domain.importing.plan import PersonPlan, Row
    from parcours.domain.programme import ProgrammeDefinition
    from parcours.domain.records import Actor
    from parcours.domain.sessions import Session as DomainSession

commands = typer.Typer()

FileArg = Annotated[Path | None, typer.Argument(help="help.arg.import_file", metavar="FILE")]
EventsOpt = Annotated[Path | None, typer.Option("--events", help="help.opt.events_file")]
JobsOpt = Annotated[
    int | None, typer.Option("--jobs", help="help.opt.import_jobs", metavar="N", show_default=False)
]


@commands.command("import", help="help.import")
@guarded
def import_caseload(
    programme: ProgrammeArg,
    file: FileArg = None,
    events: EventsOpt = None,
    dry_run: Annotated[bool, flag("--dry-run")] = False,
    partial: Annotated[bool, flag("--partial")] = False,
    template: Annotated[bool, flag("--template")] = False,
    jobs: JobsOpt = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.programmes import get_programme

    session = overseer_session("import.coordinators_only")
    people_at_once = _jobs(session, jobs)
    definition = get_programme(programme)
    if template:
        _write_template(session, definition, file, as_json)
        return
    if file is None:
        raise CliError(session.text("import.file_needed"), ExitCode.USAGE)
    people, event_rows = _read(session, file, events)
    actor = _actor(session)
    passing, faults = _checked(definition, people, event_rows, actor, dry_run=dry_run)
    if dry_run or (faults and not partial):
        _say_checked(session, len(people), len(passing), faults, dry_run=dry_run, as_json=as_json)
        raise typer.Exit(ExitCode.REFUSED if faults else ExitCode.OK)
    outcomes = _send(session, definition, passing, actor, (file.name, people_at_once))
    _say_done(session, len(people), faults, outcomes, as_json)
    refused = faults or any(o.status.value in ("refused", "already_in_programme") for o in outcomes)
    raise typer.Exit(ExitCode.REFUSED if refused else ExitCode.OK)


def _jobs(session: Session, jobs: int | None) -> int:
    """How many people are sent at once: `--jobs`, else the default; 1 or more."""
    from parcours.app.importing import CONCURRENT_ROWS

    if jobs is None:
        return CONCURRENT_ROWS
    if jobs < 1:
        said = session.text("import.jobs", given=jobs, default=CONCURRENT_ROWS)
        raise CliError(said, ExitCode.USAGE)
    return jobs


def _actor(session: Session) -> Actor:
    from parcours.domain.records import Actor
    from parcours.domain.vocabulary import Role

    return Actor(session.require_actor(), Role(session.role))


def _read(session: Session, file: Path, events: Path | None) -> tuple[list[Row], list[Row]]:
    """The file's rows; one that cannot be read is one line naming where (exit 6)."""
    from parcours.adapters.spreadsheets import UnreadableFile, read_caseload

    try:
        return read_caseload(file, events)
    except UnreadableFile as err:
        column = report.column_label(err.column, session.text)
        said = session.text(
            f"import.unreadable.{err.reason}", file=err.path, row=err.line, column=column
        )
        raise CliError(said, ExitCode.INVALID_FILE) from None


def _checked(
    definition: ProgrammeDefinition,
    people: list[Row],
    event_rows: list[Row],
    actor: Actor,
    *,
    dry_run: bool,
) -> tuple[list[PersonPlan], list[Fault]]:
    """Every row through the pure domain: the plans that pass, and each refusal."""
    from parcours.app.importing import log_fault
    from parcours.domain.importing.check import check_all
    from parcours.domain.importing.plan import plan_file
    from parcours.locale.words import value_named

    _log_to_file()
    people, event_rows = (
        _criteria_keyed(definition, people),
        _criteria_keyed(definition, event_rows),
    )
    plans, faults = plan_file(people, event_rows, local_zone(), actor.actor_id, value_named)
    sessions = _sessions(definition.name) if any(p.referral.session for p in plans) else {}
    passing, refused = check_all(definition, plans, actor, datetime.now(UTC), sessions)
    faults = sorted([*faults, *refused], key=lambda f: (f.file, f.line))
    for fault in faults:
        log_fault(fault, dry_run=dry_run)
    return passing, faults


def _criteria_keyed(definition: ProgrammeDefinition, rows: list[Row]) -> list[Row]:
    """The rows with each criterion of their `criteria` cell as its key, where it was typed
    by its label in either language (`cli.criteria.criterion_key`)."""
    from parcours.cli.criteria import criterion_key
    from parcours.domain.importing.cells import LIST_SEPARATOR, items

    def keyed(row: Row) -> Row:
        typed = items(row.cells.get("criteria"))
        if not typed:
            return row
        keys = LIST_SEPARATOR.join(criterion_key(definition, item) for item in typed)
        return dataclasses.replace(row, cells={**row.cells, "criteria": keys})

    return [keyed(row) for row in rows]


def _sessions(programme: str) -> dict[str, DomainSession]:
    """The programme's sessions by name, from the read model, for the rows that name one."""
    from parcours.cli.runtime import open_readmodel

    return {found.name: found for found in open_readmodel().list_sessions(programme)}


def _log_to_file() -> None:
    from parcours.adapters.logs import configure_file_logging
    from parcours.cli.runtime import current_session

    data_dir = current_session().settings.data_dir
    configure_file_logging(data_dir / "logs" / "parcours-import.log")


class _Bar:
    """The file's bar: rows done, refused and left (on stderr, so `--json` stays alone)."""

    def __init__(self, text: Text, name: str, rows: int) -> None:
        from rich.progress import BarColumn, Progress, TextColumn

        fields = {key: f"{{task.fields[{key}]}}" for key in ("done", "refused", "left")}
        columns = (TextColumn("{task.description}"), BarColumn())
        counts = TextColumn(text("import.progress_fields", **fields))
        self.progress = Progress(*columns, counts, console=err_console)
        self.rows, self.done, self.refused = rows, 0, 0
        self.task = self.progress.add_task(
            text("import.progress", file=name), total=rows, done=0, refused=0, left=rows
        )

    @property
    def finished(self) -> int:
        return self.done + self.refused

    def row(self, outcome: RowOutcome) -> None:
        if outcome.status.value in ("refused", "already_in_programme"):
            self.refused += 1
        else:
            self.done += 1
        left = self.rows - self.finished
        self.progress.update(
            self.task, completed=self.finished, done=self.done, refused=self.refused, left=left
        )


def _send(
    session: Session,
    definition: ProgrammeDefinition,
    plans: list[PersonPlan],
    actor: Actor,
    file_and_jobs: tuple[str, int],
) -> list[RowOutcome]:
    """Import the plans, `jobs` people at a time, with a bar of the rows done, refused and
    left; Ctrl-C stops cleanly and says how to resume."""
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.importing import Importer

    name, jobs = file_and_jobs
    keyring, bar = load_keyring(session.settings), _Bar(session.text, name, len(plans))

    async def work(pathways: PathwayClient) -> list[RowOutcome]:
        with bar.progress:
            importer = Importer(pathways, definition, actor, keyring)
            return await importer.run(plans, bar.row, jobs)

    try:
        return with_pathways(session, work, whole_timeout=False)
    except KeyboardInterrupt:
        said = session.text("import.interrupted", done=bar.finished, rows=len(plans))
        err_console.print(said)
        raise typer.Exit(ExitCode.INTERRUPTED) from None


def _say_checked(
    session: Session, rows: int, passing: int, faults: list[Fault], *, dry_run: bool, as_json: bool
) -> None:
    text = session.text
    if as_json:
        listed = [report.fault_json(fault, text) for fault in faults]
        print_json(
            {"dry_run": dry_run, "rows": rows, "passing": passing, "sent": False, "refused": listed}
        )
        return
    for fault in faults:
        err_console.print(report.fault_line(fault, text))
    if dry_run:
        console.print(text("import.checked", rows=rows, passing=passing, refused=len(faults)))
    else:
        said = text("import.nothing_sent", rows=rows, passing=passing, refused=len(faults))
        console.print(said)


def _say_done(
    session: Session, rows: int, faults: list[Fault], outcomes: list[RowOutcome], as_json: bool
) -> None:
    text, counted = session.text, report.counts(outcomes)
    if as_json:
        found: dict[str, Any] = {"dry_run": False, "rows": rows, "sent": True}
        found["refused"] = [report.fault_json(fault, text) for fault in faults]
        found["outcomes"] = [report.outcome_json(outcome, text) for outcome in outcomes]
        found["counts"] = dict(counted)
        print_json(found)
        return
    for fault in faults:
        err_console.print(report.fault_line(fault, text))
    for outcome in outcomes:
        line = report.outcome_line(outcome, text)
        if line is not None:
            err_console.print(line)
    console.print(
        text(
            "import.summary",
            rows=rows,
            imported=counted["imported"],
            resumed=counted["resumed"],
            unchanged=counted["unchanged"],
            already=counted["already_in_programme"],
            refused=counted["refused"] + len(faults),
        )
    )


def _write_template(
    session: Session, definition: ProgrammeDefinition, file: Path | None, as_json: bool
) -> None:
    from parcours.adapters.spreadsheets import write_template
    from parcours.domain.importing.template import SHEETS, template

    lang = session.lang
    target = file or Path(f"import-{definition.name}-{lang}.xlsx")
    people, events = template(definition, lang)
    written = write_template(target, people, events, SHEETS[lang])
    if as_json:
        print_json({"programme": definition.name, "lang": lang, "files": [str(p) for p in written]})
        return
    console.print(
        session.text(
            "import.template_written", files=", ".join(map(str, written)), programme=definition.name
        )
    )
