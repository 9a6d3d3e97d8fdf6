"""`parcours partners`, `parcours notifications`, `parcours readmodel rebuild`."""

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.guard import current_session, guarded
from parcours.cli.i18n import Text
from parcours.cli.options import JsonFlag, ReasonOpt, RequestOpt
from parcours.cli.remote import with_pathways
from parcours.cli.render import console, err_console, pairs, print_json, table, when
from parcours.domain.vocabulary import ChannelKind, PartnerKind

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.app.client import PathwayClient


def open_readmodel() -> "Store":
    from sqlalchemy.exc import OperationalError

    from parcours.adapters.readmodel import UnsupportedDatabase, open_store

    session = current_session()
    try:
        return open_store(session.settings.readmodel_url)
    except (OperationalError, UnsupportedDatabase) as err:
        raise CliError(
            session.text("error.readmodel", detail=type(err).__name__), ExitCode.UNAVAILABLE
        ) from None


def _coordinator_only() -> None:
    from parcours.domain.permissions import may_oversee
    from parcours.domain.vocabulary import Role

    session = current_session()
    if not may_oversee(Role(session.role)):
        raise CliError(session.text("partners.coordinator_only"), ExitCode.REFUSED)


def register(app: typer.Typer, t: Text) -> None:
    partners = typer.Typer(help=t("help.partners"), no_args_is_help=True)
    app.add_typer(partners, name="partners")

    @partners.command("list", help=t("help.partners.list"))
    @guarded
    def partners_list(as_json: JsonFlag = False) -> None:
        from parcours.cli.pathway_cmds import word

        found = open_readmodel().list_partners()
        if as_json:
            print_json([{**_public(p)} for p in found])
            return
        text = current_session().text
        table(
            text("partners.title", count=len(found)),
            [text(f"partners.col.{c}") for c in ("name", "kind", "channel", "address", "active")],
            [
                [
                    p.name,
                    word("partner_kind", p.kind.value, text),
                    word("channel", p.channel.value, text),
                    p.address,
                    _ticked(p.active),
                ]
                for p in found
            ],
        )

    @partners.command("add", help=t("help.partners.add"))
    @guarded
    def partners_add(
        name: Annotated[str, typer.Argument(help=t("help.arg.partner_name"))],
        kind: Annotated[PartnerKind, typer.Option(help=t("help.arg.partner_kind"))],
        channel: Annotated[ChannelKind, typer.Option(help=t("help.opt.channel"))],
        address: Annotated[str, typer.Option(help=t("help.opt.partner_address"))],
        secret: Annotated[str, typer.Option(help=t("help.opt.secret"))] = "",
        inactive: Annotated[bool, typer.Option("--inactive", help=t("help.opt.inactive"))] = False,
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.adapters.channels.webhook import acceptable_url
        from parcours.adapters.readmodel import Partner

        _coordinator_only()
        session = current_session()
        if channel is ChannelKind.WEBHOOK and not secret:
            raise CliError(session.text("partners.webhook_secret"), ExitCode.USAGE)
        if channel is ChannelKind.WEBHOOK and not acceptable_url(address):
            raise CliError(session.text("partners.webhook_url"), ExitCode.USAGE)
        open_readmodel().add_partner(
            Partner(
                name=name,
                kind=kind,
                channel=channel,
                address=address,
                secret=secret,
                active=not inactive,
            )
        )
        if as_json:
            print_json({"name": name, "kind": kind.value, "channel": channel.value, "saved": True})
            return
        from parcours.cli.pathway_cmds import word

        kind_label = word("partner_kind", kind.value, session.text)
        console.print(session.text("partners.added", name=name, kind=kind_label))

    @partners.command("show", help=t("help.partners.show"))
    @guarded
    def partners_show(
        name: Annotated[str, typer.Argument(help=t("help.arg.partner_name"))],
        as_json: JsonFlag = False,
    ) -> None:
        session = current_session()
        partner = open_readmodel().get_partner(name)
        if partner is None:
            raise CliError(session.text("partners.not_found", name=name), ExitCode.NOT_FOUND)
        if as_json:
            print_json(_public(partner))
            return
        from parcours.cli.pathway_cmds import word

        text = session.text
        pairs(
            name,
            [
                (text("partners.col.kind"), word("partner_kind", partner.kind.value, text)),
                (text("partners.col.channel"), word("channel", partner.channel.value, text)),
                (text("partners.col.address"), partner.address),
                (text("partners.col.active"), _ticked(partner.active)),
            ],
        )

    notifications = typer.Typer(help=t("help.notifications"), invoke_without_command=True)
    app.add_typer(notifications, name="notifications")

    @notifications.callback()
    @guarded
    def notifications_list(
        ctx: typer.Context,
        failed: Annotated[bool, typer.Option("--failed", help=t("help.opt.failed"))] = False,
        as_json: JsonFlag = False,
    ) -> None:
        if ctx.invoked_subcommand is not None:
            return
        from parcours.cli.pathway_cmds import event_label, short, word

        found = open_readmodel().notifications(failed_only=failed)
        if as_json:
            print_json(found)
            return
        text = current_session().text
        table(
            text("notifications.title", count=len(found)),
            [
                text(f"notifications.col.{c}")
                for c in ("key", "ref", "partner", "event", "status", "attempts", "error", "sent")
            ],
            [
                [
                    n.key,
                    short(n.pathway_id),
                    f"{n.partner_name} ({word('partner_kind', n.partner_kind.value, text)}, "
                    f"{word('channel', n.channel, text)})",
                    event_label(n.event_kind, text),
                    word("outbox", n.status.value, text),
                    str(n.attempts),
                    n.last_error,
                    when(n.sent_at),
                ]
                for n in found
            ],
        )

    @notifications.command("retry", help=t("help.notifications.retry"))
    @guarded
    def notifications_retry(
        key: Annotated[str, typer.Argument(help=t("help.arg.notification_key"))],
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.adapters.readmodel import OutboxStatus
        from parcours.domain.records import Actor, RequestMeta
        from parcours.domain.vocabulary import Role

        session = current_session()
        store = open_readmodel()
        entry = store.get_notification(key)
        if entry is None:
            raise CliError(
                session.text("notifications.not_found", notification=key), ExitCode.NOT_FOUND
            )
        already_sent = CliError(
            session.text("notifications.already_sent", notification=key), ExitCode.REFUSED
        )
        if entry.status is OutboxStatus.SENT:
            raise already_sent
        actor = Actor(session.require_actor(), Role(session.role))
        meta = RequestMeta(request_id or session.new_request_id(), actor, reason)
        route_key = key.rsplit(":", 1)[0]

        async def work(pathways: "PathwayClient") -> int:
            # Connected: the row is made pending (the sender skips failed rows) only now,
            # and put back to failed unless the pathway took the retry and sent it.
            if not store.reset_for_retry(key):
                raise already_sent
            made_pending = entry.status is OutboxStatus.FAILED
            try:
                sent = await pathways.retry_notification(entry.pathway_id, route_key, meta)
            except BaseException:
                if made_pending:
                    store.restore_failed(entry)
                raise
            if sent == 0 and made_pending:
                store.restore_failed(entry)
            return sent

        with_pathways(session, work)
        from parcours.cli.pathway_cmds import word

        after = store.get_notification(key)
        if as_json:
            print_json({"key": key, "status": after.status.value if after else None})
            return
        status = word("outbox", after.status.value, session.text) if after else "?"
        console.print(session.text("notifications.retried", notification=key, status=status))

    readmodel = typer.Typer(help=t("help.readmodel"), no_args_is_help=True)
    app.add_typer(readmodel, name="readmodel")

    @readmodel.command("rebuild", help=t("help.readmodel.rebuild"))
    @guarded
    def rebuild(as_json: JsonFlag = False) -> None:
        from rich.progress import Progress

        from parcours.app.rebuild import RebuildReport
        from parcours.app.rebuild import rebuild as rebuild_readmodel
        from parcours.cli.pathway_cmds import build_list_query
        from parcours.cli.remote import answer_timeout

        session = current_session()
        store = open_readmodel()
        query = build_list_query(
            programme=None,
            stage=None,
            referent=None,
            alert_before=None,
            include_closed=True,
            session=session,
        )

        async def work(pathways: "PathwayClient") -> RebuildReport:
            # With --json the bar goes to stderr, so stdout holds the JSON alone.
            with Progress(console=err_console if as_json else console) as progress:
                task = progress.add_task(session.text("readmodel.rebuilding"), total=None)
                return await rebuild_readmodel(
                    pathways,
                    store,
                    query=query,
                    answer_timeout=answer_timeout(),
                    on_listed=lambda count: progress.update(task, total=count),
                    on_rebuilt=lambda done: progress.update(task, completed=done),
                )

        report = with_pathways(session, work, whole_timeout=False)
        if as_json:
            print_json({"rebuilt": report.rebuilt, "removed": report.removed})
            return
        console.print(session.text("readmodel.rebuilt", count=report.rebuilt))
        if report.removed:
            console.print(session.text("readmodel.removed", count=report.removed))


def _ticked(active: bool) -> str:
    """Whether a partner is active, as `partners list` and `partners show` both show it."""
    return "✓" if active else "—"


def _public(partner: object) -> dict[str, object]:
    from parcours.cli.render import plain

    value = plain(partner)
    assert isinstance(value, dict)
    value.pop("secret", None)
    return value
