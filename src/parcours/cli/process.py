"""How the `parcours` process ends: one exit code, quiet when its reader went away.

A reader that stops early (`parcours list --json | head -c1`) is told apart from a real
failure (a broken connection to a partner or a server) by looking at standard output.
"""

from __future__ import annotations

import os
import select
import sys

from parcours.cli.exit_codes import ExitCode

BROKEN_PIPE = int(ExitCode.BROKEN_PIPE)
"""Exit code when whoever read the output went away (`parcours list --json | head -c1`):
141, what a shell reports for `cat`, `grep` and the other tools SIGPIPE ends."""


def stdout_closed() -> bool:
    """Whether the reader of standard output has gone away (a pipe or socket closed early).

    Where poll() is missing, a broken pipe is taken to be standard output's.
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


def flushed_exit_code(code: int, stdout: object, target: tuple[int, int] | None) -> int:
    """Flush logs, stdout and stderr, and say the exit code once the output is out.

    `stdout` and `target` are standard output and its file as the command started.
    """
    import logging

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
    return code
