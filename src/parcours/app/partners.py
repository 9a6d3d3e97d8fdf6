"""Adding a partner to the directory: what a partner must have for its channel to be used.

A webhook partner needs a signing secret, and an address that keeps personal data
encrypted on the way (https, or plain http to this machine only); an email partner needs
an address that is one, as `email-validator` (the checker pydantic uses) reads it, with no
DNS lookup. Any front end that adds partners checks the same, so the rule lives here.
"""

from __future__ import annotations

from parcours.adapters.channels.webhook import acceptable_url
from parcours.adapters.readmodel import Partner, Store
from parcours.domain.contacts import is_email_address
from parcours.domain.controls import invisible_controls
from parcours.domain.inputs import is_blank
from parcours.domain.vocabulary import ChannelKind


class PartnerRejected(ValueError):
    """The partner cannot be used as given: `reason` is `name_blank`, `name_bidi`,
    `webhook_secret`, `webhook_url`, `email_address`, or `exists` (another entry holds the
    name: `current`)."""

    def __init__(self, reason: str, current: Partner | None = None) -> None:
        super().__init__(reason)
        self.reason, self.current = reason, current


def check_partner(partner: Partner) -> None:
    """Refuse a partner with no name or no address, or whose channel could not send safely."""
    if is_blank(partner.name):
        raise PartnerRejected("name_blank")
    if invisible_controls(partner.name):
        raise PartnerRejected("name_bidi")
    if is_blank(partner.address):
        raise PartnerRejected("address_blank")
    if partner.channel is ChannelKind.WEBHOOK and not partner.secret:
        raise PartnerRejected("webhook_secret")
    if partner.channel is ChannelKind.WEBHOOK and not acceptable_url(partner.address):
        raise PartnerRejected("webhook_url")
    if partner.channel is ChannelKind.EMAIL and not is_email_address(partner.address):
        raise PartnerRejected("email_address")


def add_partner(store: Store, partner: Partner, *, replace: bool = False) -> Partner | None:
    """Save `partner` in the directory once it is checked; the entry it replaced, if any.
    A name the directory holds otherwise (another kind, channel, address, secret or
    state) is replaced only when asked: a slip would send the person's data elsewhere,
    and the messages already sent stay where they went."""
    check_partner(partner)
    current = store.get_partner(partner.name)
    if current is not None and current != partner and not replace:
        raise PartnerRejected("exists", current)
    store.add_partner(partner)
    return None if current == partner else current
