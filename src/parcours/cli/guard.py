"""Turn every failure into one translated sentence and an exit code: never a traceback."""

from __future__ import annotations

import functools
import os
import select
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text, choose_language
from parcours.cli.session import Session, active_session

P = ParamSpec("P")
R = TypeVar("R")

BROKEN_PIPE = int(ExitCode.BROKEN_PIPE)
"""Exit code when whoever read the output went away (`parcours list --json | head -c1`):
141, what a shell reports for `cat`, `grep` and the other tools SIGPIPE ends."""


if TYPE_CHECKING:
    from parcours.adapters.temporal.keys import KeyringError


def translate(err: BaseException, text: Text) -> CliError:
    """The user-facing sentence for an exception raised below the CLI."""
    if isinstance(err, CliError):
        return err
    from parcours.adapters.settings import InvalidSetting

    if isinstance(err, InvalidSetting):
        return CliError(
            text(
                "error.bad_setting_number",
                variable=err.variable,
                value=err.value,
                low=err.low,
                high=err.high,
                default=err.default,
            ),
            ExitCode.USAGE,
        )
    # Imported here: only a failing command pays for them.
    from parcours.adapters.temporal.connection import TlsFileError

    if isinstance(err, TlsFileError):
        why = text(f"error.tls.{err.reason}")
        return CliError(
            text("error.tls_file", variable=err.variable, path=err.path, why=why), ExitCode.USAGE
        )
    from parcours.adapters.temporal.devserver import DevServerError
    from parcours.adapters.temporal.encryption import DecryptionError
    from parcours.adapters.temporal.keys import KeyringError
    from parcours.app.client import PathwayNotFound, RequestRefused
    from parcours.domain.errors import DomainError, InvalidProgramme
    from parcours.programmes import UnknownProgramme

    if isinstance(err, InvalidProgramme):
        return CliError(str(err), ExitCode.INVALID_FILE)
    if isinstance(err, RequestRefused | DomainError):
        from parcours.cli.pathway_cmds import action_labels

        reason = refusal_reason(err.code, err.values, err.message, text)
        return CliError(
            text(
                "error.refused",
                rule=err.rule,
                message=reason,
                allowed=action_labels(err.allowed, text),
            ),
            ExitCode.REFUSED,
        )
    if isinstance(err, PathwayNotFound):
        return CliError(text("error.pathway_not_found", pathway=err.args[0]), ExitCode.NOT_FOUND)
    if isinstance(err, UnknownProgramme):
        return CliError(text("error.unknown_programme", detail=err.args[0]), ExitCode.NOT_FOUND)
    if isinstance(err, KeyringError):
        return CliError(keyring_sentence(err, text), ExitCode.KEYS)
    if isinstance(err, DecryptionError):
        return CliError(text("error.decrypt"), ExitCode.KEYS)
    if isinstance(err, DevServerError):
        return CliError(str(err), ExitCode.UNAVAILABLE)
    if "no poller seen" in str(err):
        return CliError(text("error.no_worker_running"), ExitCode.UNAVAILABLE)
    if _is_unavailable(err):
        return CliError(text("error.unavailable"), ExitCode.UNAVAILABLE)
    return CliError(
        text("error.internal", kind=type(err).__name__, detail=str(err)), ExitCode.INTERNAL
    )


REFUSAL_WORDS = {
    "trigger": "action",
    "partner_kind": "partner_kind",
    "barrier_status": "barrier_status",
    "appointment_status": "appointment_status",
    "required": "french_level",
    "assessed": "french_level",
}
"""Refusal values that name something the catalogue has words for, and under which prefix."""

REFUSAL_LISTS = frozenset({"known"})
"""Refusal values that list ids, and may be empty ("none yet")."""


def refusal_values(values: Mapping[str, str], text: Text) -> dict[str, str]:
    """A refusal's values as the reader reads them: actions, kinds, stages in their words."""
    from parcours.cli.pathway_cmds import stage_label, word

    said: dict[str, str] = {}
    for name, value in values.items():
        if name == "stage":
            said[name] = stage_label(value, text)
        elif name in REFUSAL_WORDS:
            said[name] = word(REFUSAL_WORDS[name], value, text)
        elif name in REFUSAL_LISTS and not value:
            said[name] = text("refusal.none_yet")
        else:
            said[name] = value
    return said


def refusal_reason(code: str, values: Mapping[str, str], message: str, text: Text) -> str:
    """Why a request was refused, from `refusal.<code>`; the English message when the
    catalogue has no such sentence or the values do not fill it (an older worker)."""
    if not code:
        return message
    try:
        template = text(f"refusal.{code}")
        return template.format(**refusal_values(values, text))
    except (KeyError, IndexError, ValueError):
        return message


def keyring_sentence(err: KeyringError, text: Text) -> str:
    """The key problem in the reader's language; the English sentence if it has no words."""
    source = text("keyring.source_file", path=err.path) if err.path else "PARCOURS_KEYS"
    try:
        return text(f"keyring.{err.reason}", source=source, path=err.path, **err.values)
    except KeyError:
        return str(err)


def _is_unavailable(err: BaseException) -> bool:
    from temporalio.service import RPCError, RPCStatusCode

    if isinstance(err, RPCError):
        return err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED)
    message = str(err)
    return isinstance(err, RuntimeError) and "connect" in message.lower()


def current_session() -> Session:
    """The session the root command opened for this invocation."""
    session = active_session()
    if session is None:  # pragma: no cover - the root callback always opens one
        raise CliError("parcours was not started through its root command.", ExitCode.INTERNAL)
    return session


def _text() -> Text:
    session = active_session()
    return session.text if session is not None else Text(choose_language(sys.argv[1:]))


def guarded(body: Callable[P, R]) -> Callable[P, R]:
    """Wrap a command body so that any failure ends in one line on stderr and an exit code."""

    @functools.wraps(body)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return body(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception as err:  # noqa: BLE001 - every failure becomes one sentence
            if isinstance(err, BrokenPipeError) and stdout_closed():
                silence_stdout()
                raise typer.Exit(BROKEN_PIPE) from None
            fail(translate(err, _text()))

    return wrapper


def stdout_closed() -> bool:
    """Whether the reader of standard output has gone away (a pipe or socket closed early).

    Tells a reader that stopped early (`| head`) apart from a broken connection to a
    partner or a server, which is a real failure. Where poll() is missing, a broken pipe
    is taken to be standard output's.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return False
    if not hasattr(select, "poll"):  # pragma: no cover - Windows
        return True
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def silence_stdout() -> None:
    """Send what is still buffered for standard output nowhere, so the exit stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, OSError, ValueError):
        pass


def stdout_target() -> tuple[int, int] | None:
    """The file standard output writes to (device and inode), or None if it has none."""
    try:
        status = os.fstat(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return None
    return status.st_dev, status.st_ino


def stdout_silenced(before: tuple[int, int] | None) -> bool:
    """Whether standard output was turned to /dev/null since `before` was taken.

    That is what `silence_stdout` and rich's console do on a broken pipe (rich then
    raises `SystemExit(1)`), so it tells a reader gone away from a real failure.
    """
    after = stdout_target()
    if before is None or after is None or after == before:
        return False
    devnull = os.stat(os.devnull)
    return after == (devnull.st_dev, devnull.st_ino)


def fail(err: CliError) -> NoReturn:
    print(err.message, file=sys.stderr)
    raise typer.Exit(int(err.code))
