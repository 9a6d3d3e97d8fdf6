"""`parcours retention sweep [--yes] [--dry-run] [--json]`: erase the persons of pathways
whose run has ended, once their retention by the last contact is over (README, Retention).
Registered on the `retention` group by `cli.commands.retention`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.commands.erasure import YesFlag
from parcours.cli.confirm import confirmed
from parcours.cli.exit_codes import ExitCode
from parcours.cli.options import JsonFlag, flag
from parcours.cli.oversight import overseer_session, sweep_preview_session
from parcours.cli.render import console, err_console, listing, print_json, tally, when
from parcours.cli.runtime import open_readmodel, with_pathways

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.retention_sweep import Due, Swept
    from parcours.cli.runtime import Session

DryRunFlag = Annotated[bool, flag("--dry-run", "sweep_dry_run")]


def retention_sweep(
    yes: YesFlag = False, dry_run: DryRunFlag = False, as_json: JsonFlag = False
) -> None:
    from datetime import UTC, datetime

    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.retention_sweep import ended_past_due, sweep
    from parcours.cli.reads import proven

    session = (
        sweep_preview_session() if dry_run else overseer_session("retention.sweep_coordinator_only")
    )
    meta = session.request("", None)  # each erasure gives its own reason
    keyring = load_keyring(session.settings)
    with open_readmodel() as store:
        # erasing opens each identity to find its reservations: proven, as every read
        meta = replace(meta, key_id=proven(session, store, meta.actor) or "")

        async def find(pathways: PathwayClient) -> tuple[list[Due], dict[str, BaseException]]:
            return await ended_past_due(pathways, store, datetime.now(UTC))

        due, unread = with_pathways(session, find, whole_timeout=False)
        failures = said_failures(session, unread)
        if dry_run or not due:
            _say_found(session, due, failures, as_json=as_json)
            exit_if_failed(failures)
            return
        if not yes:
            _confirm(session, due, as_json=as_json)

        async def work(pathways: PathwayClient) -> Swept:
            with tally(session.text("retention.sweeping"), as_json=as_json) as bar:
                bar.listed(len(due))
                return await sweep(pathways, store, keyring, due, meta, done=bar.done)

        done = with_pathways(session, work, whole_timeout=False)
    failures.update(said_failures(session, done.failed))
    _say_swept(session, done, failures, as_json=as_json)
    exit_if_failed(failures)


def said_failures(
    session: Session, failed: Mapping[str, BaseException]
) -> dict[str, tuple[str, ExitCode]]:
    """Each failure in one sentence of the reader's language, with its exit code."""
    from parcours.cli.errors import translate

    said = {pathway_id: translate(err, session.text) for pathway_id, err in failed.items()}
    return {pathway_id: (err.message, err.code) for pathway_id, err in said.items()}


def _confirm(session: Session, due: list[Due], *, as_json: bool) -> None:
    """Go on once the coordinator, shown the list, says yes; else end here (exit 0)."""
    if not as_json:
        _table(session, due)
    if not confirmed(session.text, session.text("retention.sweep_confirm", count=len(due))):
        console.print(session.text("retention.sweep_declined"), markup=False)
        raise typer.Exit(ExitCode.OK)


def _table(session: Session, due: list[Due], nothing: str = "retention.sweep.nothing") -> None:
    rows = [[d.pathway_id, d.programme, when(d.due_at)] for d in due]
    columns = ("pathway", "programme", "due")
    listing(session.text, "retention.sweep", columns, rows, session.text(nothing))


def _say_found(
    session: Session, due: list[Due], failures: dict[str, tuple[str, ExitCode]], *, as_json: bool
) -> None:
    """A dry run (or nothing due): what would be erased, and what could not be read."""
    if as_json:
        print_json({"due": due, "failed": {k: m for k, (m, _) in failures.items()}})
        return
    _table(session, due, "retention.sweep.nothing_read" if failures else "retention.sweep.nothing")
    say_failures(session, failures)


def _say_swept(
    session: Session, done: Swept, failures: dict[str, tuple[str, ExitCode]], *, as_json: bool
) -> None:
    if as_json:
        print_json({"erased": done.erased, "failed": {k: m for k, (m, _) in failures.items()}})
        return
    say_failures(session, failures)
    counts = {"erased": len(done.erased), "failed": len(failures)}
    console.print(session.text("retention.swept", **counts), markup=False)


def say_failures(
    session: Session, failures: dict[str, tuple[str, ExitCode]], key: str = "retention.sweep_failed"
) -> None:
    """Each pathway that failed, in one line on stderr (`key`'s sentence)."""
    for pathway_id, (message, _) in failures.items():
        err_console.print(session.text(key, pathway=pathway_id, error=message), markup=False)


def exit_if_failed(failures: dict[str, tuple[str, ExitCode]]) -> None:
    """Exit 5 when the service or the read model did not answer for one pathway at least,
    3 when any other failed; 0 when none did."""
    if not failures:
        return
    codes = {code for _, code in failures.values()}
    raise typer.Exit(ExitCode.UNAVAILABLE if ExitCode.UNAVAILABLE in codes else ExitCode.REFUSED)
