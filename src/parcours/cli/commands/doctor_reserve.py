"""`parcours doctor reserve-again [--json]`: each running pathway's reservation claimed
again under its name's current form (`app.rereserve`), once after the upgrade that
changed how names are compared; it says each pathway another one holds the person for.
Registered on the `doctor` group by `cli.commands.doctor`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from parcours.cli.errors import translate
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import short
from parcours.cli.options import JsonFlag
from parcours.cli.oversight import overseer_session
from parcours.cli.render import console, err_console, listing, print_json, tally
from parcours.cli.runtime import open_readmodel, with_pathways

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.rereserve import Reserved
    from parcours.cli.runtime import Session

FAILED = "failed"
RUNNING = "ExecutionStatus = 'Running'"
"""The pathways asked: every one the service runs (its index, as `list` reads it), on
this deployment's task queue."""


def reserve_again(as_json: JsonFlag = False) -> None:
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.rereserve import reserve_again as claim_again
    from parcours.cli.reads import proven

    session = overseer_session("doctor.reserve_coordinator_only", words="doctor.reserve_again")
    keyring = load_keyring(session.settings)
    with open_readmodel() as store:
        meta = session.request("", None)
        meta = replace(meta, key_id=proven(session, store, meta.actor) or "")

        async def work(pathways: PathwayClient) -> dict[str, Reserved | BaseException]:
            found: dict[str, Reserved | BaseException] = {}
            with tally(session.text("doctor.reserving"), as_json=as_json) as bar:
                query = f"{RUNNING} AND TaskQueue = '{pathways.task_queue}'"
                pathway_ids = [p async for p in pathways.pathway_ids(query)]
                bar.listed(len(pathway_ids))
                for done, pathway_id in enumerate(pathway_ids, start=1):
                    try:
                        found[pathway_id] = await claim_again(
                            pathways, store, keyring, pathway_id, meta
                        )
                    except Exception as err:  # noqa: BLE001 - said per pathway, exit after
                        found[pathway_id] = err
                        if translate(err, session.text).code == ExitCode.UNAVAILABLE:
                            break  # the service or the read model is down: ask no more
                    bar.done(done)
            return found

        found = with_pathways(session, work, whole_timeout=False)
    _say(session, found, as_json=as_json)


def _say(session: Session, found: dict[str, Reserved | BaseException], *, as_json: bool) -> None:
    """How many held already, were claimed, were left; each held by another pathway (the
    same person twice, to look at); and on stderr each that could not be asked, the
    command ending with the first one's exit code."""
    import typer

    from parcours.app.rereserve import Held, Reserved

    reserved = {k: v for k, v in found.items() if isinstance(v, Reserved)}
    outcomes = [v.held.value for v in reserved.values()]
    others = {k: v.holder for k, v in reserved.items() if v.holder}
    errors = {
        k: translate(v, session.text) for k, v in found.items() if isinstance(v, BaseException)
    }
    failed = {k: err.message for k, err in errors.items()}
    counts = {held.value: outcomes.count(held.value) for held in Held}
    if as_json:
        print_json({"counts": counts | {FAILED: len(failed)}, "others": others, "failed": failed})
    else:
        console.print(session.text("doctor.reserved", **counts, failed=str(len(failed))))
        rows = [[short(k), short(v)] for k, v in others.items()]
        if rows:
            listing(session.text, "doctor.reserved_other", ("pathway", "holder"), rows)
    for pathway_id, said in failed.items():  # on stderr, as every failure, JSON or not
        err_console.print(f"{short(pathway_id)}: {said}", markup=False)
    if errors:  # the first failure's exit code (5 for a service down, 8 for a broken run)
        raise typer.Exit(next(iter(errors.values())).code)
