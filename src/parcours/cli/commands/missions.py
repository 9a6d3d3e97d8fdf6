"""`parcours mission start|end`: work missions through temp agencies and employers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.act import dated_action, staff_action
from parcours.cli.action_hooks import AFTER_DONE
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.options import On, decimal_option, flag, group_module, named_option
from parcours.cli.referrers import warn_if_agency_unlisted
from parcours.cli.runtime import Session, current_session, typed_instant
from parcours.domain import commands as c
from parcours.domain.commands.missions import MissionTrigger
from parcours.domain.vocabulary import ContractType

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient

commands, mission = group_module("mission")


@staff_action(mission, "start")
def mission_start(
    employer: Annotated[str, typer.Option(help="help.opt.employer")],
    contract: Annotated[
        ContractType, named_option(ContractType, "contract_type", "help.opt.contract", "CONTRACT")
    ],
    hours: Annotated[float, decimal_option("--hours", "help.opt.hours", 0.5, 48)],
    start: Annotated[str | None, typer.Option(help="help.opt.start")] = None,
    end: Annotated[str | None, typer.Option(help="help.opt.mission_end")] = None,
    sector_hiring: Annotated[bool, flag("--sector-hiring")] = False,
    agency: Annotated[str | None, typer.Option(help="help.opt.mission_agency")] = None,
    on: On = None,
) -> c.Command:
    """`--start` is when the mission started; `--on`, as on every action, says the same."""
    if agency is not None and not agency.strip():  # leave it out for a direct hire
        raise CliError(current_session().text("mission.agency_blank"), ExitCode.USAGE)
    return c.StartMission(
        agency=agency or "",  # a direct hire by the employer: no agency, as on the wire
        employer=employer,
        starts_at=typed_instant(start or on, "--start" if start else "--on", happened=True),
        contract_type=contract,
        weekly_hours=hours,
        ends_at=typed_instant(end, "--end") if end else None,
        sector_hiring=sector_hiring,
    )


async def _agency_listed(
    session: Session, pathways: PathwayClient, pathway_id: str, command: c.Command, _: object
) -> None:
    """Once a mission is recorded: a warning when its agency is no temp agency of the
    directory (a typo would count apart in the report's missions by agency)."""
    if isinstance(command, c.StartMission) and command.agency:
        warn_if_agency_unlisted(session, command.agency)


AFTER_DONE[MissionTrigger.START_MISSION] = _agency_listed

dated_action(mission, "end", c.EndMission)
