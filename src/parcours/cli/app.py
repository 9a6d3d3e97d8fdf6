"""`parcours`: the staff command line.

The language is chosen before the commands are built, so help and messages come in
French or English. Only typer and rich are imported here: each command imports what it
needs (the Temporal client, SQLAlchemy) when it runs, so `parcours --help` stays fast.
"""

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from parcours.cli import (
    actions,
    alerts_cmds,
    audit_cmds,
    pathway_cmds,
    programme_cmds,
    readmodel_cmds,
    service_cmds,
)
from parcours.cli.errors import CliError
from parcours.cli.guard import fail
from parcours.cli.i18n import Text, choose_language
from parcours.cli.options import localise
from parcours.cli.session import open_session


def build_app(lang: str) -> typer.Typer:
    t = Text(lang)
    localise(t)
    app = typer.Typer(
        name="parcours",
        help=t("help.root"),
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def root(
        ctx: typer.Context,
        lang_option: Annotated[
            str | None, typer.Option("--lang", help=t("help.opt.lang"), metavar="fr|en")
        ] = None,
        actor: Annotated[
            str | None, typer.Option("--as", help=t("help.opt.as"), metavar="ACTOR")
        ] = None,
        role: Annotated[str | None, typer.Option("--role", help=t("help.opt.role"))] = None,
    ) -> None:
        try:
            ctx.obj = open_session(lang_option or lang, actor, role)
        except CliError as err:
            fail(err)

    for module in (
        programme_cmds,
        pathway_cmds,
        actions,
        alerts_cmds,
        audit_cmds,
        readmodel_cmds,
        service_cmds,
    ):
        module.register(app, t)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    app = build_app(choose_language(args))
    app(args=args, prog_name="parcours")
