"""Notifying a partner by e-mail through an SMTP relay.

The Message-ID is derived from the idempotency key, so a partner's mail system can
recognise a message sent twice. A 5xx answer (rejected recipient, refused message,
bad credentials) is permanent; a 4xx answer or a connection problem is temporary.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime

from parcours.adapters.channels.errors import PermanentFailure, TemporaryFailure, failure_text
from parcours.adapters.channels.message import OutgoingMessage
from parcours.adapters.channels.render import subject, text_body


def message_id(key: str, sender: str) -> str:
    """A stable Message-ID for an idempotency key, in the sender's domain."""
    domain = sender.rpartition("@")[2] or "parcours.invalid"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<notification.{digest}@{domain}>"


def _failure(code: int, refused: str) -> PermanentFailure | TemporaryFailure:
    """`refused`: `smtp_recipient_refused` or `smtp_message_refused`."""
    said = failure_text(refused, code=code)
    return PermanentFailure(said) if code >= 500 else TemporaryFailure(said)


@dataclass(frozen=True)
class SmtpChannel:
    """One partner's mailbox, reached through one SMTP relay."""

    host: str
    port: int
    sender: str
    recipient: str
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    def build(self, message: OutgoingMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = self.recipient
        mail["Subject"] = subject(message)
        mail["Date"] = format_datetime(message.event_at)
        mail["Message-ID"] = message_id(message.key, self.sender)
        mail["X-Parcours-Idempotency-Key"] = message.key
        mail.set_content(text_body(message))
        return mail

    def send(self, message: OutgoingMessage) -> None:
        mail = self.build(message)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(mail, from_addr=self.sender, to_addrs=[self.recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()] or [550]
            raise _failure(min(codes), "smtp_recipient_refused") from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentFailure(failure_text("smtp_extension")) from None
        except smtplib.SMTPResponseException as exc:
            raise _failure(exc.smtp_code, "smtp_message_refused") from None
        except (smtplib.SMTPException, OSError) as exc:
            cause = type(exc).__name__
            raise TemporaryFailure(failure_text("smtp_connection", cause=cause)) from None
