"""`parcours contract sign`, `coaching start`, `jobdating outcome`: into accompaniment."""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import dated_action, staff_action
from parcours.cli.options import Agency, On, subgroup
from parcours.cli.runtime import typed_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import JobDatingOutcome

commands = typer.Typer()
contract = subgroup(commands, "contract")
coaching = subgroup(commands, "coaching")
jobdating = subgroup(commands, "jobdating")


dated_action(contract, "sign", c.SignContract)
dated_action(coaching, "start", c.StartCoaching)


@staff_action(jobdating, "outcome")
def jobdating_outcome(
    outcome: Annotated[JobDatingOutcome, typer.Argument(help="help.arg.outcome")],
    agency: Agency = "",
    on: On = None,
) -> c.Command:
    held_at = typed_instant(on)
    return c.RecordJobDating(held_at=held_at, outcome=outcome, agency=agency)
