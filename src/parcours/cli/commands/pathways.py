"""`parcours refer|show|timeline|list|next`: referring a person, finding and reading pathways."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.corrected import described, happened_and_recorded
from parcours.cli.criteria import known_programme
from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import action_label, actor_label, as_typed, short, stage_label
from parcours.cli.options import (
    BirthDateOpt,
    JsonFlag,
    On,
    ProgrammeOpt,
    Ref,
    RequestOpt,
    RequiredProgramme,
    VersionOpt,
    flag,
)
from parcours.cli.referral_input import (
    check_typed_referral,
    typed_person,
    typed_referral,
)
from parcours.cli.referrers import warn_if_unlisted
from parcours.cli.render import console, listing, print_json, table, when
from parcours.cli.runtime import (
    Session,
    current_session,
    guarded,
    reader_session,
    with_pathways,
)

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient, PathwaySummary
    from parcours.app.referral import Referred
    from parcours.cli.i18n import Text
    from parcours.domain.records import PathwayEvent
    from parcours.workflows.messages import Participant
    from parcours.workflows.summaries import PathwayStatus

commands = typer.Typer()


@commands.command("refer", help="help.refer")
@guarded
def refer(
    programme: RequiredProgramme,
    referrer: Annotated[str, typer.Option(help="help.opt.referrer")],
    reason: Annotated[str, typer.Option(help="help.opt.referral_reason")],
    first_name: Annotated[str, typer.Option(help="help.opt.first_name")],
    last_name: Annotated[str, typer.Option(help="help.opt.last_name")],
    birth_date: BirthDateOpt,
    session_name: Annotated[str | None, typer.Option("--session", help="help.opt.session")] = None,
    referent: Annotated[str | None, typer.Option(help="help.opt.referent")] = None,
    version: VersionOpt = None,
    on: On = None,
    phone: Annotated[str, typer.Option(help="help.opt.phone")] = "",
    email: Annotated[str, typer.Option(help="help.opt.email")] = "",
    address: Annotated[str, typer.Option(help="help.opt.address")] = "",
    availability: Annotated[str, typer.Option(help="help.opt.availability")] = "",
    skill: Annotated[list[str] | None, typer.Option(help="help.opt.skill")] = None,
    language: Annotated[list[str] | None, typer.Option(help="help.opt.language")] = None,
    request_id: RequestOpt = None,
    returning: Annotated[bool, flag("--returning")] = False,
    as_json: JsonFlag = False,
) -> None:
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.referral import refer_person
    from parcours.programmes import get_programme

    session = current_session()
    actor = session.require_actor()
    definition = get_programme(programme, version)
    referred_at = parse_instant(on, session, "--on")
    contact = (phone, email, address, availability)
    person = typed_person(session, (first_name, last_name), birth_date, contact, skill, language)
    command = typed_referral(session, referrer, referred_at, actor, session_name, referent)
    meta, keyring = session.request(reason, request_id), load_keyring(session.settings)
    named = session_name is not None
    check_typed_referral(session, person, command, meta, definition.name, named=named)
    sent = partial(refer_person, meta=meta, keyring=keyring, returning=returning)
    referred = with_pathways(session, lambda pathways: sent(pathways, definition, person, command))
    _say_referred(session, referred, as_json)
    warn_if_unlisted(session, referrer)  # once the pathway exists, never before


def _say_referred(session: Session, referred: Referred, as_json: bool) -> None:
    pathway_id, earlier = referred.pathway_id, referred.earlier
    if as_json:
        shown = {"pathway_id": pathway_id, "ref": short(pathway_id)}
        print_json(shown | ({"earlier_pathway_id": earlier} if earlier else {}))
        return
    console.print(session.text("refer.done", pathway=pathway_id, ref=short(pathway_id)))
    if earlier:
        console.print(session.text("refer.returning", earlier=earlier, ref=short(earlier)))


@commands.command("show", help="help.show")
@guarded
def show(reference: Ref, as_json: JsonFlag = False) -> None:
    from dataclasses import replace

    from parcours.cli.reads import ReadCommand, logged
    from parcours.cli.status import print_status
    from parcours.domain.permissions import may_see_identity
    from parcours.domain.vocabulary import Role

    session = reader_session()
    sees_person = may_see_identity(Role(session.role))

    async def work(pathways: PathwayClient) -> tuple[PathwayStatus, Participant | None]:
        pathway_id = await pathways.resolve(reference)
        status = await pathways.status(pathway_id)
        person = await pathways.participant(pathway_id) if sees_person else None
        return status, person

    status, person = with_pathways(session, work)
    logged(session, ReadCommand.SHOW, [status.pathway_id])
    if as_json:
        mine = replace(status, allowed=list(offered(status, session)))
        print_json({"status": mine, "participant": person})
        return
    print_status(status, person, offered(status, session), session.text)


@commands.command("timeline", help="help.timeline")
@guarded
def timeline(reference: Ref, as_json: JsonFlag = False) -> None:
    from parcours.cli.reads import ReadCommand, logged

    session = reader_session()

    async def work(pathways: PathwayClient) -> tuple[str, list[PathwayEvent], bool | None]:
        pathway_id = await pathways.resolve(reference)
        events = await pathways.timeline(pathway_id)
        return pathway_id, events, await _positive_now(pathways, pathway_id, events)

    pathway_id, events, positive_now = with_pathways(session, work)
    logged(session, ReadCommand.TIMELINE, [pathway_id])  # the reasons staff typed
    if as_json:
        print_json(events)
        return
    text = session.text
    table(
        text("timeline.title", ref=reference),
        [text(f"timeline.col.{c}") for c in ("seq", "at", "event", "stage", "by", "reason")],
        [
            [
                str(e.seq),
                happened_and_recorded(e, text),
                said,
                stage_label(e.stage.value, text),
                actor_label(e.actor_id, e.role.value, text),
                as_typed(e.reason, text),
            ]
            for e, said in zip(events, described(events, text, positive_now), strict=True)
        ],
    )


async def _positive_now(
    pathways: PathwayClient, pathway_id: str, events: list[PathwayEvent]
) -> bool | None:
    """Whether the pathway's exit is positive now, asked only of a pathway whose timeline
    holds an exit and a correction: the one case where it may differ from the recorded
    verdict (`corrections.rejudged_exit`)."""
    from parcours.cli.exit_verdict import positive_now
    from parcours.domain.commands import CORRECTION_EVENTS
    from parcours.domain.commands.lifecycle import LifecycleTrigger

    kinds = {e.kind for e in events}
    if LifecycleTrigger.EXIT.event not in kinds or not kinds & CORRECTION_EVENTS:
        return None
    return await positive_now(pathways, pathway_id)


@commands.command("list", help="help.list")
@guarded
def list_pathways(
    programme: ProgrammeOpt = None,
    stage: Annotated[str | None, typer.Option(help="help.opt.stage")] = None,
    referent: Annotated[str | None, typer.Option(help="help.opt.referent")] = None,
    alert_before: Annotated[
        str | None, typer.Option("--alert-before", help="help.opt.alert_before")
    ] = None,
    include_closed: Annotated[bool, flag("--closed")] = False,
    limit: Annotated[int, typer.Option(help="help.opt.limit", min=1)] = 200,
    as_json: JsonFlag = False,
) -> None:
    from parcours.app.queries import pathways_query

    session = reader_session()
    known_programme(programme, session.text)  # a misspelt one: exit 4, as `report` says
    query = pathways_query(
        session.settings.task_queue,
        programme=programme,
        stage=known_stage(stage, session),
        referent=referent,
        alert_before=parse_instant(alert_before, session, "--alert-before")
        if alert_before
        else None,
        include_closed=include_closed,
    )

    async def work(pathways: PathwayClient) -> list[PathwaySummary]:
        return await pathways.list(query, limit=limit)

    found = with_pathways(session, work)
    if as_json:
        print_json(found)
        return
    text = session.text
    asked = any((programme, stage, referent, alert_before))
    nothing = text("list.nothing_matching" if asked else "list.nothing")
    hint = "" if include_closed else f" {text('list.closed_hint')}"
    rows, columns = [_summary_row(s, text) for s in found], ("ref", "programme", "stage")
    listing(text, "list", (*columns, "referent", "alert"), rows, nothing + hint)


def _summary_row(summary: PathwaySummary, text: Text) -> list[str]:
    return [
        short(summary.pathway_id),
        summary.programme,
        stage_label(summary.stage, text),
        summary.referent,
        when(summary.next_alert_at) if summary.running else text("list.closed_for_good"),
    ]


def known_stage(stage: str | None, session: Session) -> str | None:
    """The stage `--stage` names: its key (`barrier_work`) or its label in either language
    ("Levée des freins", "Orienté·e", or "Orientée", "oriente"), whatever its case and
    accents; exit 2 otherwise, listing both."""
    from parcours.cli.typed_words import allowed
    from parcours.domain.vocabulary import Stage
    from parcours.locale.words import named

    if not stage:
        return stage
    keys = [s.value for s in Stage]
    found = named("stage", keys, stage)
    if found is not None:
        return found
    raise CliError(
        session.text(
            "error.bad_choice",
            value=stage,
            option="--stage",
            allowed=allowed("stage", keys, session.text),
        ),
        ExitCode.USAGE,
    )


@commands.command("next", help="help.next")
@guarded
def next_actions(reference: Ref, as_json: JsonFlag = False) -> None:
    session = reader_session()

    async def work(pathways: PathwayClient) -> PathwayStatus:
        return await pathways.status(await pathways.resolve(reference))

    status = with_pathways(session, work)
    if as_json:
        allowed = list(offered(status, session))
        print_json({"stage": status.stage, "allowed": allowed, "closed_at": status.closed_at})
        return
    text, ref = session.text, short(status.pathway_id)
    if status.closed_at is not None:  # not an empty table: nothing may ever be done again
        from parcours.cli.labels import closure_note

        why = closure_note(status.closure, text)
        console.print(text("next.closed", ref=ref, when=when(status.closed_at), why=why))
        return
    table(
        text("next.title", stage=stage_label(status.stage.value, text)),
        [text("next.col.action"), text("next.col.command")],
        [
            [action_label(trigger, text), text(f"command.{trigger}", ref=ref)]
            for trigger in offered(status, session)
        ],
    )


def offered(status: PathwayStatus, session: Session) -> tuple[str, ...]:
    """The allowed actions this session's role may take: the others are not offered."""
    from parcours.domain.permissions import permitted
    from parcours.domain.vocabulary import Role

    return permitted(Role(session.role), status.allowed)
