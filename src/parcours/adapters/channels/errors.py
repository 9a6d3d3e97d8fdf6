"""How a channel says a delivery failed: retry later, or never.

The activity turns `TemporaryFailure` into a retry and `PermanentFailure` into a
non-retryable error and a `NotificationFailure` for the workflow. Messages name the
partner channel and the status only, never the content sent.
"""

from __future__ import annotations


class DeliveryFailure(Exception):
    """A notification could not be delivered."""


class TemporaryFailure(DeliveryFailure):
    """Worth retrying: the server is down, busy or slow (SMTP 4xx, HTTP 5xx/408/429)."""


class PermanentFailure(DeliveryFailure):
    """Never worth retrying as is: the address or the request was rejected (SMTP 5xx, HTTP 4xx)."""


SENTENCES: dict[str, str] = {
    "no_smtp_relay": "e-mail partners need an SMTP relay",
    "not_in_directory": "no active {kind} partner named '{name}' in the partner directory",
    "webhook_redirect": "webhook answered HTTP {status} (redirects are not followed)",
    "webhook_status": "webhook answered HTTP {status}",
    "webhook_unreachable": "webhook unreachable: {cause}",
    "smtp_extension": "SMTP server lacks a required extension",
    "smtp_connection": "SMTP connection failed: {cause}",
    "smtp_recipient_refused": "SMTP {code}: recipient refused",
    "smtp_message_refused": "SMTP {code}: message refused",
    "folder_not_writable": "outbox folder not writable: {cause}",
    "file_not_written": "outbox file not written: {cause}",
}
"""Every sentence a channel writes for a failure, by its key: the outbox and the pathway's
`notification_failed` keep it as written (English); front ends say it again in the
reader's words from the same key (`parcours.cli.partner_errors`)."""


def failure_text(key: str, **values: object) -> str:
    """The sentence `key` of `SENTENCES` with its values."""
    return SENTENCES[key].format(**values)
