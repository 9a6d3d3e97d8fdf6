"""The message the channel tests send, with the fields a temp agency may receive."""

from __future__ import annotations

from datetime import timedelta

from parcours.adapters.channels import OutgoingMessage
from parcours.domain.vocabulary import PartnerKind
from tests.support import T0


def outgoing(key: str = "pathway-0001:5:temp_agency", **fields: str) -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        partner_name="Adecco Marseille",
        partner_kind=PartnerKind.TEMP_AGENCY,
        event_kind="contract_signed",
        event_at=T0 + timedelta(days=5),
        fields=fields or {"first_name": "Zephyrine", "availability": "weekdays after 17:00"},
    )
