"""`parcours alerts`: open alerts of my pathways (or all, for a coordinator); ack and snooze."""

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.act import act
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.guard import current_session, guarded
from parcours.cli.i18n import Text
from parcours.cli.options import JsonFlag, ReasonOpt, RequestOpt
from parcours.cli.remote import parse_instant, with_pathways
from parcours.cli.render import print_json, table, when

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.domain.records import Alert


def register(app: typer.Typer, t: Text) -> None:
    alerts = typer.Typer(help=t("help.alerts"), invoke_without_command=True)
    app.add_typer(alerts, name="alerts")

    @alerts.callback()
    @guarded
    def open_alerts(
        ctx: typer.Context,
        everyone: Annotated[bool, typer.Option("--all", help=t("help.opt.all_alerts"))] = False,
        programme: Annotated[str | None, typer.Option(help=t("help.opt.programme"))] = None,
        as_json: JsonFlag = False,
    ) -> None:
        if ctx.invoked_subcommand is not None:
            return
        from parcours.cli.pathway_cmds import build_list_query, reader_session, short, word

        session = reader_session()
        actor = session.require_actor()
        from parcours.domain.permissions import may_oversee
        from parcours.domain.vocabulary import Role

        if everyone and not may_oversee(Role(session.role)):
            raise CliError(session.text("alerts.coordinator_only"), ExitCode.REFUSED)
        query = build_list_query(
            programme=programme,
            stage=None,
            referent=None if everyone else actor,
            alert_before=None,
            include_closed=False,
            session=session,
        )

        async def work(pathways: "PathwayClient") -> "list[tuple[str, Alert]]":
            import asyncio

            found = await pathways.list(query)
            statuses = await asyncio.gather(*(pathways.status(s.pathway_id) for s in found))
            return [(s.pathway_id, a) for s in statuses for a in s.open_alerts]

        rows = sorted(with_pathways(session, work), key=lambda pair: pair[1].due_at)
        if as_json:
            print_json([{"pathway_id": pid, "alert": alert} for pid, alert in rows])
            return
        text = session.text
        table(
            text("alerts.title", count=len(rows)),
            [text(f"alerts.col.{c}") for c in ("ref", "alert", "rule", "due", "status")],
            [
                [
                    short(pid),
                    alert.alert_id,
                    text(f"rule.{alert.rule.value}"),
                    when(alert.due_at),
                    word("alert_status", alert.status.value, text)
                    + (f" → {when(alert.snoozed_until)}" if alert.snoozed_until else ""),
                ]
                for pid, alert in rows
            ],
        )

    Ref = Annotated[str, typer.Argument(help=t("help.arg.ref"), metavar="REF")]
    AlertId = Annotated[str, typer.Argument(help=t("help.arg.alert_id"))]

    @alerts.command("ack", help=t("help.alerts.ack"))
    @guarded
    def ack(
        ref: Ref,
        alert_id: AlertId,
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.domain.commands import AcknowledgeAlert

        act(ref, AcknowledgeAlert(alert_id=alert_id), reason, request_id, as_json)

    @alerts.command("snooze", help=t("help.alerts.snooze"))
    @guarded
    def snooze(
        ref: Ref,
        alert_id: AlertId,
        until: Annotated[str, typer.Option(help=t("help.opt.until"))],
        reason: ReasonOpt = "",
        request_id: RequestOpt = None,
        as_json: JsonFlag = False,
    ) -> None:
        from parcours.domain.commands import SnoozeAlert

        command = SnoozeAlert(
            alert_id=alert_id, until=parse_instant(until, current_session(), "--until")
        )
        act(ref, command, reason, request_id, as_json)
