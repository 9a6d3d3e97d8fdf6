"""Real receivers on the loopback interface: an SMTP server and an HTTP endpoint.

No mock stands in for a mail server or a partner's web service: the channels talk
to servers listening on 127.0.0.1, as they would in production.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from parcours.adapters.channels import OutgoingMessage, verify_signature
from parcours.domain.vocabulary import PartnerKind
from tests.support import T0

SECRET = "partner-shared-secret"


def outgoing(key: str = "pathway-0001:5:temp_agency", **fields: str) -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        partner_name="Adecco Marseille",
        partner_kind=PartnerKind.TEMP_AGENCY,
        event_kind="contract_signed",
        event_at=T0 + timedelta(days=5),
        fields=fields or {"first_name": "Zephyrine", "availability": "weekdays after 17:00"},
    )


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback receivers are reached directly, whatever proxy the machine has."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


# --- SMTP -----------------------------------------------------------------------------


@dataclass
class MailRecorder:
    """An aiosmtpd handler: keeps every message, answers chosen codes for chosen recipients."""

    replies: dict[str, str] = field(default_factory=dict)
    data_reply: str = "250 Message accepted for delivery"
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        reply = self.replies.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if not self.data_reply.startswith("250"):
            return self.data_reply
        mail = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((list(envelope.rcpt_tos), mail))
        return self.data_reply


@dataclass
class SmtpServer:
    port: int
    recorder: MailRecorder


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    recorder = MailRecorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, recorder)
    finally:
        controller.stop()


# --- HTTP -----------------------------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class HttpReceiver:
    """A partner's webhook endpoint: checks the signature, answers `status`."""

    server: ThreadingHTTPServer
    status: int = 200
    script: list[int] = field(default_factory=list)
    """Statuses to answer first, one per request, before `status`."""
    delay_s: float = 0.0
    location: str = ""
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/parcours/hooks"


def _handler(receiver_ref: list[HttpReceiver]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver = receiver_ref[0]
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            valid = verify_signature(
                SECRET,
                self.headers.get("X-Parcours-Timestamp", ""),
                body,
                self.headers.get("X-Parcours-Signature", ""),
            )
            receiver.received.append(Received(self.path, dict(self.headers), body, valid))
            if receiver.delay_s:
                threading.Event().wait(receiver.delay_s)
            planned = receiver.script.pop(0) if receiver.script else receiver.status
            status = planned if valid else 401
            self.send_response(status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: a receiver's access log is not test output."""

    return Handler


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    ref: list[HttpReceiver] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(ref))
    server.daemon_threads = True
    receiver = HttpReceiver(server)
    ref.append(receiver)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
