"""Issuing, listing and revoking staff credentials, and the config file that holds one.

A coordinator proves who they are with their own credential before issuing or revoking
one (`prove`): holding the private half of a coordinator's credential in force, not
saying `--role coordinator`. A reader proves the staff id and role they read with the
same way before a read of a person's file is logged (`cli.reads`). The first
coordinator's credential is made by `parcours serve` for the person who runs it
(`first_coordinator`), when the service has none.

The private half is written once, into the staff member's config file (mode 0600,
never overwritten), and never kept by the service.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from parcours.app.credentials import SigningKey, issue, public_key_of
from parcours.domain.signing import Credential, is_staff_id
from parcours.domain.vocabulary import Role

CONFIG_KEYS = ("actor", "role", "key_id", "private_key")
"""What a credential puts in a config file: who, in which role, and the key."""


class StaffRefused(Exception):
    """`reason`: `no_credential` (the session holds none), `not_in_force` (its credential
    is unknown, revoked, or not the one held: `why`), `grants_other` (it grants another role or
    staff id than the one asked for),
    `exists` (the file to write exists), `unknown` (no such credential to revoke),
    `bad_id` (a staff id that is none: `domain.signing.is_staff_id`)."""

    def __init__(self, reason: str, **values: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.values = values


class CredentialStore(Protocol):
    def add_credential(self, credential: Credential) -> None: ...
    def credential(self, key_id: str) -> Credential | None: ...
    def credentials(self, actor_id: str | None = None) -> list[Credential]: ...
    def revoke_credential(self, key_id: str, by: str, at: datetime | None = None) -> bool: ...


def signing_key(config: Mapping[str, Any]) -> SigningKey | None:
    """The credential a config file holds, or None when it holds none."""
    if not all(isinstance(config.get(k), str) and config.get(k) for k in CONFIG_KEYS):
        return None
    try:
        role = Role(config["role"])
    except ValueError:
        return None
    return SigningKey(config["key_id"], config["actor"], role, config["private_key"])


def prove(
    store: CredentialStore,
    key: SigningKey | None,
    role: Role = Role.COORDINATOR,
    actor_id: str | None = None,
) -> Credential:
    """The credential the session holds, in force and granting `role` (and the staff id
    `actor_id`, when given), or `StaffRefused`: `no_credential`, `not_in_force` (unknown,
    revoked, or not the private half held) or `grants_other` (another role or staff id)."""
    if key is None:
        raise StaffRefused("no_credential")
    found = store.credential(key.key_id)
    if found is None:
        raise StaffRefused("not_in_force", key_id=key.key_id, why="unknown")
    if found.revoked_at is not None:
        when = found.revoked_at.isoformat()
        raise StaffRefused("not_in_force", key_id=key.key_id, why="revoked", when=when)
    if found.public_key != _public_half(key):
        raise StaffRefused("not_in_force", key_id=key.key_id, why="mismatch")
    if found.role is not role or actor_id not in (None, found.actor_id):
        values = {"key_id": key.key_id, "actor": found.actor_id, "role": found.role.value}
        raise StaffRefused("grants_other", **values)
    return found


def _public_half(key: SigningKey) -> str | None:
    """The public half of the private key a config file holds; None when it holds no key."""
    try:
        return public_key_of(key)
    except (ValueError, TypeError):  # not base64, or not an Ed25519 private key
        return None


def add_staff(
    store: CredentialStore, actor_id: str, role: Role, issuer: Credential, config: Path
) -> Credential:
    """Issue a credential and write its private half into `config`, a new file; an
    `OSError` when it cannot be written, and then nothing is issued."""
    if not is_staff_id(actor_id):
        raise StaffRefused("bad_id", actor=actor_id)
    if config.exists():
        raise StaffRefused("exists", path=str(config))
    credential, key = issue(actor_id, role, issuer.key_id, datetime.now(UTC))
    write_config(config, key, {})
    store.add_credential(credential)
    return credential


def revoke_staff(store: CredentialStore, reference: str, by: Credential) -> list[Credential]:
    """Revoke the credential with key id `reference`, or every one of staff id `reference`."""
    targets = [c for c in [store.credential(reference)] if c is not None]
    targets = targets or store.credentials(reference)
    revoked = [c for c in targets if store.revoke_credential(c.key_id, by.key_id)]
    if not targets:
        raise StaffRefused("unknown", reference=reference)
    return revoked


def first_coordinator(store: CredentialStore, config: Path, actor_id: str) -> Credential | None:
    """A coordinator's credential for whoever runs the service, when it has none in force
    and their config file holds no credential; None when nothing was needed."""
    if any(c.role is Role.COORDINATOR and c.revoked_at is None for c in store.credentials()):
        return None
    existing = read_toml(config)
    if signing_key(existing) is not None:
        return None
    credential, key = issue(actor_id, Role.COORDINATOR, "", datetime.now(UTC))
    write_config(config, key, existing)
    store.add_credential(credential)
    return credential


def write_config(path: Path, key: SigningKey, kept: Mapping[str, Any]) -> None:
    """Write `path` (mode 0600) with the credential and what `kept` held besides."""
    values = {**kept, "actor": key.actor_id, "role": key.role.value}
    values |= {"key_id": key.key_id, "private_key": key.private_key}
    lines = [f"{name} = {_toml_value(value)}" for name, value in values.items()]
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.new")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        return {}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)
