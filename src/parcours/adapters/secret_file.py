"""A small private file holding one random secret: the codec passes' signing secret.

Created once (mode 0600, never overwritten, in a folder of mode 0700), read back with
the same rule as the key file: a file other users may read is refused. Errors carry a
reason code and the path, never the secret, so the CLI can say them in French or English
(catalogue keys `secret.<reason>`).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_BYTES = 32


class SecretFileError(Exception):
    """The secret file cannot be created or used; `str()` is one English sentence."""

    def __init__(self, message: str, reason: str, path: Path, error: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.path = str(path)
        self.error = error


def create_secret_file(path: Path) -> bytes:
    """Write a fresh secret to `path` (mode 0600); refuse when the file exists."""
    secret = secrets.token_bytes(SECRET_BYTES)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SecretFileError(f"{path} already exists.", "exists", path) from None
    except OSError as err:
        raise SecretFileError(
            f"{path} cannot be created: {err.strerror}.", "cannot_create", path, str(err.strerror)
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(secret.hex() + "\n")
        file.flush()
        os.fsync(file.fileno())
    return secret


def read_secret_file(path: Path) -> bytes:
    """The secret in `path`; a file other users may read, or not a secret, is refused."""
    try:
        if path.stat().st_mode & 0o077:
            raise SecretFileError(
                f"{path} is readable by other users: run `chmod 600 {path}`.", "not_private", path
            )
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise SecretFileError(f"{path} does not exist.", "missing", path) from None
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "not text"
        raise SecretFileError(
            f"{path} cannot be read: {why}.", "unreadable", path, str(why)
        ) from None
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        secret = b""
    if len(secret) != SECRET_BYTES:
        raise SecretFileError(f"{path} does not hold a secret.", "not_secret", path)
    return secret


def ensure_secret_file(path: Path) -> tuple[bytes, bool]:
    """The secret in `path`, created first when there is none; True when created now."""
    if path.exists():
        return read_secret_file(path), False
    try:
        return create_secret_file(path), True
    except SecretFileError as err:
        if err.reason != "exists":  # another process created it meanwhile: read theirs
            raise
    return read_secret_file(path), False
