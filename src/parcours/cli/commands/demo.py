"""`parcours demo`: a programme's story from its description, run for real on a service of
its own, ending with the real report (`parcours.demos`)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from parcours.cli.errors import CliError, write_file
from parcours.cli.exit_codes import ExitCode
from parcours.cli.options import JsonFlag
from parcours.cli.render import console, err_console, local_zone, print_json
from parcours.cli.runtime import current_session, guarded

if TYPE_CHECKING:
    from parcours.cli.runtime import Session
    from parcours.demos.story import Story

commands = typer.Typer()
demo = typer.Typer(help="help.demo", no_args_is_help=True)
commands.add_typer(demo, name="demo")

DataOpt = Annotated[Path | None, typer.Option("--data", help="help.opt.demo_data", metavar="DIR")]
HtmlOpt = Annotated[Path | None, typer.Option("--html", help="help.opt.html", metavar="FILE")]


def _folder(chosen: Path | None, story: Story, session: Session) -> Path:
    from parcours.demos.run import DemoError, check_folder

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    data = chosen or Path.cwd() / f"demo-{story.name}-{stamp}"
    try:
        check_folder(data)
    except DemoError:
        raise CliError(session.text("error.demo_folder", path=data), ExitCode.USAGE) from None
    return data


def _run(story: Story, data: Path, session: Session, as_json: bool) -> dict[str, Any]:
    import asyncio

    from rich.progress import Progress

    from parcours.demos.run import run_story

    out = err_console if as_json else console
    out.print(session.text("demo.starting", name=story.name, path=data), markup=False)
    with Progress(console=out, transient=True) as progress:
        task = progress.add_task(session.text("demo.progress"), total=len(story.people))
        doc = asyncio.run(run_story(story, data, lambda: progress.advance(task), local_zone()))
    return doc


def _show(
    doc: dict[str, Any], data: Path, session: Session, as_json: bool, html: Path | None = None
) -> None:
    from parcours.cli.report_view import print_report

    if as_json:
        print_json({"data": str(data), "html": str(html) if html else None, "report": doc})
        return
    print_report(doc, session.text)
    if html is not None:
        console.print(session.text("report.written", path=html), markup=False)
    console.print(session.text("demo.done", path=data, programme=doc["programme"]), markup=False)


@demo.command("nouveau-depart-2017", help="help.demo_nouveau_depart")
@guarded
def nouveau_depart_2017(data: DataOpt = None, as_json: JsonFlag = False) -> None:
    from parcours.demos.nouveau_depart import session_2017

    session = current_session()
    story = session_2017()
    folder = _folder(data, story, session)
    doc = _run(story, folder, session, as_json)
    _show(doc, folder, session, as_json)


@demo.command("atp-cergy", help="help.demo_atp")
@guarded
def atp_cergy(data: DataOpt = None, html: HtmlOpt = None, as_json: JsonFlag = False) -> None:
    from parcours.cli.report_html import report_page
    from parcours.demos.atp_cergy import intake_2009

    session = current_session()
    story = intake_2009()
    folder = _folder(data, story, session)
    doc = _run(story, folder, session, as_json)
    page = html or folder / "report.html"
    write_file(session.text, "error.report_write", page, report_page(doc, session.text))
    _show(doc, folder, session, as_json, page)
