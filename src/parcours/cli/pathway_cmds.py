"""`parcours refer|show|timeline|list|next`: finding and reading pathways."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.guard import current_session, guarded
from parcours.cli.i18n import Text
from parcours.cli.options import JsonFlag
from parcours.cli.remote import parse_instant, with_pathways
from parcours.cli.render import console, pairs, print_json, table, when
from parcours.cli.session import Session

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient, PathwaySummary
    from parcours.domain.records import PathwayEvent
    from parcours.workflows.messages import Participant, PathwayStatus


def short(pathway_id: str) -> str:
    """The short reference shown to people: the first eight characters after `pathway-`."""
    return pathway_id.removeprefix("pathway-")[:8]


def stage_label(stage: str, text: Text) -> str:
    """A stage in the reader's language (an unknown one is shown as recorded)."""
    return word("stage", stage, text)


def reader_session() -> Session:
    """The session of a command that reads pathways; a role that may not is refused."""
    from parcours.cli.errors import CliError
    from parcours.cli.exit_codes import ExitCode
    from parcours.domain.permissions import PATHWAY_READERS, may_read_pathways
    from parcours.domain.vocabulary import Role

    session = current_session()
    if not may_read_pathways(Role(session.role)):
        allowed = ", ".join(sorted(r.value for r in PATHWAY_READERS))
        raise CliError(
            session.text("error.may_not_read", role=session.role, allowed=allowed),
            ExitCode.REFUSED,
        )
    return session


def event_label(kind: str, text: Text) -> str:
    """What happened, in the reader's language (an unknown kind is shown as recorded)."""
    from parcours.domain.events import EVENT_KINDS

    return text(f"event.{kind}") if kind in EVENT_KINDS else kind


def word(prefix: str, value: str, text: Text) -> str:
    """A stored value (a partner kind, a status...) in the reader's language, from the
    catalogue's `prefix.value`; a value the catalogue has no words for is shown as is."""
    try:
        return text(f"{prefix}.{value}")
    except KeyError:
        return value


def action_label(trigger: str, text: Text) -> str:
    """What a trigger does, as a short imperative ("sign the contract")."""
    return word("action", trigger, text)


def action_labels(triggers: Iterable[str], text: Text) -> str:
    """Actions for a sentence ("Allowed now: ..."), or the word for none."""
    return ", ".join(action_label(t, text) for t in triggers) or text("none")


