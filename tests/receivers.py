"""Real receivers on the loopback interface: an SMTP server and an HTTP endpoint.

No mock stands in for a mail server or a partner's web service: the channels talk to
servers listening on 127.0.0.1, as they would in production. The `smtp_server` and
`http_receiver` fixtures (tests/conftest.py) run one each for a test.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from parcours.adapters.channels import verify_signature

SECRET = "partner-shared-secret"
"""The secret the HTTP receiver checks webhook signatures with."""


PORTS_PER_WORKER = 2000
FIRST_PORT = 20000
"""Test servers listen on ports from 20000 up, below the range Linux hands out for a bind to
port 0 and for outgoing connections (32768 to 60999 by default): no port the system gives
another process, nor a dev server's own pick, can be one a test has just chosen."""


def _worker_index() -> int:
    """This test process's place among pytest-xdist's workers (`gw0`, `gw1`...); 0 when the
    tests run in one process."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0


_OFFSETS = itertools.count(random.randrange(PORTS_PER_WORKER))
"""Where this process goes on in its block: each pick starts after the previous one, so a
process never hands out one port twice before going round its whole block (a dev server's
three ports are picked before it binds any)."""


def free_port() -> int:
    """A loopback port free now, from this test process's own block of ports: under
    pytest-xdist each worker has its block, so servers two workers start at once never pick
    the same port between the pick and the bind."""
    low = FIRST_PORT + _worker_index() * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = low + next(_OFFSETS) % PORTS_PER_WORKER
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {low} to {low + PORTS_PER_WORKER - 1}")


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


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
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


@contextmanager
def running_http_receiver() -> Iterator[HttpReceiver]:
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
