"""Asking staff to confirm what cannot be undone, in their language.

`[y/N]` in English, `[o/N]` in French: yes is `y`/`yes`, or `o`/`oui` in French (`y` is
taken there too); anything else, Enter included, is no. When no answer can be read (a
script that forgot `--yes`, its input closed), nothing is done and the sentence says how
to go on without being asked (exit 2), rather than Click's "Aborted." and exit 1. The
question goes to stderr, so that what `--json` prints on stdout stays JSON.
"""

from __future__ import annotations

import sys

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from parcours.cli.render import err_console


def confirmed(text: Text, question: str) -> bool:
    """Whether the person at the terminal answers yes to `question`."""
    err_console.print(f"{question} {text('confirm.choices')} ", end="")
    answer = sys.stdin.readline()
    if not answer:
        err_console.print()
        raise CliError(text("confirm.no_answer"), ExitCode.USAGE)
    return answer.strip().lower() in text("confirm.yes_words").split(",")
