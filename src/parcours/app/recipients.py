"""The partners an erasure must be told of: those sent messages about the person.

The GDPR (article 19) asks whoever erases a person's data to tell each recipient it was
disclosed to. parcours knows them from its outbox: every message sent about the pathway,
by partner, with the participant fields the programme sends that kind of partner (the
evaluator's messages carry none). The outbox rows stay after an erasure (they name no
one: a partner, an event, a date), so the list can be asked again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from parcours.adapters.readmodel import OutboxStatus, Store
from parcours.domain.vocabulary import PartnerKind


@dataclass(frozen=True)
class Recipient:
    """A partner sent messages about the person."""

    name: str
    kind: PartnerKind
    channel: str
    messages: int
    last_sent_at: datetime
    fields: tuple[str, ...]
    """The participant fields the programme sends this kind of partner: what the messages
    could carry (a field the person had not given was not sent)."""
    address: str = ""
    """Where the messages went (folder, email address, URL); a partner whose entry was
    replaced between them is listed once for each address. Empty for messages sent before
    the outbox kept it."""


def recipients_of(
    store: Store, pathway_id: str, partner_fields: Mapping[str, Sequence[str]]
) -> tuple[Recipient, ...]:
    """Each partner sent a message about `pathway_id`, in the order first told."""
    sent: dict[tuple[str, PartnerKind, str, str], list[datetime]] = {}
    for entry in store.notifications(pathway_id=pathway_id):
        if entry.status is OutboxStatus.SENT and entry.sent_at is not None:
            told = (entry.partner_name, entry.partner_kind, entry.channel, entry.partner_address)
            sent.setdefault(told, []).append(entry.sent_at)
    return tuple(
        Recipient(name, kind, channel, len(at), max(at), _fields(partner_fields, kind), address)
        for (name, kind, channel, address), at in sent.items()
    )


def _fields(partner_fields: Mapping[str, Sequence[str]], kind: PartnerKind) -> tuple[str, ...]:
    return tuple(partner_fields.get(kind, ()))
