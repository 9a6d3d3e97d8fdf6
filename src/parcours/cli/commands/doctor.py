"""`parcours doctor`: pathways that cannot run, failed or were closed; `doctor close`;
`doctor reserve-again` (`cli.commands.doctor_reserve`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from parcours.cli.commands.doctor_reserve import reserve_again
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import short
from parcours.cli.options import JsonFlag, ReasonOpt, Ref, group_module
from parcours.cli.oversight import overseer_session
from parcours.cli.render import console, listing, print_json, when
from parcours.cli.runtime import Session, guarded, reader_session, with_pathways

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.health import Trouble
    from parcours.cli.i18n import Text

commands, doctor = group_module("doctor", invoke_without_command=True)


@doctor.callback()
@guarded
def troubles(ctx: typer.Context, as_json: JsonFlag = False) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from parcours.app.doctor import troubles as find_troubles

    session = reader_session()

    async def work(pathways: PathwayClient) -> list[Trouble]:
        return await find_troubles(pathways, session.settings.task_queue)

    found = with_pathways(session, work, whole_timeout=False)
    found = _opened(session, found)
    if as_json:
        print_json(found)
        return
    columns = ("ref", "condition", "since", "error", "closed")
    rows = [_row(t, session.text) for t in found]
    listing(session.text, "doctor", columns, rows, session.text("doctor.nothing"))


def _row(trouble: Trouble, text: Text) -> list[str]:
    closed = ""
    if trouble.closed_by:
        closed = text("doctor.closed_by", actor=trouble.closed_by, reason=trouble.reason)
    elif trouble.reason:
        closed = trouble.reason
    return [
        short(trouble.pathway_id),
        text(f"doctor.condition.{trouble.condition}"),
        when(trouble.since),
        trouble.error,
        closed,
    ]


@doctor.command("close", help="help.doctor.close")
@guarded
def close(reference: Ref, reason: ReasonOpt = "", as_json: JsonFlag = False) -> None:
    from parcours.app.doctor import close as close_pathway

    # Terminating is not checked by the worker: the coordinator is proven first.
    session = overseer_session("doctor.coordinator_only", words="doctor.close")
    if not reason.strip():
        raise CliError(session.text("doctor.reason_required"), ExitCode.USAGE)
    meta = session.request(reason.strip(), None)
    _check_reason(session, meta.reason)

    async def work(pathways: PathwayClient) -> Trouble:
        return await close_pathway(pathways, await pathways.resolve(reference), meta)

    closed = _opened(session, [with_pathways(session, work)])[0]
    if as_json:
        print_json(closed)
        return
    console.print(session.text("doctor.closed", pathway=closed.pathway_id, reason=closed.reason))


doctor.command("reserve-again", help="help.doctor.reserve_again")(guarded(reserve_again))


def _opened(session: Session, found: list[Trouble]) -> list[Trouble]:
    """The closing reasons opened (each sealed under its person's key), the read logged."""
    from parcours.cli.reads import ReadCommand, opened_if_sealed

    closed = [t.pathway_id for t in found if t.reason]
    return opened_if_sealed(session, ReadCommand.DOCTOR, closed, found)


def _check_reason(session: Session, reason: str) -> None:
    """A reason is part of the record: no invisible controls in it (exit 2)."""
    from parcours.domain.controls import invisible_controls

    found = invisible_controls(reason)
    if found:
        said = session.text(
            "refer.name_bidi", field=session.text("refer.field.reason"), found=found
        )
        raise CliError(said, ExitCode.USAGE)
