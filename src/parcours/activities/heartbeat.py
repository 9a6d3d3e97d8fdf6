"""Heartbeats while a blocking step runs, so a worker that dies mid-step is noticed soon.

A channel's send may take its whole timeout (10 s); the activity's heartbeat timeout is
shorter (`workflows.deliveries.DELIVERY_HEARTBEAT`), so every second a side thread beats
for each step under way, in that step's activity context. Outside an activity (a direct
call) it does nothing.

One side thread serves every step of the process, started with the first: a thread
started for each send (the first design) once never came up, its `start()` waiting
forever inside the activity, which then held a slot of the worker's pool for good.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from temporalio import activity

BEAT_EVERY = 1.0
"""Seconds between two heartbeats (the SDK sends them on, throttled to its own pace)."""


class _Beats:
    """The activity contexts to beat for, and the one thread that beats for them: started
    with the first, outside the lock, and never again (nothing it runs can end it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._under_way: dict[int, contextvars.Context] = {}
        self._thread: threading.Thread | None = None
        self._next = 0

    def add(self, context: contextvars.Context) -> int:
        with self._lock:
            self._next += 1
            self._under_way[self._next] = context
            ticket, first = self._next, self._thread is None
            if first:
                self._thread = threading.Thread(
                    target=self._beat, name="parcours-heartbeats", daemon=True
                )
        if first and self._thread is not None:
            self._thread.start()
        return ticket

    def remove(self, ticket: int) -> None:
        with self._lock:
            self._under_way.pop(ticket, None)

    def _beat(self) -> None:
        pause = threading.Event()  # never set: a sleep that names what it waits for
        while True:
            pause.wait(BEAT_EVERY)
            with self._lock:
                contexts = list(self._under_way.values())
            for context in contexts:
                _beat_in(context)


def _beat_in(context: contextvars.Context) -> None:
    """One heartbeat in `context`. The SDK drops one for an activity that has just ended;
    whatever else goes wrong with one (the worker's loop closing as it stops) must not
    stop the thread that beats for the others."""
    try:
        context.run(activity.heartbeat)
    except Exception:  # noqa: BLE001 - see above
        return


_BEATS = _Beats()


@contextmanager
def heartbeating() -> Iterator[None]:
    """Beat now, then every `BEAT_EVERY` seconds until the block ends."""
    if not activity.in_activity():
        yield
        return
    activity.heartbeat()
    ticket = None
    try:
        # A cancellation (raised in this thread, anywhere) lands after these, not inside.
        with activity.shield_thread_cancel_exception():
            ticket = _BEATS.add(contextvars.copy_context())
        yield
    finally:
        if ticket is not None:
            with activity.shield_thread_cancel_exception():
                _BEATS.remove(ticket)
