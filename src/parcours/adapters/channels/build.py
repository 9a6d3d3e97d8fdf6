"""Choosing the channel that reaches a partner, from its directory entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parcours.adapters.channels.errors import failure_text
from parcours.adapters.channels.files import FileChannel
from parcours.adapters.channels.message import Channel
from parcours.adapters.channels.smtp import SmtpChannel
from parcours.adapters.channels.webhook import WebhookChannel
from parcours.domain.vocabulary import ChannelKind


@dataclass(frozen=True)
class SmtpRelay:
    """The SMTP relay parcours sends its mail through."""

    host: str
    port: int = 25
    sender: str = "parcours@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    def to(self, recipient: str) -> SmtpChannel:
        return SmtpChannel(
            self.host,
            self.port,
            self.sender,
            recipient,
            starttls=self.starttls,
            username=self.username,
            password=self.password,
            timeout=self.timeout,
        )


class ChannelUnavailable(RuntimeError):
    """The partner's channel needs configuration parcours does not have (no SMTP relay)."""


def build_channel(
    kind: ChannelKind | str,
    address: str,
    secret: str = "",
    *,
    smtp: SmtpRelay | None = None,
    timeout: float = 10.0,
) -> Channel:
    """The channel for a partner: `address` is a mailbox, a URL or a folder."""
    match ChannelKind(kind):
        case ChannelKind.EMAIL:
            if smtp is None:
                raise ChannelUnavailable(failure_text("no_smtp_relay"))
            return smtp.to(address)
        case ChannelKind.WEBHOOK:
            return WebhookChannel(address, secret, timeout)
        case ChannelKind.FILE:
            return FileChannel(Path(address))
