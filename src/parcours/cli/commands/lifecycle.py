"""`parcours suspend|resume|dropout|reenter|exit`: pausing, losing, taking back, ending.

`--reason` is listed before the optional options here (`reason_first`): most of these
moves require one.
"""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import dated_action, staff_action
from parcours.cli.options import On, named_choice
from parcours.cli.runtime import typed_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import ExitReason

commands = typer.Typer()


dated_action(commands, "suspend", c.Suspend, reason_first=True)
dated_action(commands, "resume", c.Resume, reason_first=True)
dated_action(commands, "dropout", c.DropOut, reason_first=True)


@staff_action(commands, "reenter", reason_first=True)
def reenter(
    session_name: Annotated[str, typer.Option("--session", help="help.opt.session_reentry")],
    on: On = None,
) -> c.Command:
    reentered_at = typed_instant(on)
    return c.ReEnter(session=session_name, reentered_at=reentered_at)


@staff_action(commands, "exit", reason_first=True)
def exit_pathway(
    exit_reason: Annotated[
        ExitReason, named_choice(ExitReason, "exit_reason", "help.arg.exit_reason", "EXIT_REASON")
    ],
    on: On = None,
) -> c.Command:
    return c.Exit(reason=exit_reason, exited_at=typed_instant(on))
