"""Signed actors: what a staff request's signature covers, and when it is refused.

A staff member's credential is a key pair a coordinator issued (`parcours staff add`):
the private half stays in that person's config file, the public half in the read model.
Every request a front end sends is signed over `signed_text`: the action (the update's
or the workflow's name), the workflow it targets, the request id, the role, the actor,
the instant it was signed, the credential's key id, and a digest of what the request
carries (the reason typed, the date given with `--on`, the command's fields). The worker
refuses a request whose signature does not verify, whose credential is unknown, revoked,
or does not grant the role or the actor it claims, or whose signature is too old to be a
fresh request.

Pure: the signature itself is checked by the worker with the `cryptography` package
(`app.credentials`); here are the rules, so that every front end and the worker agree.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from parcours.domain.errors import NotPermitted
from parcours.domain.json_values import json_values
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import Role

SIGNATURE_MAX_AGE = timedelta(minutes=5)
"""A signature older than this is refused: a request is sent the moment it is signed, and
retried (by the CLI, with the same request id) under a new signature."""

SIGNATURE_STALE = "signature_stale"
"""The code of a refusal for a signature too old (or dated too far ahead)."""
CREDENTIALS_UNAVAILABLE = "credentials_unavailable"
"""The code of a refusal for now: the credentials could not be read to judge the request
(the read model locked or down). Front ends say it as an outage, not as a verdict."""

SIGNATURE_SKEW = timedelta(minutes=1)
"""How far ahead of the worker's clock a sender's clock may be."""

SIGNED_FORMAT = "parcours-request-v1"


def canonical(value: Any) -> Any:
    """`value` as plain JSON values, the same on the sender's side and, once the data
    converter has carried it, on the worker's: instants in UTC."""
    return json_values(value, in_utc=True)


def digest(content: Sequence[Any]) -> str:
    """SHA-256 of what the request carries besides its `RequestMeta`."""
    text = json.dumps(canonical(list(content)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def signed_text(action: str, target: str, meta: RequestMeta, content: Sequence[Any]) -> bytes:
    """The bytes a request's signature covers."""
    signed_at = meta.signed_at.astimezone(UTC).isoformat() if meta.signed_at else ""
    parts = (
        SIGNED_FORMAT,
        action,
        target,
        meta.request_id,
        meta.actor.role.value,
        meta.actor.actor_id,
        signed_at,
        meta.key_id,
        digest([meta.reason, meta.effective_at, *content]),
    )
    return "\n".join(parts).encode()


STAFF_ID = re.compile(r"[^\W_][\w.@-]{1,63}")
"""A staff id as credentials are issued to: an opaque id of 2 to 64 letters (accented ones
too), digits and `. _ @ -`, beginning with a letter or a digit; never a name with spaces,
nor blank (it is what every request and read log names)."""


def is_staff_id(text: str) -> bool:
    return STAFF_ID.fullmatch(text) is not None


@dataclass(frozen=True)
class Credential:
    """A staff member's credential as the service keeps it: no private key, ever."""

    key_id: str
    actor_id: str
    role: Role
    public_key: str
    issued_at: datetime
    issued_by: str = ""
    revoked_at: datetime | None = None
    revoked_by: str = ""


class ActorRefused(NotPermitted):
    """The request does not prove who sent it, or its credential does not allow it."""

    rule = "signed_actor"


def refused(code: str, message: str, **values: str) -> ActorRefused:
    return ActorRefused(message, code=code, values=values)


def check_signed(meta: RequestMeta, now: datetime) -> None:
    """A request must carry a signature, signed a moment ago."""
    if not (meta.key_id and meta.signature and meta.signed_at):
        raise refused("signature_missing", "the request is not signed by a staff credential")
    age = now - meta.signed_at
    if age > SIGNATURE_MAX_AGE or -age > SIGNATURE_SKEW:
        minutes = str(int(SIGNATURE_MAX_AGE.total_seconds() // 60))
        raise refused(
            SIGNATURE_STALE,
            f"the request was signed at {meta.signed_at.isoformat()}, too long ago",
            signed_at=meta.signed_at.astimezone(UTC).isoformat(timespec="seconds"),
            minutes=minutes,
        )


def check_credential(credential: Credential | None, meta: RequestMeta) -> None:
    """The credential must exist, be in force, and name the request's actor and role."""
    if credential is None:
        raise refused("credential_unknown", f"no credential {meta.key_id}", key_id=meta.key_id)
    if credential.revoked_at is not None:
        raise refused(
            "credential_revoked",
            f"the credential {credential.key_id} was revoked",
            key_id=credential.key_id,
            revoked_at=credential.revoked_at.astimezone(UTC).isoformat(timespec="seconds"),
        )
    if credential.actor_id != meta.actor.actor_id or credential.role is not meta.actor.role:
        raise refused(
            "credential_grants_other",
            f"the credential {credential.key_id} does not grant {meta.actor.actor_id} "
            f"the {meta.actor.role.value} role",
            key_id=credential.key_id,
            actor=meta.actor.actor_id,
            role=meta.actor.role.value,
        )
