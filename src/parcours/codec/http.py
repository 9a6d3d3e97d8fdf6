"""The codec server over HTTP: Temporal's codec-server protocol, CORS, the sign-in page.

Routes (the protocol looks at the last part of the path only, so the server may sit
under any prefix behind a proxy):

- `POST .../decode`, `POST .../encode`: `{"payloads": [...]}` in, the same shape out,
  `application/json` only; `X-Namespace`, when given, must be the served namespace;
- `OPTIONS` on either: the CORS preflight, answered for the web UI's origins only;
- `GET /`: the sign-in page; `POST /signin`, `POST /signout`: set or clear the cookie.

A request from a page of another origin than the UI's (its `Origin` header) is refused
before anything is read, whatever its method: a browser would not show it the answer,
but parcours would still have opened payloads and logged a read for it. Standard
library only (`http.server`, one thread per connection); it listens on loopback unless
told otherwise, and belongs behind an HTTPS proxy on any other address.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from parcours.codec import signin
from parcours.codec.service import CodecService, Reply

MAX_BODY = 32 * 1024 * 1024
"""The largest body read: Temporal refuses payloads over 2 MB by default, and the UI
sends one event's payloads at a time."""

ALLOWED_HEADERS = "content-type, x-namespace, authorization, authorization-extras"


class CodecServerError(Exception):
    """The codec server cannot start; `reason` and `values` for the sentence."""

    def __init__(self, message: str, reason: str, **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    service: CodecService
    origins: frozenset[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "parcours-codec"
    protocol_version = "HTTP/1.1"
    timeout = 30
    disable_nagle_algorithm = True
    """Headers and body leave in two writes: without this, each answer on a keep-alive
    connection waits for the client's delayed ACK (40 ms on Linux)."""

    def do_OPTIONS(self) -> None:
        if self._foreign() or self._route() not in ("decode", "encode"):
            self._send(Reply(HTTPStatus.FORBIDDEN, b""))
            return
        preflight = {
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": "600",
        }
        if self.headers.get("Access-Control-Request-Private-Network"):
            preflight["Access-Control-Allow-Private-Network"] = "true"
        self._send(Reply(HTTPStatus.NO_CONTENT, b"", "text/plain", preflight))

    def do_GET(self) -> None:
        route = self._route()
        if route in ("decode", "encode", "signin", "signout"):
            self._send(Reply(HTTPStatus.METHOD_NOT_ALLOWED, b"", headers={"Allow": "POST"}))
        elif route == "":
            service, headers = self.server.service, self._headers()
            lang = service.language(headers)
            self._send(signin.page(lang, signin.signed_in_as(service.check, headers)))
        else:
            self._send(Reply(HTTPStatus.NOT_FOUND, b""))

    def do_POST(self) -> None:
        route = self._route()
        if route not in ("decode", "encode", "signin", "signout"):
            self._send(Reply(HTTPStatus.NOT_FOUND, b""))
            return
        if self._foreign(ui=route in ("decode", "encode")):
            self._send(Reply(HTTPStatus.FORBIDDEN, b""))
            return
        body = self._body()
        if body is None:
            return
        self._send(self._answer(route, body))

    def _answer(self, route: str, body: bytes) -> Reply:
        service, headers = self.server.service, self._headers()
        lang = service.language(headers)
        if route == "signin":
            secure = self.headers.get("X-Forwarded-Proto", "").lower() == "https"
            return signin.sign_in(service.check, lang, body, secure=secure)
        if route == "signout":
            return signin.sign_out(lang)
        if self.headers.get_content_type() != "application/json":
            return service.error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "content_type", lang)
        namespace = self.headers.get("X-Namespace")
        if route == "decode":
            return service.decode(headers, body, namespace)
        return service.encode(headers, body, namespace)

    def _headers(self) -> dict[str, str]:
        return dict(self.headers.items())

    def _route(self) -> str:
        parts = [part for part in urlsplit(self.path).path.split("/") if part]
        return parts[-1] if parts else ""

    def _foreign(self, *, ui: bool = True) -> bool:
        """A browser request from a page other than this server's own, or the UI's when
        `ui` (signing in is done on this server's page only)."""
        origin = self.headers.get("Origin")
        host = self.headers.get("Host", "")
        allowed = {f"http://{host}", f"https://{host}"} | (self.server.origins if ui else set())
        return origin is not None and origin not in allowed

    def _body(self) -> bytes | None:
        """The request's body, or None once the refusal was sent (no length, too long)."""
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self._send(Reply(HTTPStatus.LENGTH_REQUIRED, b""), close=True)
            return None
        if int(length) > MAX_BODY:
            self._send(Reply(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, b""), close=True)
            return None
        return self.rfile.read(int(length))

    def _send(self, reply: Reply, *, close: bool = False) -> None:
        self.send_response(reply.status)
        origin = self.headers.get("Origin")
        if origin in self.server.origins:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Access-Control-Allow-Credentials", "true")
        self.send_header("Vary", "Origin")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the service logs each request as one JSON line, with no payload."""


class CodecServer:
    """The codec server on `host:port`, serving from a thread between enter and exit."""

    def __init__(self, service: CodecService, host: str, port: int, origins: Sequence[str]) -> None:
        self.service, self.host, self.port = service, host, port
        self.origins = frozenset(origins)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> CodecServer:
        try:
            server = _Server((self.host, self.port), _Handler)
        except OSError as err:
            reason = "port_busy" if err.errno == errno.EADDRINUSE else "cannot_listen"
            raise CodecServerError(
                f"The codec server cannot listen on {self.host}:{self.port} ({err.strerror}):"
                " stop the other program or choose another port with PARCOURS_CODEC_PORT.",
                reason,
                host=self.host,
                port=self.port,
                error=err.strerror,
            ) from None
        server.service, server.origins = self.service, self.origins
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def ui_origins(host: str, ui_port: int) -> list[str]:
    """The web UI's origins as a browser names them: by the address, and by localhost."""
    names = dict.fromkeys([host, "127.0.0.1", "localhost"])
    return [f"http://{name}:{ui_port}" for name in names]
