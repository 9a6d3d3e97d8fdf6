"""The exit codes of `parcours`, documented in the README; scripts may rely on them."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    """A fault of parcours itself (a bug): reported with a one-line message, never a traceback."""
    USAGE = 2
    """A mistake in the command line: an unknown option, a bad value, an ambiguous reference."""
    REFUSED = 3
    """The pathway refused the action: the message names the rule and what is allowed now."""
    NOT_FOUND = 4
    """No such pathway, programme, alert, partner or notification."""
    UNAVAILABLE = 5
    """The Temporal service, a worker or the read model did not answer, or a port is taken:
    the sentence says whether an action may still apply, its request id, and the command
    to run once the service is back."""
    INVALID_FILE = 6
    """A programme file, history or bundle that cannot be read or does not check out."""
    KEYS = 7
    """The encryption keys are missing, unreadable, or cannot decrypt what is stored."""
    CANNOT_RUN = 8
    """The pathway's workflow cannot run (or was closed because it could not): see
    `parcours doctor`."""
    INTERRUPTED = 130
    """Ctrl-C: the command was stopped before it finished (128 + SIGINT)."""
    BROKEN_PIPE = 141
    """The reader of the output went away (`| head`): stopped quietly (128 + SIGPIPE)."""
