"""`parcours intake complete`, `referent assign`, `contact`, `french assess`: the first steps.

Dates are typed in local time (`2026-11-25` or `2026-11-25T14:30`) and default to now.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.act import dated_action, staff_action
from parcours.cli.action_hooks import DESIGNATING
from parcours.cli.criteria import criteria_help
from parcours.cli.options import HELP_VALUES, On, named_choice, subgroup
from parcours.cli.runtime import Session, current_session, typed_instant
from parcours.domain import commands as c
from parcours.domain.vocabulary import FrenchLevel

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient

commands = typer.Typer()
intake = subgroup(commands, "intake")
referent = subgroup(commands, "referent")
french = subgroup(commands, "french")

StaffId = Annotated[str, typer.Argument(help="help.arg.staff_id", metavar="STAFF_ID")]
Level = Annotated[FrenchLevel, named_choice(FrenchLevel, "french_level", "help.arg.level", "LEVEL")]
HELP_VALUES["help.opt.criterion"] = criteria_help  # each programme's criteria, in --help


@staff_action(intake, "complete")
def intake_complete(
    criterion: Annotated[list[str] | None, typer.Option(help="help.opt.criterion")] = None,
    on: On = None,
) -> c.Command:
    return c.CompleteIntake(
        presented_at=typed_instant(on),
        criteria_met=tuple(criterion or ()),
    )


async def _criteria_named(
    session: Session, pathways: PathwayClient, pathway_id: str, command: c.Command
) -> c.Command:
    """The criteria of the pathway's programme that the typed ones name (`criterion_key`)."""
    import dataclasses

    from parcours.cli.criteria import criterion_key
    from parcours.programmes import get_programme

    assert isinstance(command, c.CompleteIntake)
    if not command.criteria_met:
        return command
    state = await pathways.state_as_stored(pathway_id)
    programme = get_programme(state.programme, state.programme_version)
    keys = tuple(criterion_key(programme, typed) for typed in command.criteria_met)
    return dataclasses.replace(command, criteria_met=keys)


DESIGNATING[c.CompleteIntake.TRIGGER] = _criteria_named


@staff_action(referent, "assign")
def referent_assign(staff_id: StaffId) -> c.Command:
    from parcours.cli.referral_input import check_referent

    check_referent(current_session(), staff_id)
    return c.AssignReferent(referent=staff_id)


dated_action(commands, "contact", c.RecordContact)


@staff_action(french, "assess")
def french_assess(level: Level) -> c.Command:
    return c.AssessFrench(level=level)
