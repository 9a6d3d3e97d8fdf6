"""The read model, opened on first use: what the worker's activities and the CLI's person
sealer share, without the projection's logging."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

from temporalio import activity

from parcours.adapters.readmodel import Store, open_store


class LazyStore:
    """Opens (and migrates) the read model on first use, once per worker process."""

    def __init__(self, url: str, opener: Callable[[str], Store] = open_store) -> None:
        self._url, self._opener = url, opener
        self._store: Store | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Store:
        with self._lock:
            if self._store is None:
                with _uninterrupted():
                    self._store = self._opener(self._url)
            return self._store


def _uninterrupted() -> AbstractContextManager[None]:
    """Within an activity, a cancellation (the worker stopping) waits until the read model
    is opened: its first opening migrates it, and a migration cut in the middle leaves a
    SQLite file with tables but no version, which every later opening then fails on."""
    return activity.shield_thread_cancel_exception() if activity.in_activity() else nullcontext()
