"""`parcours alerts`: open alerts of my pathways (or all, for a coordinator); ack and snooze.

Open and snoozed alerts by default; `--status` chooses others (resolved, acknowledged).
My pathways' alerts are read from each pathway (its status, or its state for `--status`);
`--all` reads the read model, in due order up to `--limit`, since walking thousands of
pathways one query each took seconds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.act import naming_action, staff_action
from parcours.cli.action_hooks import DESIGNATING
from parcours.cli.criteria import known_programme
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import short, word
from parcours.cli.options import JsonFlag, ProgrammeOpt, flag, group_module, named_option
from parcours.cli.render import (
    console,
    err_console,
    listing,
    print_json,
    say_troubled,
    table,
    when,
)
from parcours.cli.runtime import Session, guarded, reader_session, typed_instant, with_pathways
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertStatus

if TYPE_CHECKING:
    from parcours.adapters.readmodel import AlertView
    from parcours.app.client import PathwayClient
    from parcours.app.health import Trouble
    from parcours.cli.i18n import Text
    from parcours.domain.records import Alert

commands, alerts = group_module("alerts", invoke_without_command=True)

AlertId = Annotated[str, typer.Argument(help="help.arg.alert_id", metavar="ALERT")]
StatusOpt = Annotated[
    list[AlertStatus] | None,
    named_option(AlertStatus, "alert_status", "help.opt.alert_status", "STATUS"),
]
"""Which alerts to list, by their status's key or name ("reportée", "prise en compte")."""
LIMIT = 200
"""How many alerts are listed at most, unless `--limit` says otherwise."""
LimitOpt = Annotated[int, typer.Option(help="help.opt.alert_limit", min=1)]


@alerts.callback()
@guarded
def open_alerts(
    ctx: typer.Context,
    everyone: Annotated[bool, flag("--all", "all_alerts")] = False,
    programme: ProgrammeOpt = None,
    status: StatusOpt = None,
    limit: LimitOpt = LIMIT,
    as_json: JsonFlag = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from parcours.domain.permissions import may_oversee
    from parcours.domain.vocabulary import Role

    session = reader_session()
    actor = session.require_actor()
    known_programme(programme, session.text)
    if everyone and not may_oversee(Role(session.role)):
        raise CliError(session.text("alerts.coordinator_only"), ExitCode.REFUSED)
    if everyone:
        _every_alert(session, programme, status, limit, as_json=as_json)
        return
    rows = _my_alerts(session, actor, programme, status)
    _say_more(session, len(rows), limit)
    if as_json:
        print_json([{"pathway_id": pid, "alert": alert} for pid, alert in rows[:limit]])
        return
    _print_alerts(rows[:limit], session, chosen=bool(status))


def _my_alerts(
    session: Session, actor: str, programme: str | None, status: list[AlertStatus] | None
) -> list[tuple[str, Alert]]:
    """The alerts of the actor's pathways, asked of each pathway."""
    from parcours.app import queries

    query = queries.pathways_query(session.settings.task_queue, programme=programme, referent=actor)

    troubled: list[Trouble] = []  # pathways that cannot run: named, the others listed

    async def work(pathways: PathwayClient) -> list[tuple[str, Alert]]:
        if status:
            chosen = frozenset(status)
            return await queries.alerts_with_status(pathways, query, chosen, troubled=troubled)
        return await queries.open_alerts(pathways, query, troubled=troubled)

    rows = with_pathways(session, work)
    say_troubled(session.text, "alerts.troubled", troubled)
    return rows


def _every_alert(
    session: Session,
    programme: str | None,
    status: list[AlertStatus] | None,
    limit: int,
    *,
    as_json: bool,
) -> None:
    """Every pathway's alerts, from the read model: one indexed query, however many."""
    from parcours.cli.runtime import open_readmodel

    with open_readmodel() as store:
        found = store.alerts_due(frozenset(status) if status else None, programme, limit + 1)
    _say_more(session, len(found), limit)
    views = found[:limit]
    if as_json:
        print_json([{"pathway_id": view.pathway_id, "alert": view} for view in views])
        return
    rows = [(view.pathway_id, view) for view in views]
    _print_alerts(rows, session, chosen=bool(status), everyone=True)


def _say_more(session: Session, found: int, limit: int) -> None:
    """Say on stderr that the list stops at `--limit` when there are more."""
    if found > limit:
        err_console.print(session.text("alerts.more", limit=limit), markup=False)


def _print_alerts(
    rows: Sequence[tuple[str, Alert | AlertView]],
    session: Session,
    *,
    chosen: bool,
    everyone: bool = False,
) -> None:
    """The alerts found; none, one sentence saying so for what was asked (`--status`,
    `--all`), the filters kept as typed (`--programme` narrows each)."""
    text = session.text
    columns = ("ref", "alert", "rule", "due", "status")
    body = [_alert_row(pid, alert, text) for pid, alert in rows]
    if not body:
        key = "alerts.nothing_chosen" if chosen else "alerts.nothing_all" if everyone else None
        console.print(text(key or "alerts.nothing"), markup=False)
        return
    if not chosen:
        listing(text, "alerts", columns, body)
        return
    headers = [text(f"alerts.col.{column}") for column in columns]
    table(text("alerts.title_chosen", count=len(rows)), headers, body)


def _alert_row(pathway_id: str, alert: Alert | AlertView, text: Text) -> list[str]:
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


async def _designated(
    session: Session, pathways: PathwayClient, pathway_id: str, command: c.Command
) -> c.Command:
    """The alert an ack or a snooze names: its id, or its rule (key or name, in either
    language) or the start of its id when that names one open alert of the pathway."""
    import dataclasses

    from parcours.domain.commands.alerts import designated, pending
    from parcours.domain.vocabulary import AlertRule
    from parcours.locale.words import named

    assert isinstance(command, c.AcknowledgeAlert | c.SnoozeAlert)
    typed, text = command.alert_id, session.text
    rule = named("rule", [r.value for r in AlertRule], typed)
    state = await pathways.state_as_stored(pathway_id)
    if state.closed_at is not None:  # the pathway says what closed it, whatever is named
        return command
    known = state.alerts
    found = designated(known, typed, AlertRule(rule) if rule else None)
    if len(found) > 1:
        said = text("alerts.ambiguous", typed=typed, alerts=_named_alerts(found, text))
        raise CliError(said, ExitCode.USAGE)
    if not found and all(a.alert_id != typed for a in known):
        open_ones = _named_alerts(pending(state.alerts), text) or text("none")
        what = text(f"rule.{rule}") if rule else typed
        said = text("alerts.unknown", typed=what, pathway=short(pathway_id), alerts=open_ones)
        raise CliError(said, ExitCode.NOT_FOUND)
    return dataclasses.replace(command, alert_id=found[0].alert_id) if found else command


def _named_alerts(alerts: Sequence[Alert], text: Text) -> str:
    return ", ".join(f"{a.alert_id} ({text(f'rule.{a.rule.value}')})" for a in alerts)


DESIGNATING[c.AcknowledgeAlert.TRIGGER] = DESIGNATING[c.SnoozeAlert.TRIGGER] = _designated


@staff_action(alerts, "snooze")
def snooze(
    alert_id: AlertId, until: Annotated[str, typer.Option(help="help.opt.until")]
) -> c.Command:
    moment = typed_instant(until, "--until")
    return c.SnoozeAlert(alert_id=alert_id, until=moment)
