"""`parcours erase REF --reason`: erase a person, keep the statistics and the audit trail."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.commands.doctor import _check_reason
from parcours.cli.confirm import confirmed
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.options import JsonFlag, ReasonOpt, Ref
from parcours.cli.render import console, print_json
from parcours.cli.runtime import guarded, open_readmodel, overseer_session, with_pathways

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.erasure import Erased

commands = typer.Typer()

YesFlag = Annotated[bool, typer.Option("--yes", help="help.opt.yes", metavar="")]


@commands.command("erase", help="help.erase")
@guarded
def erase(
    reference: Ref, reason: ReasonOpt = "", yes: YesFlag = False, as_json: JsonFlag = False
) -> None:
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.erasure import erase_person
    from parcours.cli.reads import proven

    session = overseer_session("erase.coordinator_only")
    if not reason.strip():
        raise CliError(session.text("erase.reason_required"), ExitCode.USAGE)
    meta = session.request(reason.strip(), None)
    _check_reason(session, meta.reason)
    keyring = load_keyring(session.settings)
    store = open_readmodel()
    # opening the identity to erase it is a read: proven, as every read (`cli.reads`)
    meta = replace(meta, key_id=proven(session, store, meta.actor) or "")

    async def resolve(pathways: PathwayClient) -> str:
        return await pathways.resolve(reference)

    pathway_id = with_pathways(session, resolve)
    if not yes and not confirmed(session.text, session.text("erase.confirm", pathway=pathway_id)):
        console.print(session.text("erase.declined"))
        return

    async def work(pathways: PathwayClient) -> Erased:
        return await erase_person(pathways, store, keyring, pathway_id, meta)

    with store:
        done = with_pathways(session, work)
    if as_json:
        print_json(done)
        return
    console.print(session.text("erase.done", pathway=done.pathway_id))
    if not done.recorded:
        console.print(session.text("erase.not_recorded", pathway=done.pathway_id))
    if done.legacy:
        console.print(session.text("erase.legacy", pathway=done.pathway_id))
    if done.reasons_in_clear:
        said = session.text(
            "erase.reasons_in_clear", pathway=done.pathway_id, count=done.reasons_in_clear
        )
        console.print(said, markup=False)
    if done.identity_unread:
        console.print(session.text("erase.identity_unread", pathway=done.pathway_id))
