"""Staff credentials: Ed25519 key pairs, signing a request, checking a signature.

A coordinator issues a credential (`issue`): a new key pair whose public half goes to the
read model and whose private half goes to the staff member's config file, never stored
by the service. A front end signs every request with it (`sign`, through
`app.signed_client`); the worker checks the signature before the workflow sees the
request (`verify`, through `app.actor_check`). The rules (what is signed, how old a
signature may be, what a credential must grant) are `domain.signing`'s.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from parcours.domain.records import RequestMeta
from parcours.domain.signing import (
    Credential,
    check_credential,
    check_signed,
    refused,
    signed_text,
)
from parcours.domain.vocabulary import Role

KEY_ID_PREFIX = "key-"


class CredentialBook(Protocol):
    """Where the worker finds a credential by key id (the read model's store)."""

    def credential(self, key_id: str) -> Credential | None: ...


@dataclass(frozen=True)
class SigningKey:
    """The private half of a staff member's credential, as their config file holds it."""

    key_id: str
    actor_id: str
    role: Role
    private_key: str
    """Raw Ed25519 private key, base64."""


def issue(
    actor_id: str, role: Role, issued_by: str, now: datetime
) -> tuple[Credential, SigningKey]:
    """A new credential for `actor_id` in `role`: what the service keeps, what they keep."""
    private = Ed25519PrivateKey.generate()
    public = _b64(private.public_key().public_bytes_raw())
    key_id = KEY_ID_PREFIX + hashlib.sha256(public.encode()).hexdigest()[:16]
    credential = Credential(key_id, actor_id, role, public, now, issued_by)
    return credential, SigningKey(key_id, actor_id, role, _b64(private.private_bytes_raw()))


def public_key_of(key: SigningKey) -> str:
    return _b64(_private(key).public_key().public_bytes_raw())


def sign(
    key: SigningKey,
    action: str,
    target: str,
    meta: RequestMeta,
    content: Sequence[Any],
    *,
    now: datetime | None = None,
) -> RequestMeta:
    """`meta` signed with `key`: its key id, when, and the signature over the request."""
    signed = replace(meta, key_id=key.key_id, signed_at=now or datetime.now(UTC), signature="")
    signature = _private(key).sign(signed_text(action, target, signed, content))
    return replace(signed, signature=_b64(signature))


def verify(
    book: CredentialBook,
    action: str,
    target: str,
    meta: RequestMeta,
    content: Sequence[Any],
    *,
    now: datetime,
) -> Credential:
    """The credential that signed this request, or `ActorRefused` saying why not."""
    check_signed(meta, now)
    credential = book.credential(meta.key_id)
    check_credential(credential, meta)
    assert credential is not None  # checked above
    if not signature_holds(credential, action, target, meta, content):
        raise refused("signature_invalid", "the request's signature does not verify")
    return credential


def signature_holds(
    credential: Credential, action: str, target: str, meta: RequestMeta, content: Sequence[Any]
) -> bool:
    """Whether `meta.signature` is `credential`'s over this request (the audit asks too)."""
    unsigned = replace(meta, signature="", handed_by="", seal="")
    try:
        public = Ed25519PublicKey.from_public_bytes(_unb64(credential.public_key))
        public.verify(_unb64(meta.signature), signed_text(action, target, unsigned, content))
    except (InvalidSignature, ValueError):
        return False
    return True


def _private(key: SigningKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_unb64(key.private_key))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)
