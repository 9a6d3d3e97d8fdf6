"""Notifying a partner by a signed HTTP POST.

The body is JSON; `X-Parcours-Signature` is `sha256=` and the hex HMAC-SHA256 of
`"{timestamp}.{body}"` under the partner's secret, so the partner can check that the
message comes from parcours and is recent (`verify_signature`). Redirects are not
followed: personal data goes to the configured address or nowhere.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException
from urllib.parse import urlsplit

from parcours.adapters.channels.errors import PermanentFailure, TemporaryFailure, failure_text
from parcours.adapters.channels.message import OutgoingMessage

RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})
USER_AGENT = "parcours-webhook/1"


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The signature header value for a body sent at `timestamp` (unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    signature: str,
    *,
    tolerance_s: int = 300,
    now: float | None = None,
) -> bool:
    """For partners receiving webhooks: True when the signature matches and is recent."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    current = time.time() if now is None else now
    if abs(current - sent_at) > tolerance_s:
        return False
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return hmac.compare_digest(sign(secret, sent_at, raw), signature)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _classify(status: int) -> PermanentFailure | TemporaryFailure:
    if 400 <= status < 500 and status not in RETRYABLE_CLIENT_ERRORS:
        return PermanentFailure(failure_text("webhook_status", status=status))
    if status >= 500 or status in RETRYABLE_CLIENT_ERRORS:
        return TemporaryFailure(failure_text("webhook_status", status=status))
    return PermanentFailure(failure_text("webhook_redirect", status=status))


def acceptable_url(url: str) -> bool:
    """https to anywhere; plain http only to a loopback address (a receiver on this
    machine, a local relay): personal data never crosses a network unencrypted."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and _is_loopback(parts.hostname)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebhookChannel:
    """One partner's HTTP(S) endpoint and the secret it shares with parcours."""

    url: str
    secret: str = field(repr=False)
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if not acceptable_url(self.url):
            raise ValueError(
                "a webhook address must be an https:// URL (http:// only to this machine)"
            )
        if not self.secret:
            raise ValueError("a webhook needs a secret to sign its messages")

    def request(self, message: OutgoingMessage, timestamp: int) -> urllib.request.Request:
        body = json.dumps(message.payload(), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Parcours-Timestamp": str(timestamp),
            "X-Parcours-Signature": sign(self.secret, timestamp, body),
            "X-Parcours-Idempotency-Key": message.key,
        }
        # The scheme is checked to be http(s) in __post_init__.
        return urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310

    def send(self, message: OutgoingMessage) -> None:
        req = self.request(message, int(time.time()))
        opener = urllib.request.build_opener(_NoRedirect())
        try:
            with opener.open(req, timeout=self.timeout) as response:
                status = int(response.status)
                response.read(65536)
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except (urllib.error.URLError, HTTPException, OSError) as exc:
            cause = type(exc).__name__
            raise TemporaryFailure(failure_text("webhook_unreachable", cause=cause)) from None
        if not 200 <= status < 300:
            raise _classify(status)
