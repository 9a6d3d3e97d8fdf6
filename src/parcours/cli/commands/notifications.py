"""`parcours notifications [--failed]`, `notifications retry KEY`: what partners were sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import event_label, short, word
from parcours.cli.options import JsonFlag, ReasonOpt, RequestOpt, flag, group_module
from parcours.cli.partner_errors import said_error
from parcours.cli.render import console, listing, print_json, when
from parcours.cli.runtime import (
    Session,
    current_session,
    guarded,
    open_readmodel,
    resolved,
    with_pathways,
)

if TYPE_CHECKING:
    from parcours.adapters.readmodel import OutboxEntry
    from parcours.app.client import PathwayClient
    from parcours.cli.i18n import Text

commands, notifications = group_module("notifications", invoke_without_command=True)


@notifications.callback()
@guarded
def notifications_list(
    ctx: typer.Context,
    failed: Annotated[bool, flag("--failed")] = False,
    pathway: Annotated[
        str | None,
        typer.Option("--pathway", help="help.opt.notifications_pathway", metavar="REF"),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    pathway_id = None if pathway is None else resolved(current_session(), pathway)
    found = open_readmodel().notifications(failed_only=failed, pathway_id=pathway_id)
    if as_json:
        print_json(found)
        return
    _print_notifications(found, current_session())


def _print_notifications(found: list[OutboxEntry], session: Session) -> None:
    text = session.text
    columns = ("key", "ref", "partner", "event", "status", "attempts", "error", "sent")
    rows = [_notification_row(n, text) for n in found]
    listing(text, "notifications", columns, rows, text("notifications.nothing"))


def _notification_row(sent: OutboxEntry, text: Text) -> list[str]:
    partner_kind = word("partner_kind", sent.partner_kind.value, text)
    return [
        sent.key,
        short(sent.pathway_id),
        f"{sent.partner_name} ({partner_kind}, {word('channel', sent.channel, text)})",
        event_label(sent.event_kind, text),
        word("outbox", sent.status.value, text),
        str(sent.attempts),
        said_error(sent.last_error, text),
        when(sent.sent_at),
    ]


@notifications.command("retry", help="help.notifications.retry")
@guarded
def notifications_retry(
    key: Annotated[str, typer.Argument(help="help.arg.notification_key", metavar="KEY")],
    reason: ReasonOpt = "",
    request_id: RequestOpt = None,
    as_json: JsonFlag = False,
) -> None:
    from parcours.adapters.readmodel import NotificationNotFound
    from parcours.app import notifications as outbox
    from parcours.app.jobdating import JobDatingFinished, JobDatingNotFound

    session = current_session()
    if not reason.strip():  # a retry acts on a partner's behalf: the record says why
        raise CliError(session.text("notifications.reason_needed"), ExitCode.USAGE)
    store = open_readmodel()
    try:
        entry = outbox.retryable(store, key)
        meta = session.request(reason, request_id)

        async def work(pathways: PathwayClient) -> int:
            return await outbox.retry(store, pathways, entry, meta)

        sent = with_pathways(session, work)
    except NotificationNotFound:
        raise CliError(
            session.text("notifications.not_found", notification=key), ExitCode.NOT_FOUND
        ) from None
    except outbox.AlreadySent:
        _already_sent(session.text, key, retried=request_id is not None)
        return
    except (JobDatingFinished, JobDatingNotFound) as over:  # its message exists: it was run
        said = session.text("notifications.jobdating_over", notification=key, event=over.args[0])
        raise CliError(said, ExitCode.REFUSED) from None
    if sent == 0:  # the pathway or the event had nothing to send again, and sent nothing
        raise CliError(
            session.text("notifications.nothing_sent", notification=key), ExitCode.REFUSED
        )
    _say_how_it_went(store.get_notification(key) or entry, as_json)


def _already_sent(text: Text, key: str, *, retried: bool) -> None:
    """Sent already: said as done to a retry run again under its request id (it may be
    what sent it), refused to a new one (exit 3): nothing is sent twice."""
    if not retried:
        raise CliError(text("notifications.already_sent", notification=key), ExitCode.REFUSED)
    console.print(text("notifications.already_sent_retried", notification=key))


def _say_how_it_went(after: OutboxEntry, as_json: bool) -> None:
    """Sent, or still being tried: said, exit 0. Failed again: one sentence with the
    partner's answer, exit 5, the row left failed and retryable."""
    from parcours.adapters.readmodel import OutboxStatus

    text = current_session().text
    if after.status is OutboxStatus.FAILED:
        error = said_error(after.last_error, text)
        said = text("notifications.failed_again", notification=after.key, error=error)
        raise CliError(said, ExitCode.UNAVAILABLE)
    if as_json:
        print_json({"key": after.key, "status": after.status.value})
        return
    name = "retried" if after.status is OutboxStatus.SENT else "retry_pending"
    console.print(text(f"notifications.{name}", notification=after.key))
