"""`parcours retention list|extend|adopt|sweep`: when each person is to be anonymised, a
coordinator's extension with a reason, the rule adopted now by pathways whose run started
before it, and the persons of pathways whose run has ended erased once their retention is
over (`cli.commands.retention_sweep`; README, Data protection)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.commands.doctor import _check_reason
from parcours.cli.commands.retention_sweep import (
    exit_if_failed,
    retention_sweep,
    said_failures,
    say_failures,
)
from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import stage_label
from parcours.cli.options import JsonFlag, ReasonOpt, Ref, RequestOpt, flag, group_module
from parcours.cli.oversight import overseer_session
from parcours.cli.render import console, listing, print_json, when
from parcours.cli.runtime import (
    current_session,
    guarded,
    open_readmodel,
    with_pathways,
)

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.retention import Adoptions
    from parcours.cli.runtime import Session
    from parcours.domain.records import RequestMeta
    from parcours.workflows.messages import UpdateResult

commands, retention = group_module("retention")

WITHIN_MOST = 3653
"""The furthest `--within` looks ahead, in days: ten years, beyond any retention period."""

WithinOpt = Annotated[int | None, typer.Option("--within", help="help.opt.within", metavar="DAYS")]
UntilOpt = Annotated[str, typer.Option("--until", help="help.opt.retention_until", metavar="DATE")]
MaybeRef = Annotated[str | None, typer.Argument(help="help.arg.ref", metavar="REF")]
EveryFlag = Annotated[bool, flag("--all", "adopt_all")]


@retention.command("list", help="help.retention.list")
@guarded
def retention_list(within: WithinOpt = None, as_json: JsonFlag = False) -> None:
    from datetime import UTC, datetime

    from parcours.app.retention import falling_due

    session = current_session()
    if within is not None and not 0 <= within <= WITHIN_MOST:
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
    text = session.text
    rows = [
        [v.pathway_id, v.programme, stage_label(v.stage.value, text), when(v.retention_due_at)]
        for v in found
    ]
    nothing = text("retention.nothing_within", days=within) if within else text("retention.nothing")
    listing(text, "retention", ("pathway", "programme", "stage", "due"), rows, nothing)


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


@retention.command("adopt", help="help.retention.adopt")
@guarded
def retention_adopt(
    reference: MaybeRef = None,
    every: EveryFlag = False,
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    session = overseer_session("retention.adopt_coordinator_only")
    if (reference is None) is not every:
        raise CliError(session.text("retention.adopt_ref_or_all"), ExitCode.USAGE)
    meta = session.request("", request_id)
    if reference is not None:
        _adopt_one(session, reference, meta, as_json)
        return
    from parcours.app.retention import adopt_every, following, not_following

    with open_readmodel() as store:
        targets, followers = not_following(store), following(store)

    async def work(pathways: PathwayClient) -> Adoptions:
        return await adopt_every(pathways, targets, meta)

    done = with_pathways(session, work, whole_timeout=False)
    done.already = followers + done.already  # as `retention list` lists them: following
    failures = said_failures(session, done.failed)
    if as_json:
        failed = {pathway_id: message for pathway_id, (message, _) in failures.items()}
        lists = {"adopted": done.adopted, "already": done.already, "closed": done.closed}
        print_json({**lists, "failed": failed})
    else:
        say_failures(session, failures, "retention.adopt_failed")
        counts = {
            "adopted": len(done.adopted),
            "already": len(done.already),
            "closed": len(done.closed),
            "failed": len(failures),
        }
        console.print(session.text("retention.adopted_all", **counts), markup=False)
    exit_if_failed(failures)


def _adopt_one(session: Session, reference: str, meta: RequestMeta, as_json: bool) -> None:
    """One pathway: a refusal (closed for good, not a coordinator) is said as any other."""
    from datetime import datetime

    from parcours.app.retention import adopt_retention

    async def work(pathways: PathwayClient) -> tuple[str, UpdateResult]:
        pathway_id = await pathways.resolve(reference)
        return pathway_id, await adopt_retention(pathways, pathway_id, meta)

    pathway_id, done = with_pathways(session, work)
    if as_json:
        print_json(done)
        return
    if not done.seq:
        console.print(session.text("retention.adopted_already", pathway=pathway_id), markup=False)
        return
    due = datetime.fromisoformat(done.details["due"])
    text = session.text("retention.adopted", pathway=pathway_id, due=when(due))
    console.print(text, markup=False)


# Last, as the group's help lists it: list, extend, adopt, sweep.
retention.command("sweep", help="help.retention.sweep")(guarded(retention_sweep))
