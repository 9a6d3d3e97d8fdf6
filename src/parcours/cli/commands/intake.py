"""`parcours intake complete`, `referent assign`, `contact`, `french assess`: the first steps.

Dates are typed in local time (`2026-11-25` or `2026-11-25T14:30`) and default to now.
"""

from __future__ import annotations

from typing import Annotated

import typer

from parcours.cli.act import staff_action
from parcours.cli.options import On, subgroup
from parcours.cli.runtime import typed_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import FrenchLevel

commands = typer.Typer()
intake = subgroup(commands, "intake")
referent = subgroup(commands, "referent")
french = subgroup(commands, "french")


@intake.command("complete", help="help.intake.complete")
@staff_action()
def intake_complete(
    criterion: Annotated[list[str] | None, typer.Option(help="help.opt.criterion")] = None,
    on: On = None,
) -> c.Command:
    return c.CompleteIntake(
        presented_at=typed_instant(on),
        criteria_met=tuple(criterion or ()),
    )


@referent.command("assign", help="help.referent.assign")
@staff_action()
def referent_assign(
    staff_id: Annotated[str, typer.Argument(help="help.arg.staff_id")],
) -> c.Command:
    return c.AssignReferent(referent=staff_id)


@commands.command("contact", help="help.contact")
@staff_action()
def contact(on: On = None) -> c.Command:
    return c.RecordContact(contacted_at=typed_instant(on))


@french.command("assess", help="help.french.assess")
@staff_action()
def french_assess(
    level: Annotated[FrenchLevel, typer.Argument(help="help.arg.level")],
) -> c.Command:
    return c.AssessFrench(level=level)
