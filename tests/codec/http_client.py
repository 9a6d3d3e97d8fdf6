"""A plain HTTP client for the codec server's tests (the standard library's, so that
every header sent, Origin and Cookie included, is the test's own choice)."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    """Header names in lower case."""
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    url: str, method: str = "GET", body: bytes | str = b"", headers: dict[str, str] | None = None
) -> Answer:
    """One request on a fresh connection, and the whole answer."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        raw = body.encode() if isinstance(body, str) else body
        connection.request(method, parts.path or "/", body=raw or None, headers=headers or {})
        response = connection.getresponse()
        found = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, found, response.read())
    finally:
        connection.close()
