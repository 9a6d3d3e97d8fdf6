"""What a channel sends to one partner, and the one method every channel has."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from parcours.domain.vocabulary import PartnerKind
from parcours.workflows.messages import Notification

_AS_ROUTED = ("key", "partner_name", "partner_kind", "event_kind", "event_at")
"""What a message says as its routed notification says it."""


@dataclass(frozen=True)
class OutgoingMessage:
    """One notification for one partner: the event and only the fields the programme allows.

    `fields` holds personal data under the participant's consent: it is sent, never logged.
    """

    key: str
    partner_name: str
    partner_kind: PartnerKind
    event_kind: str
    event_at: datetime
    fields: Mapping[str, str] = field(default_factory=dict, repr=False)
    corrects: str = ""
    """For a correction notice: the reference of the message it corrects (that message's
    `idempotency_key`), whose event was voided or, with `restated_at`, dated anew."""
    restated_at: datetime | None = None
    place: str = ""
    """Where a job-dating takes place, in its invitation, candidates and reminder."""

    @classmethod
    def from_notification(cls, notification: Notification) -> OutgoingMessage:
        """The message for a routed notification; its event details stay behind, but for
        what a correction notice corrects and where a job-dating takes place."""
        corrects = notification.details.get("corrects", "")
        restated = notification.details.get("restated_at", "")
        return cls(
            **{name: getattr(notification, name) for name in _AS_ROUTED},
            fields=dict(notification.fields),
            corrects=f"{corrects}:{notification.partner_name}" if corrects else "",
            restated_at=datetime.fromisoformat(restated) if restated else None,
            place=notification.details.get("jobdating_place", ""),
        )

    def payload(self) -> dict[str, Any]:
        """The message as JSON-ready data, as webhooks and files carry it."""
        payload: dict[str, Any] = {
            "idempotency_key": self.key,
            "partner": self.partner_name,
            "partner_kind": self.partner_kind.value,
            "event_kind": self.event_kind,
            "event_at": self.event_at.isoformat(),
            "fields": dict(self.fields),
        }
        if self.place:
            payload["place"] = self.place
        if self.corrects:
            payload["corrects"] = self.corrects
            if self.restated_at is not None:
                payload["restated_at"] = self.restated_at.isoformat()
        return payload


class Channel(Protocol):
    """A way to reach one partner."""

    def send(self, message: OutgoingMessage) -> None:
        """Deliver once; raise `TemporaryFailure` or `PermanentFailure` when it cannot."""
