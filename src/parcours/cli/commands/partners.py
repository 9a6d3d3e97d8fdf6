"""`parcours partners list|add|show`: the directory of partners notified of events."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import ticked, word
from parcours.cli.options import JsonFlag, flag, group_module, named_option
from parcours.cli.oversight import overseer_session
from parcours.cli.render import console, listing, pairs, plain, print_json
from parcours.cli.runtime import current_session, guarded, open_readmodel
from parcours.domain.vocabulary import ChannelKind, PartnerKind

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Partner
    from parcours.cli.i18n import Text

commands, partners = group_module("partners")

PartnerName = Annotated[str, typer.Argument(help="help.arg.partner_name", metavar="NAME")]


@partners.command("list", help="help.partners.list")
@guarded
def partners_list(as_json: JsonFlag = False) -> None:
    found = open_readmodel().list_partners()
    if as_json:
        print_json([public(p) for p in found])
    else:
        text = current_session().text
        columns = ("name", "kind", "channel", "address", "active")
        rows = [_partner_row(p, text) for p in found]
        listing(text, "partners", columns, rows, text("partners.nothing"))


def _entry(partner: Partner, text: Text) -> str:
    """A directory entry in a few words: `referrer, file, /srv/ccas`."""
    kind = word("partner_kind", partner.kind.value, text)
    return f"{kind}, {word('channel', partner.channel.value, text)}, {partner.address}"


def _partner_row(partner: Partner, text: Text) -> list[str]:
    return [
        partner.name,
        word("partner_kind", partner.kind.value, text),
        word("channel", partner.channel.value, text),
        partner.address,
        ticked(partner.active),
    ]


@partners.command("add", help="help.partners.add")
@guarded
def partners_add(
    name: PartnerName,
    kind: Annotated[
        PartnerKind, named_option(PartnerKind, "partner_kind", "help.arg.partner_kind", "KIND")
    ],
    channel: Annotated[
        ChannelKind, named_option(ChannelKind, "channel", "help.opt.channel", "CHANNEL")
    ],
    address: Annotated[str, typer.Option(help="help.opt.partner_address")],
    secret: Annotated[str, typer.Option(help="help.opt.secret")] = "",
    inactive: Annotated[bool, flag("--inactive")] = False,
    replace: Annotated[bool, flag("--replace")] = False,
    as_json: JsonFlag = False,
) -> None:
    from parcours.adapters.readmodel import Partner
    from parcours.app.partners import PartnerRejected, add_partner, check_partner

    session = overseer_session("partners.coordinator_only")
    partner = Partner(name, kind, channel, address, secret=secret, active=not inactive)
    try:
        check_partner(partner)  # before the read model is opened
        replaced = add_partner(open_readmodel(), partner, replace=replace)
    except PartnerRejected as err:
        was = _entry(err.current, session.text) if err.current else ""
        said = session.text(f"partners.{err.reason}", address=address, name=name, was=was)
        raise CliError(said, ExitCode.USAGE) from None
    if replaced is not None:  # stderr: JSON too
        said = session.text("partners.replaced", name=name, was=_entry(replaced, session.text))
        print(said, file=sys.stderr)
    if channel is ChannelKind.EMAIL and not session.settings.smtp_host:  # stderr: JSON too
        print(session.text("partners.no_mail_relay", name=name), file=sys.stderr)
    if as_json:
        print_json({"name": name, "kind": kind.value, "channel": channel.value, "saved": True})
        return
    kind_label = word("partner_kind", kind.value, session.text)
    console.print(session.text("partners.added", name=name, kind=kind_label))


@partners.command("show", help="help.partners.show")
@guarded
def partners_show(name: PartnerName, as_json: JsonFlag = False) -> None:
    session = current_session()
    partner = open_readmodel().get_partner(name)
    if partner is None:
        raise CliError(session.text("partners.not_found", name=name), ExitCode.NOT_FOUND)
    if as_json:
        print_json(public(partner))
        return
    text = session.text
    pairs(
        name,
        [
            (text("partners.col.kind"), word("partner_kind", partner.kind.value, text)),
            (text("partners.col.channel"), word("channel", partner.channel.value, text)),
            (text("partners.col.address"), partner.address),
            (text("partners.col.active"), ticked(partner.active)),
        ],
    )


def public(partner: object) -> dict[str, object]:
    """A partner as JSON, without its secret."""
    value = plain(partner)
    assert isinstance(value, dict)
    value.pop("secret", None)
    return value
