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
    `webhook_secret`, `webhook_url` or `email_address`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def add_partner(store: Store, partner: Partner) -> None:
    """Save `partner` in the directory once it is checked (a new name, or a replacement)."""
    check_partner(partner)
    store.add_partner(partner)
