"""`parcours find --first-name --last-name --birth-date`: a person's pathways, for a
request that names a person (coordinators: an erasure, a request for access)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.labels import short, stage_label
from parcours.cli.options import BirthDateOpt, JsonFlag, programme_key
from parcours.cli.oversight import overseer_session
from parcours.cli.referral_input import typed_person
from parcours.cli.render import console, listing, print_json
from parcours.cli.runtime import guarded, with_pathways

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.finding import Found
    from parcours.cli.i18n import Text

commands = typer.Typer()


@commands.command("find", help="help.find")
@guarded
def find(
    first_name: Annotated[str, typer.Option(help="help.opt.find_first_name")],
    last_name: Annotated[str, typer.Option(help="help.opt.find_last_name")],
    birth_date: BirthDateOpt,
    programme: Annotated[
        str | None,
        typer.Option(help="help.opt.find_programme", parser=programme_key, metavar="TEXT"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.finding import find_person
    from parcours.cli.criteria import known_programme
    from parcours.cli.programme_files import latest_files
    from parcours.cli.reads import ReadCommand, logged

    session = overseer_session("find.coordinator_only")
    known_programme(programme, session.text)
    person = typed_person(
        session, (first_name, last_name), birth_date, ("", "", "", ""), None, None
    )
    programmes = [programme] if programme else list(latest_files())
    keyring = load_keyring(session.settings)

    async def work(pathways: PathwayClient) -> list[Found]:
        return await find_person(pathways, keyring, person, programmes)

    found = with_pathways(session, work)
    logged(session, ReadCommand.FIND, [f.pathway_id for f in found])  # before anything shows
    if as_json:
        print_json(found)
    elif found:
        columns = ("programme", "pathway", "stage")
        listing(session.text, "find", columns, [_row(f, session.text) for f in found])
    else:
        console.print(session.text("find.none"))


def _row(found: Found, text: Text) -> list[str]:
    stage = stage_label(found.stage, text) if found.running else text("find.ended")
    return [found.programme, f"{found.pathway_id} ({short(found.pathway_id)})", stage]
