"""One embedded service, and one Temporal dev server, per data folder.

Two locks in the data folder, taken with `flock` so that the kernel lets them go when
their holder dies, however it dies:

- `serve.lock`, held by `parcours serve` for as long as it runs: a second `serve` on the
  same folder is refused, naming the first (it used to be told to choose another port,
  which started a second dev server on the same SQLite file, and the two disagreed about
  the record);
- `temporal.lock`, handed to the dev server when it starts, so that it stays held while
  that server runs, even after the `serve` that started it was killed (`kill -9`). The
  next `serve` finds it held with `serve.lock` free: a server left behind, which it stops
  (its pid is in `temporal.pid`, checked to be the dev server of this very folder)
  before it starts its own, where it used to refuse "port in use" for its own leftover.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import time
from pathlib import Path

from parcours.adapters.settings import Settings

SERVE_LOCK, SERVER_LOCK, SERVER_PID = "serve.lock", "temporal.lock", "temporal.pid"
STOP_GRACE_S = 20.0
"""How long a dev server is given to stop on SIGTERM before SIGKILL."""


class DevServerError(Exception):
    """The embedded server cannot start or cannot be reached; the message is one sentence.

    `reason` and `values` let the CLI say it in French or English (catalogue keys
    `devserver.<reason>`)."""

    def __init__(self, message: str, reason: str, **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


def _locked(path: Path, *, inheritable: bool = False) -> int | None:
    """The open, locked file at `path`; None when another process holds its lock."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.set_inheritable(fd, inheritable)
    return fd


def _pid_in(path: Path) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int(path.read_text().strip())
    return None


class DataFolder:
    """The data folder of one `serve`: claimed before anything is written there, its
    leftover dev server stopped, its dev server's lock handed over when it starts."""

    stop_grace = STOP_GRACE_S

    def __init__(self, settings: Settings) -> None:
        self.path = settings.data_dir
        self.database = str(settings.temporal_db_file)
        self._serve_fd: int | None = None

    def claim(self) -> int | None:
        """Hold the folder for this `serve` (made if new), its pid in `serve.lock`; refuse
        when another `serve` holds it, naming it; stop a dev server a killed `serve` left
        running there. The pid of the server stopped, if any."""
        self.path.mkdir(parents=True, exist_ok=True)
        if self._serve_fd is None:
            self._serve_fd = _locked(self.path / SERVE_LOCK)
            if self._serve_fd is None:
                pid = _pid_in(self.path / SERVE_LOCK) or "?"
                raise DevServerError(
                    f"Another parcours serve (pid {pid}) runs on the data folder {self.path}: "
                    "stop it first, or give this one another folder with PARCOURS_DATA_DIR.",
                    "folder_served",
                    folder=self.path,
                    pid=pid,
                )
            os.ftruncate(self._serve_fd, 0)
            os.write(self._serve_fd, f"{os.getpid()}\n".encode())
        return self._stop_leftover()

    def server_lock(self) -> int:
        """The dev server's lock, open and inheritable, for `Popen(pass_fds=...)`."""
        fd = _locked(self.path / SERVER_LOCK, inheritable=True)
        if fd is None:  # `claim` stopped the one left behind: nobody else may start one
            raise self._held_by_stranger()
        return fd

    def started(self, pid: int) -> None:
        (self.path / SERVER_PID).write_text(f"{pid}\n")

    def stopped(self) -> None:
        """The dev server has stopped: its pid no longer names it."""
        (self.path / SERVER_PID).unlink(missing_ok=True)

    def close(self) -> None:
        """Let the folder go (`serve` ends); harmless when it was never held."""
        if self._serve_fd is not None:
            os.close(self._serve_fd)
            self._serve_fd = None

    def _stop_leftover(self) -> int | None:
        probe = _locked(self.path / SERVER_LOCK)
        if probe is not None:
            os.close(probe)
            return None
        pid = _pid_in(self.path / SERVER_PID)
        if pid is None or not self._ours(pid):
            raise self._held_by_stranger()
        os.kill(pid, signal.SIGTERM)
        if not self._freed(self.stop_grace):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            if not self._freed(self.stop_grace):
                raise self._held_by_stranger()
        self.stopped()
        return pid

    def _ours(self, pid: int) -> bool:
        """Whether `pid` is a dev server on this folder's database, by its command line
        (read in /proc: on a system without it, a leftover is said, not stopped)."""
        try:
            words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return b"start-dev" in words and self.database.encode() in words

    def _freed(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            probe = _locked(self.path / SERVER_LOCK)
            if probe is not None:
                os.close(probe)
                return True
            time.sleep(0.1)
        return False

    def _held_by_stranger(self) -> DevServerError:
        return DevServerError(
            f"A Temporal server that parcours cannot stop holds the data folder {self.path} "
            "(not one it started, or one that would not stop): stop it, then start parcours "
            "serve again.",
            "folder_held",
            folder=self.path,
        )
