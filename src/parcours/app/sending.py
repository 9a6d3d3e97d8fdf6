"""How the pathway client sends an update: the id it sends it under, and how it lets go
of an answer no longer wanted."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


def update_id(request_id: str, name: str) -> str:
    """The update's id: the request id and the update's name.

    The service answers a second update with a known id from the first one's outcome,
    whatever its name: with the request id alone, a command sent under an id already
    used for another would be dropped and the first one's answer returned. With the name
    in it, only a retry of the same command is answered by the service; another command
    reaches the pathway's validator, which refuses it (`domain.requests`).
    """
    return f"{request_id}@{name}"


def abandon(task: asyncio.Future[Any]) -> None:
    """Cancel a task whose answer is no longer wanted and read the failure it ends with, so
    asyncio prints no "Task exception was never retrieved" in the staff member's terminal."""
    task.cancel()
    task.add_done_callback(_read_failure)


def _read_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


async def answered_within(answer: Awaitable[T], seconds: float) -> T | None:
    """`answer`, or None when it takes longer than `seconds` (then abandoned, not failed)."""
    waiting = asyncio.ensure_future(answer)
    done, _ = await asyncio.wait({waiting}, timeout=seconds)
    if not done:
        abandon(waiting)
        return None
    return waiting.result()
