"""Heartbeats while a blocking step runs, so a worker that dies mid-step is noticed soon.

A channel's send may take its whole timeout (10 s); the activity's heartbeat timeout is
shorter (`workflows.deliveries.DELIVERY_HEARTBEAT`), so a side thread beats every
second for as long as the step runs. Outside an activity (a direct call) it does nothing.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from temporalio import activity

BEAT_EVERY = 1.0
"""Seconds between two heartbeats (the SDK sends them on, throttled to its own pace)."""


@contextmanager
def heartbeating(every: float = BEAT_EVERY) -> Iterator[None]:
    if not activity.in_activity():
        yield
        return
    activity.heartbeat()
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            activity.heartbeat()

    context = contextvars.copy_context()
    side = threading.Thread(target=context.run, args=(beat,), daemon=True)
    side.start()
    try:
        yield
    finally:
        done.set()
        side.join()