def register(app: typer.Typer, t: Text) -> None:
    Ref = Annotated[str, typer.Argument(help=t("help.arg.ref"), metavar="REF")]

    @app.command("refer", help=t("help.refer"))
    @guarded
    def refer(
        programme: Annotated[str, typer.Option(help=t("help.opt.programme"))],
        referrer: Annotated[str, typer.Option(help=t("help.opt.referrer"))],
        reason: Annotated[str, typer.Option(help=t("help.opt.referral_reason"))],
        first_name: Annotated[str, typer.Option(help=t("help.opt.first_name"))],
        last_name: Annotated[str, typer.Option(help=t("help.opt.last_name"))],
        birth_date: Annotated[str, typer.Option(help=t("help.opt.birth_date"))],
        session_name: Annotated[
            str | None, typer.Option("--session", help=t("help.opt.session"))
        ] = None,
        referent: Annotated[str | None, typer.Option(help=t("help.opt.referent"))] = None,
        version: Annotated[int | None, typer.Option(help=t("help.opt.version"))] = None,
        on: Annotated[str | None, typer.Option(help=t("help.opt.on"))] = None,
        phone: Annotated[str, typer.Option(help=t("help.opt.phone"))] = "",
        email: Annotated[str, typer.Option(help=t("help.opt.email"))] = "",
        address: Annotated[str, typer.Option(help=t("help.opt.address"))] = "",
        availability: Annotated[str, typer.Option(help=t("help.opt.availability"))] = "",
        skill: Annotated[list[str] | None, typer.Option(help=t("help.opt.skill"))] = None,
        language: Annotated[list[str] | None, typer.Option(help=t("help.opt.language"))] = None,
        request_id: Annotated[str | None, typer.Option(help=t("help.opt.request_id"))] = None,
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.adapters.temporal.fingerprint import fingerprints
        from parcours.adapters.temporal.keys import load_keyring
        from parcours.domain.commands import Refer
        from parcours.domain.records import Actor, RequestMeta
        from parcours.domain.vocabulary import Role
        from parcours.programmes import get_programme
        from parcours.workflows.messages import Participant

        session = current_session()
        actor = session.require_actor()
        definition = get_programme(programme, version)
        referred_at = parse_instant(on, session, "--on")
        birth = _birth_date(birth_date, session)
        person = Participant(
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            birth_date=birth,
            phone=phone,
            email=email,
            address=address,
            availability=availability,
            skills=list(skill or []),
            languages=list(language or []),
        )
        command = Refer(
            referrer=referrer,
            referred_at=referred_at,
            session=session_name or referred_at.strftime("%Y-%m"),
            referent=referent or actor,
        )
        meta = RequestMeta(
            request_id or session.new_request_id(), Actor(actor, Role(session.role)), reason
        )
        marks = fingerprints(
            load_keyring(session.settings), definition.name, last_name, first_name, birth
        )

        async def work(pathways: "PathwayClient") -> str:
            return await pathways.refer_once(definition, person, command, meta, marks)

        pathway_id = with_pathways(session, work)
        if as_json:
            print_json({"pathway_id": pathway_id, "ref": short(pathway_id)})
        else:
            console.print(session.text("refer.done", pathway=pathway_id, ref=short(pathway_id)))

    @app.command("show", help=t("help.show"))
    @guarded
    def show(reference: Ref, as_json: JsonFlag = False) -> None:
        from parcours.domain.permissions import may_see_identity
        from parcours.domain.vocabulary import Role

        session = reader_session()
        sees_person = may_see_identity(Role(session.role))

        async def work(pathways: "PathwayClient") -> "tuple[PathwayStatus, Participant | None]":
            pathway_id = await pathways.resolve(reference)
            status = await pathways.status(pathway_id)
            person = await pathways.participant(pathway_id) if sees_person else None
            return status, person

        status, person = with_pathways(session, work)
        if as_json:
            from dataclasses import replace

            mine = replace(status, allowed=list(offered(status, session)))
            print_json({"status": mine, "participant": person})
            return
        _print_status(status, person, session)

    @app.command("timeline", help=t("help.timeline"))
    @guarded
    def timeline(reference: Ref, as_json: JsonFlag = False) -> None:
        session = reader_session()

        async def work(pathways: "PathwayClient") -> "list[PathwayEvent]":
            return await pathways.timeline(await pathways.resolve(reference))

        events = with_pathways(session, work)
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
                    when(e.at),
                    event_label(e.kind, text),
                    stage_label(e.stage.value, text),
                    f"{e.actor_id} ({e.role.value})",
                    e.reason,
                ]
                for e in events
            ],
        )

    @app.command("list", help=t("help.list"))
    @guarded
    def list_pathways(
        programme: Annotated[str | None, typer.Option(help=t("help.opt.programme"))] = None,
        stage: Annotated[str | None, typer.Option(help=t("help.opt.stage"))] = None,
        referent: Annotated[str | None, typer.Option(help=t("help.opt.referent"))] = None,
        alert_before: Annotated[
            str | None, typer.Option("--alert-before", help=t("help.opt.alert_before"))
        ] = None,
        include_closed: Annotated[
            bool, typer.Option("--closed", help=t("help.opt.closed"))
        ] = False,
        limit: Annotated[int, typer.Option(help=t("help.opt.limit"), min=1)] = 200,
        as_json: JsonFlag = False,
    ) -> None:
        session = reader_session()
        query = build_list_query(
            programme=programme,
            stage=stage,
            referent=referent,
            alert_before=parse_instant(alert_before, session, "--alert-before")
            if alert_before
            else None,
            include_closed=include_closed,
            session=session,
        )

        async def work(pathways: "PathwayClient") -> "list[PathwaySummary]":
            return await pathways.list(query, limit=limit)

        found = with_pathways(session, work)
        if as_json:
            print_json(found)
            return
        text = session.text
        table(
            text("list.title", count=len(found)),
            [text(f"list.col.{c}") for c in ("ref", "programme", "stage", "referent", "alert")],
            [
                [
                    short(s.pathway_id),
                    s.programme,
                    stage_label(s.stage, text),
                    s.referent,
                    when(s.next_alert_at),
                ]
                for s in found
            ],
        )

    @app.command("next", help=t("help.next"))
    @guarded
    def next_actions(reference: Ref, as_json: JsonFlag = False) -> None:
        session = reader_session()

        async def work(pathways: "PathwayClient") -> "PathwayStatus":
            return await pathways.status(await pathways.resolve(reference))

        status = with_pathways(session, work)
        if as_json:
            print_json({"stage": status.stage, "allowed": list(offered(status, session))})
            return
        text = session.text
        table(
            text("next.title", stage=stage_label(status.stage.value, text)),
            [text("next.col.action"), text("next.col.command"), text("next.col.trigger")],
            [
                [action_label(trigger, text), text(f"command.{trigger}"), trigger]
                for trigger in offered(status, session)
            ],
        )


