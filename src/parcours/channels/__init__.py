"""Partner-notification channels: e-mail, signed webhook and files.

Each channel delivers one `OutgoingMessage` and says how a failure should be handled
(`TemporaryFailure` or `PermanentFailure`). Messages carry only the fields a programme
allows for that partner kind; channels never log them.
"""

from __future__ import annotations

from parcours.channels.build import ChannelUnavailable, SmtpRelay, build_channel
from parcours.channels.errors import DeliveryFailure, PermanentFailure, TemporaryFailure
from parcours.channels.files import FileChannel
from parcours.channels.kinds import ChannelKind
from parcours.channels.message import Channel, OutgoingMessage
from parcours.channels.smtp import SmtpChannel
from parcours.channels.webhook import WebhookChannel, sign, verify_signature

__all__ = [
    "Channel",
    "ChannelKind",
    "ChannelUnavailable",
    "DeliveryFailure",
    "FileChannel",
    "OutgoingMessage",
    "PermanentFailure",
    "SmtpChannel",
    "SmtpRelay",
    "TemporaryFailure",
    "WebhookChannel",
    "build_channel",
    "sign",
    "verify_signature",
]
