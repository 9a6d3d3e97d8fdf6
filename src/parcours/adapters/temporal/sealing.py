"""Each person's own data key, and the values sealed under it.

What identifies a person (names, birth date, contact details, availability, skills) is
sealed, before it leaves the client, under a key of that person alone: a random AES-256
key, stored only wrapped (encrypted) under the keyring's current key. A sealed value is
plain text, `sealed:pk-<16 hex>:<base64>`, so it travels in the same string fields as
before and the workflow never needs to open it. Destroying the wrapped key (erasure)
leaves every copy of those values, in histories, exports and backups, unreadable.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from parcours.adapters.temporal.keys import KEY_SIZE, Keyring
from parcours.domain.vocabulary import ERASED_TEXT

NONCE_SIZE = 12
ERASED = ERASED_TEXT
"""What a reader shows of a value sealed under a key that was destroyed."""
SEALED = re.compile(r"sealed:(pk-[0-9a-f]{16}):([A-Za-z0-9_-]+)")
"""A sealed value, wherever it sits in a text (skills joined with commas hold several)."""

T = TypeVar("T")


class UnwrapError(Exception):
    """A wrapped person key does not open with this keyring (a key id is missing)."""


@dataclass(frozen=True)
class PersonKey:
    """One person's data key: `secret` in memory only, `wrapped` as it is stored."""

    key_id: str
    secret: bytes = field(repr=False)
    wrapped: bytes = field(repr=False)
    wrapped_with: str
    """The keyring key id that wraps it (a rotated keyring still unwraps older ones)."""


def new_person_key(keyring: Keyring) -> PersonKey:
    """A fresh random key for one person, wrapped under the keyring's current key."""
    key_id = f"pk-{secrets.token_hex(8)}"
    secret = secrets.token_bytes(KEY_SIZE)
    wrapping = keyring.current
    nonce = os.urandom(NONCE_SIZE)
    wrapped = nonce + AESGCM(wrapping.secret).encrypt(nonce, secret, key_id.encode())
    return PersonKey(key_id, secret, wrapped, wrapping.key_id)


def unwrap(keyring: Keyring, key_id: str, wrapped: bytes, wrapped_with: str) -> bytes:
    """The secret of a stored person key."""
    wrapping = keyring.find(wrapped_with)
    if wrapping is None:
        raise UnwrapError(f"person key {key_id} is wrapped with key {wrapped_with}, not held")
    try:
        return AESGCM(wrapping.secret).decrypt(
            wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], key_id.encode()
        )
    except InvalidTag:
        raise UnwrapError(f"person key {key_id} does not open with key {wrapped_with}") from None


def seal(key: PersonKey, text: str) -> str:
    """`text` sealed under the person's key; a blank text stays as it is (nothing to hide,
    and the rules that ask for a reason still see it blank)."""
    if not text.strip():
        return text
    nonce = os.urandom(NONCE_SIZE)
    sealed = AESGCM(key.secret).encrypt(nonce, text.encode(), key.key_id.encode())
    body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"sealed:{key.key_id}:{body}"


def open_text(text: str, secrets_by_id: Mapping[str, bytes | None]) -> str:
    """`text` with every sealed value opened; `[erased]` where its key is gone."""

    def opened(match: re.Match[str]) -> str:
        secret = secrets_by_id.get(match.group(1))
        if secret is None:
            return ERASED
        body = match.group(2)
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            plain = AESGCM(secret).decrypt(raw[:NONCE_SIZE], raw[NONCE_SIZE:], match[1].encode())
        except InvalidTag:
            return ERASED
        return plain.decode()

    return SEALED.sub(opened, text) if "sealed:" in text else text


def key_ids_in(value: object) -> set[str]:
    """The person key ids of every sealed value inside `value` (dataclasses, lists, dicts)."""
    return {match.group(1) for text in _texts(value) for match in SEALED.finditer(text)}


def _texts(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _texts(getattr(value, f.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


def open_all(value: T, secrets_by_id: Mapping[str, bytes | None]) -> T:
    """A copy of `value` with every sealed text opened (`[erased]` where the key is gone)."""
    return _opened(value, secrets_by_id)  # type: ignore[no-any-return]


def _opened(value: Any, keys: Mapping[str, bytes | None]) -> Any:
    if isinstance(value, str):
        return open_text(value, keys)
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: _opened(getattr(value, f.name), keys) for f in fields(value) if f.init}
        return replace(value, **changed)
    if isinstance(value, dict):
        return {k: _opened(v, keys) for k, v in value.items()}
    if isinstance(value, list):
        return [_opened(v, keys) for v in value]
    if isinstance(value, tuple):
        return tuple(_opened(v, keys) for v in value)
    return value
