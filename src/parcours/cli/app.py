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
from parcours.cli.exit_codes import ExitCode
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
    """The installed `parcours` command: run the app, flush, and end the process.

    The process ends with `os._exit` once the log handlers, stdout and stderr are
    flushed, never through interpreter shutdown: the Temporal SDK's Rust core keeps
    threads that can abort a finalising interpreter ("Fatal Python error:
    PyGILState_Release", exit 134) after the command has already failed or succeeded.
    The exit code is the app's: the documented `ExitCode`s, 2 for a command line Click
    refuses, 0 for `--help` and shell completion, 130 on Ctrl-C. When whoever reads the
    output goes away early (`parcours list --json | head -c1`) the command stops quietly
    with 141 (128 + SIGPIPE), as `cat` or `grep` do, so `set -o pipefail` sees the
    output was cut. Tests run `build_app` in-process with a CliRunner: only this entry
    point ends the process.
    """
    import logging
    import os

    from parcours.cli.guard import (
        BROKEN_PIPE,
        silence_stdout,
        stdout_silenced,
        stdout_target,
        translate,
    )

    args = list(sys.argv[1:] if argv is None else argv)
    lang = choose_language(args)
    stdout, target = sys.stdout, stdout_target()
    code: int
    try:
        build_app(lang)(args=args, prog_name="parcours")
        code = 0
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:
            print(done.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        code = ExitCode.INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        code = BROKEN_PIPE
    except Exception as err:  # noqa: BLE001 - outside a command: still one sentence
        failure = translate(err, Text(lang))
        print(failure.message, file=sys.stderr)
        code = int(failure.code)
    if getattr(sys.stdout, "wrapped", None) is stdout:
        silence_stdout()  # Click met a broken pipe and wrapped stdout to hide it
    if stdout_silenced(target):
        code = BROKEN_PIPE  # rich, Click or `guarded` met a broken pipe on stdout
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            code = code or BROKEN_PIPE
        except (OSError, ValueError):
            pass
    os._exit(code)
