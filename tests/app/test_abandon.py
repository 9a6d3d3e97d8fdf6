"""An update whose answer is no longer wanted (the pathway cannot run) is abandoned
quietly: the failure its cancelled RPC ends with is read, so asyncio never prints "Task
exception was never retrieved" in the middle of a staff member's terminal."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import Any

import pytest

from parcours.app.sending import abandon

pytestmark = pytest.mark.asyncio(loop_scope="function")


async def failing_when_cancelled() -> None:
    """A send whose RPC, once cancelled, fails with an error of its own (as the client's
    translation of RPC errors does), so the cancellation ends in a failure to read."""
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        raise RuntimeError("the pathway is closed for good") from None


async def waiting() -> None:
    await asyncio.sleep(3600)


def watch_unretrieved(loop: asyncio.AbstractEventLoop) -> list[dict[str, Any]]:
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    return reported


async def let_fail(then: Callable[[asyncio.Future[None]], object]) -> None:
    """Start a send, give up on it with `then` and drop it; it fails as it stops."""
    task = asyncio.ensure_future(failing_when_cancelled())
    await asyncio.sleep(0)
    then(task)


async def settle() -> None:
    """Let the dropped task's callbacks run and the collector find it."""
    for _ in range(3):
        await asyncio.sleep(0)
    gc.collect()


async def test_a_failed_send_that_is_abandoned_is_not_reported() -> None:
    reported = watch_unretrieved(asyncio.get_running_loop())
    await let_fail(abandon)
    await settle()
    assert reported == []


async def test_the_control_an_unread_failure_is_reported() -> None:
    reported = watch_unretrieved(asyncio.get_running_loop())
    await let_fail(lambda task: task.cancel())
    await settle()
    assert [c["message"] for c in reported] == ["Task exception was never retrieved"]


async def test_a_send_still_travelling_is_cancelled() -> None:
    task = asyncio.ensure_future(waiting())
    await asyncio.sleep(0)
    abandon(task)
    await asyncio.sleep(0)
    assert task.cancelled()
