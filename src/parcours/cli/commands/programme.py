"""`parcours programme list|show|validate|diagram`: the programmes shipped with parcours."""

from __future__ import annotations

import shutil
import subprocess
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from parcours.cli.labels import action_label, percent, stage_label
from parcours.cli.options import JsonFlag, ProgrammeArg, VersionOpt, group_module
from parcours.cli.render import console, print_json, table
from parcours.cli.runtime import current_session, guarded

if TYPE_CHECKING:
    from parcours.domain.programme import ProgrammeDefinition
    from parcours.domain.vocabulary import Stage

commands, programme = group_module("programme")

Name = ProgrammeArg


class DiagramFormat(StrEnum):
    MERMAID = "mermaid"
    DOT = "dot"
    SVG = "svg"


Format = Annotated[DiagramFormat, typer.Option("--format", help="help.opt.diagram_format")]


@programme.command("list", help="help.programme.list")
@guarded
def list_programmes(as_json: JsonFlag = False) -> None:
    from parcours.programmes import catalogue

    text = current_session().text
    rows = [
        {
            "name": found.name,
            "version": found.version,
            "title": found.title.said(text.lang),
            "stages": len(found.stages),
            "yearly_intake": found.targets.yearly_intake,
            "positive_exit_rate": found.targets.positive_exit_rate,
        }
        for versions in catalogue().values()
        for found in versions.values()
    ]
    if as_json:
        print_json(rows)
        return
    table(
        text("programme.list.title"),
        [text(f"programme.col.{c}") for c in ("name", "version", "title", "targets")],
        [
            [
                str(r["name"]),
                str(r["version"]),
                str(r["title"]),
                text(
                    "programme.targets",
                    intake=r["yearly_intake"],
                    rate=percent(float(str(r["positive_exit_rate"])), text.lang),
                ),
            ]
            for r in rows
        ],
    )


@programme.command("show", help="help.programme.show")
@guarded
def show(name: Name, version: VersionOpt = None, as_json: JsonFlag = False) -> None:
    from parcours.cli.programme_view import show_programme
    from parcours.programmes import get_programme

    text = current_session().text
    found = get_programme(name, version)
    if as_json:
        print_json(found.model_dump(mode="json"))
        return
    show_programme(found, text)  # every part of the file, then the moves
    _print_moves(found, text)


def _print_moves(found: ProgrammeDefinition, text: Text) -> None:
    from parcours.domain.machine import table_of

    table(
        text("programme.moves.title"),
        [text(f"programme.col.{c}") for c in ("trigger", "from", "to", "guards")],
        [
            [
                action_label(row.trigger, text),
                stage_label(row.source.value, text),
                stage_label(row.dest.value, text) if row.dest else "—",
                ", ".join(row.guards) or "—",
            ]
            for row in table_of(found)
        ],
    )


@programme.command("validate", help="help.programme.validate")
@guarded
def validate(
    path: Annotated[Path, typer.Argument(help="help.arg.programme_file", metavar="FILE")],
) -> None:
    from parcours.programmes import load_programme_file

    found = load_programme_file(path)
    console.print(
        current_session().text(
            "programme.valid",
            path=path,
            name=found.name,
            version=found.version,
            moves=len(found.moves),
        )
    )


@programme.command("diagram", help="help.programme.diagram")
@guarded
def diagram(
    name: Name,
    version: VersionOpt = None,
    output_format: Format = DiagramFormat.MERMAID,
    out: Annotated[Path | None, typer.Option("--out", help="help.opt.out")] = None,
) -> None:
    from parcours.domain.diagram import dot, mermaid
    from parcours.programmes import get_programme

    text = current_session().text
    found = get_programme(name, version)
    if output_format is DiagramFormat.MERMAID:
        _write(mermaid(found, _in_both_languages), out)
    elif output_format is DiagramFormat.DOT:
        _write(dot(found, _in_both_languages), out)
    else:
        _write(_svg(dot(found, _in_both_languages), text), out)


def _in_both_languages(stage: Stage) -> str:
    """A stage as the pictures name it: French, then English when it differs."""
    french, english = (Text(lang)(f"stage.{stage.value}") for lang in ("fr", "en"))
    return french if french == english else f"{french} / {english}"


def _svg(source: str, text: Text) -> str:
    graphviz = shutil.which("dot")
    if graphviz is None:
        raise CliError(text("programme.no_graphviz"), ExitCode.UNAVAILABLE)
    done = subprocess.run(  # noqa: S603 - the Graphviz binary found on PATH, fixed arguments
        [graphviz, "-Tsvg"], input=source, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise CliError(
            text("programme.graphviz_failed", error=done.stderr.strip()), ExitCode.INTERNAL
        )
    return done.stdout


def _write(content: str, out: Path | None) -> None:
    if out is None:
        print(content, end="")
    else:
        out.write_text(content, encoding="utf-8")
