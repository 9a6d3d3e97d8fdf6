"""`parcours retention list|extend`: when each person is to be anonymised, and a
coordinator's extension with a reason (README, Data protection)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.commands.doctor import _check_reason
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.options import JsonFlag, ReasonOpt, Ref, RequestOpt, subgroup
from parcours.cli.render import console, listing, print_json, when
from parcours.cli.runtime import (
    current_session,
    guarded,
    open_readmodel,
    overseer_session,
    parse_instant,
    with_pathways,
)

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.workflows.messages import UpdateResult

commands = typer.Typer()
retention = subgroup(commands, "retention")

WithinOpt = Annotated[int | None, typer.Option("--within", help="help.opt.within", metavar="DAYS")]
UntilOpt = Annotated[str, typer.Option("--until", help="help.opt.retention_until", metavar="DATE")]


@retention.command("list", help="help.retention.list")
@guarded
def retention_list(within: WithinOpt = None, as_json: JsonFlag = False) -> None:
    from datetime import UTC, datetime

    from parcours.app.retention import falling_due

    session = current_session()
    if within is not None and within < 0:
        raise CliError(session.text("retention.bad_within", value=within), ExitCode.USAGE)
    with open_readmodel() as store:
        found = falling_due(store, datetime.now(UTC), within)
    if as_json:
        print_json(
            [
                {
                    "pathway_id": v.pathway_id,
                    "programme": v.programme,
                    "stage": v.stage.value,
                    "retention_due_at": v.retention_due_at,
                }
                for v in found
            ]
        )
        return
    rows = [[v.pathway_id, v.programme, v.stage.value, when(v.retention_due_at)] for v in found]
    listing(session.text, "retention", ("pathway", "programme", "stage", "due"), rows)


@retention.command("extend", help="help.retention.extend")
@guarded
def retention_extend(
    reference: Ref,
    until: UntilOpt,
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.app.retention import extend_retention

    session = overseer_session("retention.coordinator_only")
    if not reason.strip():
        raise CliError(session.text("retention.reason_required"), ExitCode.USAGE)
    moment = parse_instant(until, session, "--until")
    meta = session.request(reason.strip(), request_id)
    _check_reason(session, meta.reason)

    async def work(pathways: PathwayClient) -> UpdateResult:
        pathway_id = await pathways.resolve(reference)
        return await extend_retention(pathways, pathway_id, meta, moment)

    done = with_pathways(session, work)
    if as_json:
        print_json(done)
        return
    console.print(session.text("retention.extended", until=when(moment)), markup=False)