def offered(status: "PathwayStatus", session: Session) -> tuple[str, ...]:
    """The allowed actions this session's role may take: the others are not offered."""
    from parcours.domain.permissions import permitted
    from parcours.domain.vocabulary import Role

    return permitted(Role(session.role), status.allowed)


def build_list_query(
    *,
    programme: str | None,
    stage: str | None,
    referent: str | None,
    alert_before: datetime | None,
    include_closed: bool,
    session: Session,
) -> str:
    """A visibility query over the search attributes only: never personal data."""
    from parcours.cli.errors import CliError
    from parcours.cli.exit_codes import ExitCode
    from parcours.domain.vocabulary import Stage
    from parcours.workflows import search_attributes as sa

    clauses = [f"TaskQueue = '{_quoted(session.settings.task_queue)}'"]
    if not include_closed:
        clauses.append("ExecutionStatus = 'Running'")
    if programme:
        clauses.append(f"{sa.PROGRAMME.name} = '{_quoted(programme)}'")
    if stage:
        if stage not in {s.value for s in Stage}:
            allowed = ", ".join(s.value for s in Stage)
            raise CliError(
                session.text("error.bad_choice", value=stage, option="--stage", allowed=allowed),
                ExitCode.USAGE,
            )
        clauses.append(f"{sa.STAGE.name} = '{stage}'")
    if referent:
        clauses.append(f"{sa.REFERENT.name} = '{_quoted(referent)}'")
    if alert_before:
        instant = alert_before.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        clauses.append(f"{sa.NEXT_ALERT_AT.name} < '{instant}'")
    return " AND ".join(clauses)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _birth_date(value: str, session: Session) -> str:
    from parcours.cli.errors import CliError
    from parcours.cli.exit_codes import ExitCode

    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise CliError(
            session.text("error.bad_date", value=value, option="--birth-date"), ExitCode.USAGE
        ) from None


def _print_status(status: "PathwayStatus", person: "Participant | None", session: Session) -> None:
    text = session.text
    rows = [
        (text("show.pathway"), f"{status.pathway_id} ({short(status.pathway_id)})"),
    ]
    if person is not None:
        rows.append((text("show.person"), f"{person.first_name} {person.last_name}"))
    rows += [
        (text("show.programme"), f"{status.programme} v{status.programme_version}"),
        (
            text("show.stage"),
            f"{stage_label(status.stage.value, text)} ({when(status.stage_since)})",
        ),
        (text("show.referent"), status.referent),
        (text("show.session"), status.session),
        (text("show.referred"), when(status.referred_at)),
        (text("show.contract"), when(status.contract_signed_at)),
        (text("show.deadline"), when(status.accompaniment_ends_at)),
        (text("show.next_alert"), when(status.next_alert_at)),
        (
            text("show.barriers"),
            ", ".join(
                f"{b.barrier_id} {word('barrier_kind', b.kind.value, text)}"
                f" ({word('barrier_status', b.status.value, text)})"
                for b in status.barriers
            )
            or text("none"),
        ),
        (
            text("show.consents"),
            ", ".join(
                word("partner_kind", c.partner_kind.value, text)
                + (f" ({text('show.withdrawn')})" if c.withdrawn_at else "")
                for c in status.consents
            )
            or text("none"),
        ),
        (
            text("show.alerts"),
            ", ".join(
                f"{a.alert_id} ({word('rule', a.rule.value, text)})" for a in status.open_alerts
            )
            or text("show.no_alerts"),
        ),
        (text("show.allowed"), action_labels(offered(status, session), text)),
    ]
    if status.outcome is not None:
        verdict = text("show.positive") if status.outcome.positive else text("show.not_positive")
        reason = word("exit_reason", status.outcome.reason.value, text)
        rows.append((text("show.outcome"), f"{reason} ({verdict})"))
    pairs(text("show.title"), rows)
