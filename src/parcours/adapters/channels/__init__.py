"""Partner-notification channels: e-mail, signed webhook and files.

Each channel delivers one `OutgoingMessage` and says how a failure should be handled
(`TemporaryFailure` or `PermanentFailure`). Messages carry only the fields a programme
allows for that partner kind; channels never log them.

Only `ChannelKind` (a plain enum) is imported with the package: the channels themselves,
which pull in smtplib, ssl and urllib, are imported on first use of their name, so
`parcours --help` and the partner-directory commands stay light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from parcours.domain.vocabulary import ChannelKind

if TYPE_CHECKING:
    from parcours.adapters.channels.build import ChannelUnavailable, SmtpRelay, build_channel
    from parcours.adapters.channels.errors import (
        DeliveryFailure,
        PermanentFailure,
        TemporaryFailure,
    )
    from parcours.adapters.channels.files import FileChannel
    from parcours.adapters.channels.message import Channel, OutgoingMessage
    from parcours.adapters.channels.smtp import SmtpChannel
    from parcours.adapters.channels.webhook import WebhookChannel, sign, verify_signature

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

_HOME = {
    "Channel": "message",
    "ChannelUnavailable": "build",
    "DeliveryFailure": "errors",
    "FileChannel": "files",
    "OutgoingMessage": "message",
    "PermanentFailure": "errors",
    "SmtpChannel": "smtp",
    "SmtpRelay": "build",
    "TemporaryFailure": "errors",
    "WebhookChannel": "webhook",
    "build_channel": "build",
    "sign": "webhook",
    "verify_signature": "webhook",
}
"""The submodule each public name lives in, imported when the name is first used."""


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
