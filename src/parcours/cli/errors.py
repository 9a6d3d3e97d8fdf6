"""One sentence and a documented exit code for every failure a user can meet."""

from __future__ import annotations

from parcours.cli.exit_codes import ExitCode


class CliError(Exception):
    """A failure to report as one line on stderr, exiting with `code`."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
