"""`parcours programme list|show|validate|diagram`: the programmes shipped with parcours."""

import shutil
import subprocess
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.guard import current_session, guarded
from parcours.cli.i18n import Text
from parcours.cli.options import JsonFlag
from parcours.cli.render import console, pairs, print_json, table

if TYPE_CHECKING:
    from parcours.domain.vocabulary import Stage


class DiagramFormat(StrEnum):
    MERMAID = "mermaid"
    DOT = "dot"
    SVG = "svg"


def register(app: typer.Typer, t: Text) -> None:
    group = typer.Typer(help=t("help.programme"), no_args_is_help=True)
    app.add_typer(group, name="programme")

    @group.command("list", help=t("help.programme.list"))
    @guarded
    def list_programmes(as_json: JsonFlag = False) -> None:
        from parcours.programmes import catalogue

        text = current_session().text
        rows = [
            {
                "name": programme.name,
                "version": programme.version,
                "title": programme.title.fr if text.lang == "fr" else programme.title.en,
                "stages": len(programme.stages),
                "yearly_intake": programme.targets.yearly_intake,
                "positive_exit_rate": programme.targets.positive_exit_rate,
            }
            for versions in catalogue().values()
            for programme in versions.values()
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
                        rate=f"{float(str(r['positive_exit_rate'])):.0%}",
                    ),
                ]
                for r in rows
            ],
        )

    @group.command("show", help=t("help.programme.show"))
    @guarded
    def show(
        name: Annotated[str, typer.Argument(help=t("help.arg.programme"))],
        version: Annotated[int | None, typer.Option(help=t("help.opt.version"))] = None,
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.domain.machine import table_of
        from parcours.programmes import get_programme

        text = current_session().text
        programme = get_programme(name, version)
        if as_json:
            print_json(programme.model_dump(mode="json"))
            return
        french = text.lang == "fr"
        timers = programme.timers.model_dump()
        pairs(
            f"{programme.name} v{programme.version}",
            [
                (
                    text("programme.field.title"),
                    programme.title.fr if french else programme.title.en,
                ),
                (
                    text("programme.field.stages"),
                    ", ".join(text(f"stage.{s.value}") for s in programme.stages),
                ),
                (
                    text("programme.field.blocking"),
                    ", ".join(b.value for b in programme.blocking_barriers) or text("none"),
                ),
                (
                    text("programme.field.targets"),
                    text(
                        "programme.targets",
                        intake=programme.targets.yearly_intake,
                        rate=f"{programme.targets.positive_exit_rate:.0%}",
                    ),
                ),
                (
                    text("programme.field.outcome"),
                    programme.outcome.description.fr
                    if french
                    else programme.outcome.description.en,
                ),
                (
                    text("programme.field.timers"),
                    ", ".join(f"{k}={v}" for k, v in timers.items()),
                ),
            ],
        )
        table(
            text("programme.moves.title"),
            [
                text("programme.col.trigger"),
                text("programme.col.from"),
                text("programme.col.to"),
                text("programme.col.guards"),
            ],
            [
                [
                    row.trigger,
                    row.source.value,
                    row.dest.value if row.dest else "—",
                    ", ".join(row.guards) or "—",
                ]
                for row in table_of(programme)
            ],
        )

    @group.command("validate", help=t("help.programme.validate"))
    @guarded
    def validate(path: Annotated[Path, typer.Argument(help=t("help.arg.programme_file"))]) -> None:
        from parcours.programmes import load_programme_file

        programme = load_programme_file(path)
        console.print(
            current_session().text(
                "programme.valid",
                path=path,
                name=programme.name,
                version=programme.version,
                moves=len(programme.moves),
            )
        )

    @group.command("diagram", help=t("help.programme.diagram"))
    @guarded
    def diagram(
        name: Annotated[str, typer.Argument(help=t("help.arg.programme"))],
        version: Annotated[int | None, typer.Option(help=t("help.opt.version"))] = None,
        output_format: Annotated[
            DiagramFormat, typer.Option("--format", help=t("help.opt.diagram_format"))
        ] = DiagramFormat.MERMAID,
        out: Annotated[Path | None, typer.Option("--out", help=t("help.opt.out"))] = None,
    ) -> None:
        from parcours.domain.diagram import dot, mermaid
        from parcours.programmes import get_programme

        text = current_session().text
        programme = get_programme(name, version)
        if output_format is DiagramFormat.MERMAID:
            _write(mermaid(programme, _in_both_languages), out)
        elif output_format is DiagramFormat.DOT:
            _write(dot(programme, _in_both_languages), out)
        else:
            _write(_svg(dot(programme, _in_both_languages), text), out)


def _in_both_languages(stage: "Stage") -> str:
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
