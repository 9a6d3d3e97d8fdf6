"""`parcours report` (a programme's figures against its targets) and `parcours extract`
(the evaluator's pseudonymised extract)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.dates import FIRST_YEAR, LAST_YEAR, date_fault, year_first
from parcours.cli.errors import CliError, write_file
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import role_label
from parcours.cli.options import JsonFlag, ProgrammeArg, flag
from parcours.cli.render import console, local_zone, print_json
from parcours.cli.runtime import guarded, open_readmodel, reader_session

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.cli.runtime import Session
    from parcours.domain.records import Actor
    from parcours.domain.report import Selection

commands = typer.Typer()

SessionOpt = Annotated[
    str | None, typer.Option("--session", help="help.opt.report_session", metavar="SESSION")
]
FromOpt = Annotated[str | None, typer.Option("--from", help="help.opt.report_from", metavar="DATE")]
ToOpt = Annotated[str | None, typer.Option("--to", help="help.opt.report_to", metavar="DATE")]
CsvFlag = Annotated[bool, flag("--csv")]
HtmlOpt = Annotated[Path | None, typer.Option("--html", help="help.opt.html", metavar="FILE")]
UnmaskedFlag = Annotated[bool, flag("--unmasked")]


def _day(value: str | None, option: str, session: Session) -> date | None:
    if value is None:
        return None
    written = year_first(value)
    try:
        day = date.fromisoformat(written)
    except ValueError:
        day = None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        fault = (day is None and date_fault(written, hour=False)) or "error.report_date"
        raise CliError(session.text(fault, value=value, option=option), ExitCode.USAGE)
    return day


def _selection(
    session: Session, programme: str, chosen: str | None, since: str | None, until: str | None
) -> Selection:
    from parcours.domain.report import Selection
    from parcours.programmes import get_programme

    get_programme(programme)  # an unknown programme is refused (exit 4) before anything
    first, last = _day(since, "--from", session), _day(until, "--to", session)
    if first is not None and last is not None and first > last:
        raise CliError(session.text("error.report_period", since=first, until=last), ExitCode.USAGE)
    today = datetime.now(local_zone()).date()
    if first is not None and first > today:  # no referral yet: zeros would read as a fact
        raise CliError(session.text("error.report_future", since=first), ExitCode.USAGE)
    return Selection(programme, chosen, first, last, zone=local_zone())


def _output(as_json: bool, as_csv: bool, html: Path | None, session: Session) -> str:
    chosen = [name for name, on in (("json", as_json), ("csv", as_csv), ("html", html)) if on]
    if len(chosen) > 1:
        raise CliError(session.text("error.report_outputs"), ExitCode.USAGE)
    return chosen[0] if chosen else "terminal"


def _unmasked_reader(session: Session) -> Actor:
    """The coordinator asking for the counts unmasked; anyone else is refused."""
    from parcours.domain.permissions import may_oversee
    from parcours.domain.records import Actor
    from parcours.domain.vocabulary import Role

    role = Role(session.role)
    if not may_oversee(role):
        said = session.text("error.report_unmasked", role=role_label(role.value, session.text))
        raise CliError(said, ExitCode.REFUSED)
    return Actor(session.require_actor(), role)


def _log_unmasked(session: Session, store: Store, reader: Actor, selection: Selection) -> None:
    """Log the unmasked read in the read log before showing it, once the reader has proven
    who they read as (`cli.reads.proven`); nothing is shown if not."""
    from sqlalchemy.exc import SQLAlchemyError

    from parcours.app.report import log_unmasked_read
    from parcours.cli.reads import proven, refused

    try:
        log_unmasked_read(store, reader, selection, proven(session, store, reader))
    except SQLAlchemyError as err:
        raise refused(session, err) from None


@commands.command("report", help="help.report")
@guarded
def report(
    programme: ProgrammeArg,
    chosen: SessionOpt = None,
    since: FromOpt = None,
    until: ToOpt = None,
    as_json: JsonFlag = False,
    as_csv: CsvFlag = False,
    html: HtmlOpt = None,
    unmasked: UnmaskedFlag = False,
) -> None:
    from parcours.app.report import report_document
    from parcours.cli.report_view import print_report, report_csv

    session = reader_session()
    output = _output(as_json, as_csv, html, session)
    selection = _selection(session, programme, chosen, since, until)
    reader = _unmasked_reader(session) if unmasked else None
    with open_readmodel() as store:
        doc = report_document(store, selection, unmasked=unmasked)
        if reader is not None:
            _log_unmasked(session, store, reader, selection)
    if output == "json":
        print_json(doc)
    elif output == "csv":
        print(report_csv(doc), end="")
    elif html is not None:
        _write_html(html, doc, session)
    else:
        print_report(doc, session.text)


def _write_html(path: Path, doc: dict[str, object], session: Session) -> None:
    from parcours.cli.report_html import report_page

    page = report_page(doc, session.text)
    write_file(session.text, "error.report_write", path, page)
    console.print(session.text("report.written", path=path), markup=False)


KeyFileOpt = Annotated[
    Path | None, typer.Option("--key-file", help="help.opt.extract_key", metavar="FILE")
]
OutDir = Annotated[Path, typer.Option("--out", help="help.opt.extract_out", metavar="DIR")]


@commands.command("extract", help="help.extract")
@guarded
def extract(
    programme: ProgrammeArg,
    out: OutDir,
    key_file: KeyFileOpt = None,
    replace: Annotated[bool, flag("--replace", "extract_replace")] = False,
    as_json: JsonFlag = False,
) -> None:
    from parcours.cli.extract_files import extractor_session, run_extract

    session = extractor_session()
    run_extract(session, programme, out, key_file, as_json=as_json, replace=replace)
