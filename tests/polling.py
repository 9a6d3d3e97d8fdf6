"""Waiting for what happens "within moments": the one polling helper of the tests.

Temporal's visibility, the read-model projection, a partner's receiver, a child process:
each catches up a little after the call that caused it. A test asks again until the
answer is the one it expects, and fails saying what it waited for and the last answer
seen, rather than sleeping a guessed time or looping by hand.

- `eventually` in async tests (the worker shares their event loop, so they must not
  block it); the probe may be a coroutine function or a plain function.
- `eventually_blocking` in plain (sync) tests, e.g. around a CLI call.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")

TIMEOUT_S = 30.0
"""Long enough for a loaded two-core machine; a passing test never waits for it."""
EVERY_S = 0.05


def _never_happened(what: str, timeout: float, last: object) -> AssertionError:
    seen = repr(last)
    if len(seen) > 600:
        seen = seen[:600] + "…"
    return AssertionError(f"{what}: not within {timeout:g} s (last answer: {seen})")


@overload
async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], object] = ...,
    *,
    what: str,
    timeout: float = ...,
    every: float = ...,
) -> T: ...


@overload
async def eventually(
    probe: Callable[[], T],
    until: Callable[[T], object] = ...,
    *,
    what: str,
    timeout: float = ...,
    every: float = ...,
) -> T: ...


async def eventually(
    probe: Callable[[], Any],
    until: Callable[[Any], object] = bool,
    *,
    what: str,
    timeout: float = TIMEOUT_S,
    every: float = EVERY_S,
) -> Any:
    """`probe()`'s first answer for which `until` holds (by default: a truthy answer).

    `what` names the awaited fact, as the failure will say it: "the alert was raised".
    """
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if inspect.isawaitable(answer):
            answer = await answer
        if until(answer):
            return answer
        if time.monotonic() >= deadline:
            raise _never_happened(what, timeout, answer)
        await asyncio.sleep(every)


def eventually_blocking(
    probe: Callable[[], T],
    until: Callable[[T], object] = bool,
    *,
    what: str,
    timeout: float = TIMEOUT_S,
    every: float = EVERY_S,
) -> T:
    """As `eventually`, for a test that is not async: sleeps between the probes."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if until(answer):
            return answer
        if time.monotonic() >= deadline:
            raise _never_happened(what, timeout, answer)
        time.sleep(every)
