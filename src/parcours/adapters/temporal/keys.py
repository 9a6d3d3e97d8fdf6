"""The keyring that encrypts everything the Temporal server stores.

A keyring is an ordered set of AES-256 keys, each named by a short key id. The current key
encrypts; every key decrypts, so rotation adds a current key and keeps the old ones.

Both sources hold the same JSON document, the current key named explicitly:

    {"current": "k2", "keys": {"k1": "<base64 of 32 bytes>", "k2": "<base64 of 32 bytes>"}}

- the key file (`PARCOURS_KEY_FILE`, default `~/.config/parcours/keys.json`, away from
  the data folder holding the engine's database), mode 0600, created by the first
  `make run`; a file other users may read is refused. One left in the data folder by an
  older parcours is still read until `parcours serve` moves it (`key_home.py`);
- the `PARCOURS_KEYS` environment variable, which takes precedence, for deployments
  whose secrets arrive through the environment (`PARCOURS_KEYS="$(cat keys.json)"`).

After a rotation, restart every worker and client so they all know the new key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parcours.adapters.settings import Settings

KEY_SIZE = 32
"""Bytes in an AES-256 key."""

KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")
_NUMBERED_ID = re.compile(r"k(\d+)")
ENV_SOURCE = "PARCOURS_KEYS"


class KeyringError(Exception):
    """The keys cannot be loaded or written; the message is one sentence for a human.

    `reason` and `values` let the CLI say the same sentence in French or English
    (catalogue keys `keyring.<reason>`); `path` is the key file concerned, empty for
    `PARCOURS_KEYS`. Values never hold key material.
    """

    def __init__(self, message: str, reason: str, path: Path | str = "", **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.path = str(path)
        self.values = values


@dataclass(frozen=True)
class Key:
    """One AES-256 key and the id stored beside every payload it encrypts."""

    key_id: str
    secret: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not KEY_ID.fullmatch(self.key_id):
            raise KeyringError(
                f"Key id '{self.key_id}' must be 1 to 32 letters, digits, '.', '_' or '-'.",
                "bad_key_id",
                key_id=self.key_id,
            )
        if len(self.secret) != KEY_SIZE:
            raise KeyringError(
                f"Key {self.key_id} is not {KEY_SIZE} bytes long.",
                "bad_key_size",
                key_id=self.key_id,
                size=KEY_SIZE,
            )


@dataclass(frozen=True)
class Keyring:
    """Keys newest first: the first one encrypts, any of them decrypts."""

    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyringError("A keyring needs at least one key.", "empty")
        ids = [key.key_id for key in self.keys]
        duplicates = sorted({key_id for key_id in ids if ids.count(key_id) > 1})
        if duplicates:
            raise KeyringError(
                f"Key id {duplicates[0]} appears more than once.", "duplicate", key_id=duplicates[0]
            )

    @property
    def current(self) -> Key:
        return self.keys[0]

    def find(self, key_id: str) -> Key | None:
        return next((key for key in self.keys if key.key_id == key_id), None)

    @classmethod
    def generate(cls) -> Keyring:
        """A keyring with one fresh random key, for a first run or a test."""
        return cls((_fresh_key(()),))

    def rotated(self) -> Keyring:
        """This keyring with a fresh current key in front; the old keys still decrypt."""
        return Keyring((_fresh_key(self.keys), *self.keys))

    def to_json(self) -> str:
        document = {
            "current": self.current.key_id,
            "keys": {key.key_id: base64.b64encode(key.secret).decode() for key in self.keys},
        }
        return json.dumps(document, indent=2) + "\n"

    @classmethod
    def from_env_value(cls, value: str) -> Keyring:
        """The keyring in the JSON document given as `PARCOURS_KEYS`."""
        return _parse(value, ENV_SOURCE, "")

    @classmethod
    def from_file(cls, path: Path, *, require_private: bool = True) -> Keyring:
        """The keyring in a key file; one other users may read is refused.

        `require_private=False` is for throwaway keys committed with the tests, which a
        checkout leaves readable by all.
        """
        source = f"The key file {path}"
        try:
            mode = path.stat().st_mode
            if require_private and mode & 0o077:
                raise KeyringError(
                    f"{source} is readable by other users: run `chmod 600 {path}`.",
                    "not_private",
                    path,
                )
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyringError(
                f"{source} does not exist: run `make run` once to create it, or set {ENV_SOURCE}.",
                "missing",
                path,
            ) from None
        except UnicodeDecodeError:
            raise KeyringError(
                f"{source} is not valid JSON (it is not UTF-8 text).", "not_utf8", path
            ) from None
        except OSError as err:
            raise KeyringError(
                f"{source} cannot be read: {err.strerror}.", "unreadable", path, error=err.strerror
            ) from None
        return _parse(text, source, path)


def load_keyring(settings: Settings) -> Keyring:
    """The keyring of this process: `PARCOURS_KEYS` if set, else the key file, else the
    one an older parcours left in the data folder; two that differ are refused."""
    if settings.keys_env:
        return Keyring.from_env_value(settings.keys_env)
    old = settings.legacy_key_file
    if old is None or not old.exists():
        return Keyring.from_file(settings.key_file)
    if not settings.key_file.exists():
        return Keyring.from_file(old)
    keyring = Keyring.from_file(settings.key_file)
    if Keyring.from_file(old) != keyring:
        raise KeyringError(
            f"There are two key files, {settings.key_file} and {old} (left in the data folder"
            " by an older parcours), and they differ: keep the one that opens this service's"
            " histories, or name it with PARCOURS_KEY_FILE.",
            "two_files",
            settings.key_file,
            other=old,
        )
    return keyring


def create_key_file(path: Path) -> Keyring:
    """Write a new key file holding one fresh key, mode 0600; never overwrite one.

    Overwriting would lose the only key able to read the stored histories.
    """
    keyring = Keyring.generate()
    write_private(path, keyring.to_json().encode("utf-8"))
    return keyring


def write_private(path: Path, content: bytes) -> None:
    """Write a new file only its owner may read (mode 0600, folder 0700); never overwrite."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyringError(
            f"The key file {path} already exists: it was not overwritten.", "exists", path
        ) from None
    except OSError as err:
        raise KeyringError(
            f"The key file {path} cannot be created: {err.strerror}.",
            "cannot_create",
            path,
            error=err.strerror,
        ) from None
    with os.fdopen(fd, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def rotate_key_file(path: Path) -> Keyring:
    """Add a fresh current key to a key file, keeping the old ones, and return the result.

    The new file replaces the old one in a single rename, so a crash leaves either.
    """
    keyring = Keyring.from_file(path).rotated()
    fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(keyring.to_json())
            file.flush()
            os.fsync(file.fileno())
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
    return keyring


def _fresh_key(existing: tuple[Key, ...]) -> Key:
    """A random key named k<N>, N one more than the highest numbered id already there."""
    numbers = [
        int(match.group(1))
        for key in existing
        if (match := _NUMBERED_ID.fullmatch(key.key_id)) is not None
    ]
    return Key(f"k{max(numbers, default=0) + 1}", secrets.token_bytes(KEY_SIZE))


def _parse(text: str, source: str, path: Path | str) -> Keyring:
    """Read the JSON document; errors name the source, never the key material."""
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as err:
        raise KeyringError(
            f"{source} is not valid JSON (line {err.lineno}, column {err.colno}).",
            "not_json",
            path,
            line=err.lineno,
            column=err.colno,
        ) from None
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("current"), str)
        or not isinstance(document.get("keys"), dict)
    ):
        raise KeyringError(
            f'{source} must be a JSON object with "current" (a key id) and "keys"'
            " (key ids to base64 keys).",
            "bad_shape",
            path,
        )
    current: str = document["current"]
    encoded: dict[str, Any] = document["keys"]
    if current not in encoded:
        raise KeyringError(
            f"{source} names '{current}' as current but holds no such key.",
            "no_current",
            path,
            current=current,
        )
    keys = [_decode_key(key_id, value, source, path) for key_id, value in encoded.items()]
    keys.sort(key=lambda key: key.key_id != current)
    return Keyring(tuple(keys))


def _decode_key(key_id: str, value: Any, source: str, path: Path | str) -> Key:
    if not KEY_ID.fullmatch(key_id):
        raise KeyringError(
            f"{source}: key id '{key_id}' must be 1 to 32 letters, digits, '.', '_' or '-'.",
            "bad_key_id_in",
            path,
            key_id=key_id,
        )
    try:
        secret = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        secret = b""
    if len(secret) != KEY_SIZE:
        raise KeyringError(
            f"{source}: key {key_id} is not {KEY_SIZE} bytes of base64.",
            "bad_key_in",
            path,
            key_id=key_id,
            size=KEY_SIZE,
        )
    return Key(key_id, secret)
