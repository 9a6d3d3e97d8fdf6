"""The service's seal on a request it hands on after checking its signature.

A job-dating's recording is signed by the staff member who sends it and checked by the
worker (`app.actor_check`); the job-dating workflow then hands each candidate's outcome
to that candidate's pathway as an update of its own, sent by the worker's activity
(`hand_jobdating_outcome`), not by the staff member. That update carries the recording's
key id and signature for the record, the job-dating it comes from (`handed_by`), and
this seal: an HMAC-SHA-256 under a secret derived from the keyring, which only holders of
the keys (the service) can make. The pathway's check accepts a sealed hand-off.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from parcours.adapters.temporal.keys import Keyring
from parcours.domain.records import RequestMeta
from parcours.domain.signing import signed_text

SEAL_PURPOSE = b"parcours handed request seal v1"


def seal_secrets(keyring: Keyring) -> list[bytes]:
    """One secret per key of the keyring, the current key's first (it seals); any of
    them opens, so that a keyring rotated meanwhile still opens what was sealed."""
    return [hmac.new(key.secret, SEAL_PURPOSE, hashlib.sha256).digest() for key in keyring.keys]


def seal(secret: bytes, action: str, target: str, meta: RequestMeta, content: Sequence[Any]) -> str:
    """The seal of a handed request: over what a signature covers, and who handed it."""
    text = signed_text(action, target, replace(meta, seal=""), content)
    mac = hmac.new(secret, text + b"\n" + meta.handed_by.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def seal_holds(
    secrets: Sequence[bytes], action: str, target: str, meta: RequestMeta, content: Sequence[Any]
) -> bool:
    """Whether `meta.seal` is the service's, under any key of its keyring."""
    return bool(meta.handed_by) and any(
        hmac.compare_digest(meta.seal, seal(secret, action, target, meta, content))
        for secret in secrets
    )
