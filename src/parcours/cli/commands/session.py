"""`parcours session open|list|show|close`: the sessions of a programme, kept in the read model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.criteria import known_programme
from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.jobdating_view import refused
from parcours.cli.labels import listed, short, stage_label, word
from parcours.cli.options import JsonFlag, ProgrammeOpt, RequiredProgramme, group_module
from parcours.cli.oversight import overseer_session
from parcours.cli.render import console, listing, pairs, plain, print_json, when
from parcours.cli.runtime import (
    Session,
    guarded,
    open_readmodel,
    reader_session,
)
from parcours.domain.errors import DomainError

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.cli.i18n import Text
    from parcours.domain.sessions import Session as ProgrammeSession
    from parcours.domain.vocabulary import Stage

commands, session_group = group_module("session")

SessionName = Annotated[str, typer.Argument(help="help.arg.session_name", metavar="SESSION")]
Capacity = Annotated[int | None, typer.Option(min=1, help="help.opt.capacity")]
Referrers = Annotated[
    list[str] | None, typer.Option("--referrer", help="help.opt.session_referrer")
]


@session_group.command("open", help="help.session.open")
@guarded
def session_open(
    name: SessionName,
    programme: RequiredProgramme,
    start: Annotated[str, typer.Option("--start", help="help.opt.session_start")],
    capacity: Capacity = None,
    referrer: Referrers = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.app.sessions import open_new_session
    from parcours.domain.sessions import Session as ProgrammeSession
    from parcours.domain.sessions import SessionRejected
    from parcours.programmes import get_programme

    session = overseer_session("session.coordinator_only")
    get_programme(programme)  # an unknown programme is said so (exit 4)
    starts_at = parse_instant(start, session, "--start")
    opened = ProgrammeSession(
        programme,
        name.strip(),
        starts_at,
        capacity,
        list(referrer or []),
        opened_by=session.actor_id or "",
    )
    try:
        open_new_session(open_readmodel(), opened)
    except SessionRejected as err:
        said = session.text(f"session.rejected.{err.field}_{err.fault}", found=err.found)
        raise CliError(said, ExitCode.USAGE) from None
    except DomainError as err:
        raise refused(err, session.text) from None
    if as_json:
        print_json(plain(opened))
        return
    console.print(session.text("session.opened", session=opened.name, programme=programme))


@session_group.command("list", help="help.session.list")
@guarded
def session_list(programme: ProgrammeOpt = None, as_json: JsonFlag = False) -> None:
    session = reader_session()
    known_programme(programme, session.text)
    store = open_readmodel()
    found = store.all_sessions(programme)
    sizes = [store.session_size(s.programme, s.name) for s in found]
    if as_json:
        print_json([{**plain(s), "people": n} for s, n in zip(found, sizes, strict=True)])
        return
    text = session.text
    columns = ("programme", "name", "starts", "capacity", "people", "referrers", "status")
    rows = [
        [
            s.programme,
            s.name,
            when(s.starts_at)[:10],
            str(s.capacity) if s.capacity is not None else "—",
            str(n),
            listed(s.referrers, text),
            word("session_status", s.status.value, text),
        ]
        for s, n in zip(found, sizes, strict=True)
    ]
    listing(text, "sessions", columns, rows, text("sessions.nothing"))


@session_group.command("show", help="help.session.show")
@guarded
def session_show(
    name: SessionName, programme: ProgrammeOpt = None, as_json: JsonFlag = False
) -> None:
    from parcours.app.sessions import people_by_stage

    session = reader_session()
    store = open_readmodel()
    found = which_session(session, store, name, programme)
    people = people_by_stage(store, found.programme, found.name)
    if as_json:
        by_stage = {stage.value: ids for stage, ids in people.items()}
        print_json({**plain(found), "people": sum(map(len, people.values())), "by_stage": by_stage})
        return
    text = session.text
    pairs(text("session.title", session=found.name), _facts(found, people, text))
    rows = [
        [stage_label(stage.value, text), str(len(ids)), ", ".join(short(i) for i in ids)]
        for stage, ids in people.items()
    ]
    listing(text, "session.people", ("stage", "count", "pathways"), rows)


def _facts(
    found: ProgrammeSession, people: dict[Stage, list[str]], text: Text
) -> list[tuple[str, str]]:
    capacity = str(found.capacity) if found.capacity is not None else text("session.no_capacity")
    return [
        (text("session.col.programme"), found.programme),
        (text("session.col.starts"), when(found.starts_at)[:10]),
        (text("session.col.capacity"), capacity),
        (text("session.col.people"), str(sum(map(len, people.values())))),
        (text("session.col.referrers"), listed(found.referrers, text)),
        (text("session.col.status"), word("session_status", found.status.value, text)),
    ]


@session_group.command("close", help="help.session.close")
@guarded
def session_close(
    name: SessionName, programme: ProgrammeOpt = None, as_json: JsonFlag = False
) -> None:
    from datetime import UTC, datetime

    from parcours.app.sessions import close_session

    session = overseer_session("session.coordinator_only")
    store = open_readmodel()
    found = which_session(session, store, name, programme)
    try:
        closed = close_session(store, found.programme, found.name, datetime.now(UTC))
    except DomainError as err:
        raise refused(err, session.text) from None
    if as_json:
        print_json(plain(closed))
        return
    console.print(session.text("session.closed", session=closed.name, programme=closed.programme))


def which_session(
    session: Session, store: Store, name: str, programme: str | None
) -> ProgrammeSession:
    """The session named, in `programme` or, left out, in the one programme that has it."""
    from parcours.app.sessions import find_session

    if programme is not None:
        try:
            return find_session(store, programme, name)
        except DomainError as err:
            raise refused(err, session.text) from None
    found = [s for s in store.all_sessions() if s.name == name]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CliError(session.text("session.unknown_anywhere", session=name), ExitCode.NOT_FOUND)
    programmes = ", ".join(s.programme for s in found)
    said = session.text("session.which_programme", session=name, programmes=programmes)
    raise CliError(said, ExitCode.USAGE)
