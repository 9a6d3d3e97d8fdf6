"""`parcours training enrol|complete|drop`: training courses during accompaniment."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import dated_action, staff_action
from parcours.cli.options import flag, group_module
from parcours.cli.runtime import typed_instant
from parcours.domain import commands as c

commands, training = group_module("training")


@staff_action(training, "enrol")
def training_enrol(
    title: Annotated[str, typer.Option(help="help.opt.title")],
    provider: Annotated[str, typer.Option(help="help.opt.provider")],
    start: Annotated[str, typer.Option(help="help.opt.start")],
    end: Annotated[str, typer.Option(help="help.opt.end")],
    paid: Annotated[bool, flag("--paid")] = False,
    diploma_module: Annotated[bool, flag("--diploma-module")] = False,
) -> c.Command:
    return c.EnrolTraining(
        title=title,
        provider=provider,
        starts_at=typed_instant(start, "--start"),
        ends_at=typed_instant(end, "--end"),
        paid=paid,
        diploma_module=diploma_module,
    )


dated_action(training, "complete", c.CompleteTraining)
dated_action(training, "drop", c.DropTraining)
