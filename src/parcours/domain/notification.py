"""One message to one partner: what routing decides and what the workflow hands over.

Its own module, with nothing but the vocabulary, so that the payloads that carry it
(`workflows.messages`) and every front end that reads them do not import the routing
rules, and through them the pathway machine and the programme models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from parcours.domain.vocabulary import PartnerKind


@dataclass(frozen=True)
class Notification:
    """One message to one partner kind (or one named partner of that kind).

    Also the wire format the workflow hands to `send_notifications`, kept in histories:
    its field names never change. `key` is the outbox's idempotency key.
    """

    key: str
    partner_kind: PartnerKind
    partner_name: str
    event_kind: str
    event_seq: int
    event_at: datetime
    fields: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
