"""`parcours`: the staff command line.

The language is chosen before the app is built, so help and messages come in French or
English. Only typer and rich are imported here: the command modules are imported when
their command runs (`lazy.LazyGroup`), and each imports what it needs (the Temporal
client, SQLAlchemy) inside its functions, so `parcours --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from parcours.cli.click_words import speak
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text, choose_language
from parcours.cli.lazy import LazyGroup
from parcours.cli.runtime import fail, open_session
from parcours.domain.controls import without_controls


def root(
    ctx: typer.Context,
    lang_option: Annotated[
        str | None, typer.Option("--lang", help="help.opt.lang", metavar="fr|en")
    ] = None,
    actor: Annotated[str | None, typer.Option("--as", help="help.opt.as", metavar="ACTOR")] = None,
    role: Annotated[str | None, typer.Option("--role", help="help.opt.role")] = None,
) -> None:
    """Open the session every command runs in, in the language the app was built in."""
    from parcours.cli.render import fresh_consoles

    fresh_consoles()
    built_in = ctx.command.text.lang if isinstance(ctx.command, LazyGroup) else "en"
    try:
        ctx.obj = open_session(lang_option or built_in, actor, role, speaking=built_in)
    except CliError as err:
        fail(err)


def build_app(lang: str) -> typer.Typer:
    """The `parcours` app, speaking `lang` (from `i18n.choose_language`)."""
    text = Text(lang)
    speak(text)  # Click's own words ("Usage:", "[required]", usage errors) in `lang` too
    app = typer.Typer(
        cls=LazyGroup.speaking(text),
        name="parcours",
        help=text("help.root"),
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="rich",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(root)
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
    import os

    from parcours.cli.process import flushed_exit_code, stdout_target

    args = list(sys.argv[1:] if argv is None else argv)
    lang = choose_language(args)
    stdout, target = sys.stdout, stdout_target()
    code = run(args, lang)
    os._exit(flushed_exit_code(code, stdout, target))


def run(args: list[str], lang: str) -> int:
    """Run the app on `args` and say its exit code; nothing escapes as a traceback."""
    from parcours.cli.errors import translate
    from parcours.cli.process import BROKEN_PIPE, silence_stdout

    try:
        build_app(lang)(args=args, prog_name="parcours")
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return BROKEN_PIPE
    except Exception as err:  # noqa: BLE001 - outside a command: still one sentence
        failure = translate(err, Text(lang))
        print(without_controls(failure.message), file=sys.stderr)
        return int(failure.code)
    return 0
