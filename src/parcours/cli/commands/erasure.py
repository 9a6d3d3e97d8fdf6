"""`parcours erase REF --reason`: erase a person, keep the statistics and the audit trail."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.commands.doctor import _check_reason
from parcours.cli.confirm import confirmed
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import word
from parcours.cli.options import JsonFlag, ReasonOpt, Ref
from parcours.cli.oversight import overseer_session
from parcours.cli.render import console, listing, print_json, when
from parcours.cli.runtime import Session, guarded, open_readmodel, resolved, with_pathways

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.app.erasure import Erased
    from parcours.app.recipients import Recipient
    from parcours.cli.i18n import Text
    from parcours.workflows.messages import Participant

commands = typer.Typer()

YesFlag = Annotated[bool, typer.Option("--yes", help="help.opt.yes", metavar="")]


@commands.command("erase", help="help.erase")
@guarded
def erase(
    reference: Ref, reason: ReasonOpt = "", yes: YesFlag = False, as_json: JsonFlag = False
) -> None:
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.erasure import erase_person
    from parcours.cli.reads import proven

    session = overseer_session("erase.coordinator_only")
    if not reason.strip():
        raise CliError(session.text("erase.reason_required"), ExitCode.USAGE)
    meta = session.request(reason.strip(), None)
    _check_reason(session, meta.reason)
    keyring = load_keyring(session.settings)
    store = open_readmodel()
    # opening the identity to erase it is a read: proven, as every read (`cli.reads`)
    meta = replace(meta, key_id=proven(session, store, meta.actor) or "")

    pathway_id = resolved(session, reference)
    if not yes and not confirmed(session.text, _question(session, pathway_id)):
        console.print(session.text("erase.declined"))
        return

    async def work(pathways: PathwayClient) -> Erased:
        return await erase_person(pathways, store, keyring, pathway_id, meta)

    with store:
        done = with_pathways(session, work)
    if as_json:
        print_json(done)
    else:
        _print_erased(done, session.text)


def _question(session: Session, pathway_id: str) -> str:
    """Whom the erasure is about, named before the coordinator answers: erasing the wrong
    person cannot be undone. Naming them is a read, logged before the question shows it
    (`erase_confirm`); a pathway that cannot answer (its run never ended) is asked about
    by its id alone."""
    from parcours.app.health import PathwayCannotRun
    from parcours.cli.labels import as_typed
    from parcours.cli.reads import ReadCommand, logged
    from parcours.cli.status import person_name

    async def work(pathways: PathwayClient) -> Participant | None:
        try:
            return await pathways.participant(pathway_id)
        except PathwayCannotRun:
            return None

    person = with_pathways(session, work)
    if person is None:
        return session.text("erase.confirm", pathway=pathway_id)
    logged(session, ReadCommand.ERASE_CONFIRM, [pathway_id])
    born = as_typed(person.birth_date, session.text) if person.birth_date else "—"
    named = person_name(person, session.text)
    return session.text("erase.confirm_named", pathway=pathway_id, person=named, born=born)


def _print_erased(done: Erased, text: Text) -> None:
    """What was erased, and what the history keeps that the keys did not seal."""
    pathway = done.pathway_id
    console.print(text("erase.done", pathway=pathway))
    notes = (
        ("erase.not_recorded", not done.recorded),
        ("erase.legacy", done.legacy),
        (
            "erase.reasons_in_clear",
            done.reasons_in_clear > 0 and not done.reasons_counted_from_start,
        ),
        (
            "erase.reasons_in_clear_least",
            done.reasons_in_clear > 0 and done.reasons_counted_from_start,
        ),
        ("erase.identity_unread", done.identity_unread),
    )
    for key, applies in notes:
        if applies:
            said = text(key, pathway=pathway, count=done.reasons_in_clear)
            console.print(said, markup=False)
    for other in done.others:
        console.print(text("erase.other_pathway", other=other), markup=False)
    _print_recipients(done, text)


def _print_recipients(done: Erased, text: Text) -> None:
    """The partners told of the person, whom the data-protection officer must tell of the
    erasure (GDPR article 19); or one line saying no partner was."""
    if not done.recipients:
        console.print(text("erase.no_recipients"))
        return
    columns = ("partner", "channel", "messages", "last_sent", "fields")
    listing(text, "erase.recipients", columns, [_recipient_row(r, text) for r in done.recipients])
    console.print(text("erase.tell_recipients"))


def _recipient_row(told: Recipient, text: Text) -> list[str]:
    kind = word("partner_kind", told.kind.value, text)
    fields = [text(f"partner_mail.field.{name}").lower() for name in told.fields]
    return [
        f"{told.name} ({kind})",
        _channel(told, text),
        str(told.messages),
        when(told.last_sent_at),
        ", ".join(fields) or text("erase.no_fields"),
    ]


def _channel(told: Recipient, text: Text) -> str:
    """The channel, and the address the messages went to when the outbox kept it."""
    channel = word("channel", told.channel, text)
    return f"{channel} ({told.address})" if told.address else channel
