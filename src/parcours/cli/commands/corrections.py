"""`parcours correct REF EVENT --reason ... [--on DATE]`: an event recorded by mistake is
voided, or its date restated; the timeline keeps it, marked, beside the correction."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import staff_action
from parcours.cli.runtime import typed_instant
from parcours.domain import commands as c

commands = typer.Typer()

EventSeq = Annotated[int, typer.Argument(help="help.arg.event_seq", metavar="EVENT", min=1)]
RestateOn = Annotated[str | None, typer.Option("--on", help="help.opt.restate_on")]


@staff_action(commands, "correct", reason_first=True)
def correct(event: EventSeq, on: RestateOn = None) -> c.Command:
    return c.CorrectEvent(seq=event, restated_at=typed_instant(on) if on else None)
