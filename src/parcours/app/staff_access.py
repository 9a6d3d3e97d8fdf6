"""Who is asking, from an HTTP request's headers: the one check the codec server runs.

Everything a front end over HTTP needs to know about a staff credential is here, behind
one small interface, `StaffCheck`: given the request's headers, it returns the `Actor`
(staff id and role) the credential proves, or raises `AccessRefused` with a reason code.
The codec server (`parcours.codec`) is built with a `StaffCheck` and asks nothing else.

What exists today is a **codec pass**: a short-lived token naming a staff id, a role and
an expiry, signed with HMAC-SHA-256 under a secret that `parcours serve` creates in the
user's config folder (mode 0600, `Settings.codec_secret_file`). `parcours codec-pass`
issues one to whoever runs it, for the session's actor and role. It travels as
`Authorization: Bearer <pass>` (the `temporal` CLI's `--codec-auth`) or as the cookie
the codec server's sign-in page sets (the web UI, with "include cross-origin
credentials"). Whoever can read the secret can issue a pass for any role, as anyone can
type `--role` today.

Where signed credentials plug in: implement `StaffCheck` with a class that verifies the
staff member's signed credential (key id, signature, revocation) from the same headers,
and return it from `staff_check` below. Nothing else changes: the codec server, its
tests of refusals (`AccessRefused.reason`) and its read log take the `Actor` as given.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import CookieError, SimpleCookie
from typing import Protocol

from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role

PASS_PREFIX = "pcp1"  # noqa: S105 - a format tag, not a secret
"""The version of the pass format: a pass of another version is refused as malformed."""

COOKIE = "parcours_codec_pass"
"""The cookie the codec server's sign-in page sets, HttpOnly and SameSite=Strict."""

PASS_HOURS = 12
"""How long a pass is valid unless `parcours codec-pass --hours` says: one working day."""

MAX_PASS_HOURS = 24 * 7

_B64 = re.compile(r"[A-Za-z0-9_-]+")
"""The characters of unpadded URL-safe base64, the only ones a pass is made of."""

STAFF_ROLES = frozenset({Role.STAFF, Role.COORDINATOR, Role.PARTNER, Role.AUDITOR})
"""The roles a pass may name; `system` is parcours itself, never a person."""


class AccessRefused(Exception):
    """The request carries no credential that proves who asks; `reason` says which case:

    - `missing`: no `Authorization: Bearer` header and no pass cookie;
    - `malformed`: something was given, but not a pass;
    - `forged`: a pass whose signature does not verify (another service's, or altered);
    - `expired`: a pass past its expiry;
    - `role`: a pass naming a role no staff member holds.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StaffCheck(Protocol):
    """Given a request's headers (any case), who asks, or `AccessRefused`."""

    def __call__(self, headers: Mapping[str, str]) -> Actor: ...


@dataclass(frozen=True)
class Pass:
    """What a pass says: who, in which role, until when."""

    actor: Actor
    expires: datetime


def issue_pass(secret: bytes, actor: Actor, expires: datetime) -> str:
    """A pass for `actor` until `expires`, signed with `secret`."""
    if actor.role not in STAFF_ROLES:
        raise AccessRefused("role")
    body = {"a": actor.actor_id, "r": actor.role.value, "e": int(expires.timestamp())}
    encoded = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    return f"{PASS_PREFIX}.{encoded}.{_b64(_mac(secret, encoded))}"


def read_pass(secret: bytes, token: str, now: datetime) -> Pass:
    """The pass in `token`, checked: signature first, then expiry and role."""
    prefix, _, rest = token.strip().partition(".")
    encoded, _, signature = rest.partition(".")
    if prefix != PASS_PREFIX or not (_B64.fullmatch(encoded) and _B64.fullmatch(signature)):
        raise AccessRefused("malformed")
    try:
        given = _unb64(signature)
    except (binascii.Error, ValueError):
        raise AccessRefused("malformed") from None
    if not hmac.compare_digest(given, _mac(secret, encoded)):
        raise AccessRefused("forged")
    try:
        body = json.loads(_unb64(encoded))
        expires = datetime.fromtimestamp(int(body["e"]), UTC)
    except (ValueError, KeyError, TypeError, OverflowError, binascii.Error):
        raise AccessRefused("malformed") from None
    if expires <= now:
        raise AccessRefused("expired")
    try:
        role = Role(body["r"])
    except ValueError:
        raise AccessRefused("role") from None
    if role not in STAFF_ROLES:
        raise AccessRefused("role")
    return Pass(Actor(str(body["a"]), role), expires)


def pass_expiry(now: datetime, hours: float = PASS_HOURS) -> datetime:
    """When a pass issued `now` for `hours` ends."""
    return now + timedelta(hours=hours)


def credential_in(headers: Mapping[str, str]) -> str:
    """The credential a request carries: the bearer token, else the pass cookie."""
    lowered = {name.lower(): value for name, value in headers.items()}
    scheme, _, token = lowered.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    cookie = SimpleCookie()
    try:
        cookie.load(lowered.get("cookie", ""))
    except CookieError:
        raise AccessRefused("malformed") from None
    morsel = cookie.get(COOKIE)
    if morsel is None or not morsel.value:
        raise AccessRefused("missing")
    return morsel.value


class PassCheck:
    """`StaffCheck` by codec pass: the bearer token or the cookie, under `secret`."""

    def __init__(self, secret: bytes, clock: Callable[[], datetime] | None = None) -> None:
        self._secret = secret
        self._clock = clock or (lambda: datetime.now(UTC))

    def __call__(self, headers: Mapping[str, str]) -> Actor:
        return read_pass(self._secret, credential_in(headers), self._clock()).actor


def staff_check(secret: bytes) -> StaffCheck:
    """The check the codec server runs. Signed credentials replace `PassCheck` here."""
    return PassCheck(secret)


def _mac(secret: bytes, encoded: str) -> bytes:
    return hmac.new(secret, f"{PASS_PREFIX}.{encoded}".encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
