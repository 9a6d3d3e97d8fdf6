"""Notifying by writing files: the embedded default, and a drop folder for partners.

One JSON file per idempotency key, created exclusively and readable by its owner only:
a file that already exists means the notification was already written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from parcours.adapters.channels.errors import TemporaryFailure, failure_text
from parcours.adapters.channels.message import OutgoingMessage


def file_name(key: str) -> str:
    """A file name for an idempotency key: reversible, no separators, no collisions."""
    return quote(key, safe="-_.") + ".json"


@dataclass(frozen=True)
class FileChannel:
    folder: Path

    def path_for(self, key: str) -> Path:
        return self.folder / file_name(key)

    def send(self, message: OutgoingMessage) -> None:
        body = json.dumps(message.payload(), ensure_ascii=False, indent=2).encode("utf-8")
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path_for(message.key), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        except OSError as exc:
            cause = type(exc).__name__
            raise TemporaryFailure(failure_text("folder_not_writable", cause=cause)) from None
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            # A half-written file would read as "already sent": remove it and retry later.
            self.path_for(message.key).unlink(missing_ok=True)
            cause = type(exc).__name__
            raise TemporaryFailure(failure_text("file_not_written", cause=cause)) from None
