"""`parcours alerts`: open alerts of my pathways (or all, for a coordinator); ack and snooze.

Open and snoozed alerts by default; `--status` chooses others (resolved, acknowledged),
read from each pathway's state rather than its status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.act import naming_action, staff_action
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import short, word
from parcours.cli.options import JsonFlag, ProgrammeOpt, flag, subgroup
from parcours.cli.render import listing, print_json, say_troubled, table, when
from parcours.cli.runtime import (
    Session,
    guarded,
    reader_session,
    typed_instant,
    with_pathways,
)
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertStatus

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.health import Trouble
    from parcours.cli.i18n import Text
    from parcours.domain.records import Alert

commands = typer.Typer()
alerts = subgroup(commands, "alerts", invoke_without_command=True)

AlertId = Annotated[str, typer.Argument(help="help.arg.alert_id")]
StatusOpt = Annotated[
    list[AlertStatus] | None, typer.Option("--status", help="help.opt.alert_status")
]


@alerts.callback()
@guarded
def open_alerts(
    ctx: typer.Context,
    everyone: Annotated[bool, flag("--all", "all_alerts")] = False,
    programme: ProgrammeOpt = None,
    status: StatusOpt = None,
    as_json: JsonFlag = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from parcours.app import queries
    from parcours.domain.permissions import may_oversee
    from parcours.domain.vocabulary import Role

    session = reader_session()
    actor = session.require_actor()
    if everyone and not may_oversee(Role(session.role)):
        raise CliError(session.text("alerts.coordinator_only"), ExitCode.REFUSED)
    query = queries.pathways_query(
        session.settings.task_queue, programme=programme, referent=None if everyone else actor
    )

    troubled: list[Trouble] = []  # pathways that cannot run: named, the others listed

    async def work(pathways: PathwayClient) -> list[tuple[str, Alert]]:
        if status:
            chosen = frozenset(status)
            return await queries.alerts_with_status(pathways, query, chosen, troubled=troubled)
        return await queries.open_alerts(pathways, query, troubled=troubled)

    rows = with_pathways(session, work)
    say_troubled(session.text, "alerts.troubled", troubled)
    if as_json:
        print_json([{"pathway_id": pid, "alert": alert} for pid, alert in rows])
        return
    _print_alerts(rows, session, chosen=bool(status))


def _print_alerts(rows: list[tuple[str, Alert]], session: Session, *, chosen: bool) -> None:
    text = session.text
    columns = ("ref", "alert", "rule", "due", "status")
    body = [_alert_row(pid, alert, text) for pid, alert in rows]
    if not chosen:
        listing(text, "alerts", columns, body)
        return
    headers = [text(f"alerts.col.{column}") for column in columns]
    table(text("alerts.title_chosen", count=len(rows)), headers, body)


def _alert_row(pathway_id: str, alert: Alert, text: Text) -> list[str]:
    status = word("alert_status", alert.status.value, text)
    if alert.snoozed_until:
        status += f" → {when(alert.snoozed_until)}"
    return [
        short(pathway_id),
        alert.alert_id,
        text(f"rule.{alert.rule.value}"),
        when(alert.due_at),
        status,
    ]


naming_action(alerts, "ack", c.AcknowledgeAlert, AlertId)


@staff_action(alerts, "snooze")
def snooze(
    alert_id: AlertId, until: Annotated[str, typer.Option(help="help.opt.until")]
) -> c.Command:
    moment = typed_instant(until, "--until")
    return c.SnoozeAlert(alert_id=alert_id, until=moment)
