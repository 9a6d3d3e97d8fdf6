"""`parcours readmodel rebuild`: the read model built again from the pathways themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.options import JsonFlag, group_module
from parcours.cli.render import console, print_json, say_troubled, tally
from parcours.cli.runtime import (
    answer_timeout,
    current_session,
    guarded,
    open_readmodel,
    with_pathways,
)

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.rebuild import RebuildReport

commands, readmodel = group_module("readmodel")


@readmodel.command("rebuild", help="help.readmodel.rebuild")
@guarded
def rebuild(as_json: JsonFlag = False) -> None:
    from parcours.app.queries import pathways_query
    from parcours.app.rebuild import rebuild as rebuild_readmodel

    session = current_session()
    store = open_readmodel()
    query = pathways_query(session.settings.task_queue, include_closed=True)

    async def work(pathways: PathwayClient) -> RebuildReport:
        with tally(session.text("readmodel.rebuilding"), as_json=as_json) as bar:
            return await rebuild_readmodel(
                pathways,
                store,
                query=query,
                answer_timeout=answer_timeout(),
                on_listed=bar.listed,
                on_rebuilt=bar.done,
            )

    report = with_pathways(session, work, whole_timeout=False)
    say_troubled(session.text, "readmodel.troubled", report.troubled)
    if as_json:
        troubled = [t.pathway_id for t in report.troubled]
        print_json({"rebuilt": report.rebuilt, "removed": report.removed, "cannot_run": troubled})
        return
    console.print(session.text("readmodel.rebuilt", count=report.rebuilt))
    if report.removed:
        console.print(session.text("readmodel.removed", count=report.removed))
