"""`audit replay` spread over processes, one per core by default (`--jobs N`).

A replay is bound by one interpreter: Temporal's replayer and the workflow code run on
one core. With `jobs` above one, histories go in chunks to a pool of processes (started
fresh, not forked: the parent may hold a Temporal connection), each replaying its chunk
with its own replayer; the outcomes come back in the order the histories were given, and
`on_outcome` hears of each chunk's as it arrives in that order (progress).

What a chunk cannot replay because a check refused a history (another workflow's
history, an altered payload, keys that do not open it) is checked again here, in the
parent, so that the very exception the one-process replay raises is raised: exceptions
do not always cross process boundaries intact.

The pool's processes ignore Ctrl-C; the parent stops them at once when it is
interrupted, so an interrupted replay ends as the one-process replay does.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from temporalio.api.history.v1 import History
from temporalio.client import WorkflowHistory

from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.keys import Keyring
from parcours.audit.checks import ensure_audited, open_every_payload
from parcours.audit.history import PathwayHistory
from parcours.audit.replay import ReplayOutcome, each, replay_histories

CHUNK = 8
"""Histories a process replays at a time: small enough for the progress to move, large
enough that shipping them costs little beside replaying them."""


def default_jobs() -> int:
    """One process per core."""
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class _Shipped:
    """A history as it crosses to another process: each run's events, serialized."""

    workflow_id: str
    runs: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, history: PathwayHistory) -> _Shipped:
        runs = tuple(
            (run.workflow_id, History(events=run.events).SerializeToString())
            for run in history.runs
        )
        return cls(history.workflow_id, runs)

    def history(self) -> PathwayHistory:
        runs = []
        for workflow_id, raw in self.runs:
            events = History()
            events.ParseFromString(raw)
            runs.append(WorkflowHistory(workflow_id, list(events.events)))
        return PathwayHistory(self.workflow_id, tuple(runs))


Outcomes = list[ReplayOutcome] | int
"""A chunk's outcomes, or the index in the chunk of the history a check refused."""


def _replay_chunk(chunk: list[_Shipped], keys: str) -> Outcomes:
    """In a pool process: replay the chunk with a replayer of its own."""
    keyring = Keyring.from_env_value(keys)
    histories = [shipped.history() for shipped in chunk]
    try:
        return asyncio.run(replay_histories(histories, keyring))
    except Exception:  # noqa: BLE001 - the parent checks again and raises it itself
        return asyncio.run(_refused_index(histories, keyring))


async def _refused_index(histories: list[PathwayHistory], keyring: Keyring) -> int:
    converter = data_converter(keyring)
    for index, history in enumerate(histories):
        try:
            ensure_audited(history)
            await open_every_payload(history, converter)
        except Exception:  # noqa: BLE001 - the first one refused is the one to name
            return index
    return 0


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


async def replay_spread(
    histories: AsyncIterator[PathwayHistory] | Iterable[PathwayHistory],
    keyring: Keyring,
    jobs: int,
    on_outcome: Callable[[ReplayOutcome], None] | None = None,
) -> list[ReplayOutcome]:
    """Replay every run of every history on `jobs` processes (in this one when 1)."""
    if jobs <= 1:
        return await replay_histories(histories, keyring, on_outcome=on_outcome)
    pool = multiprocessing.get_context("spawn").Pool(jobs, initializer=_ignore_interrupts)
    try:
        keys = keyring.to_json()
        pending = [  # each chunk sent as soon as it is read (or fetched)
            (chunk, _submit(pool, [_Shipped.of(h) for h in chunk], keys))
            async for chunk in _chunks(histories)
        ]
        outcomes: list[ReplayOutcome] = []
        for chunk, waiting in pending:
            got = await waiting
            if isinstance(got, int):
                await _raise_refusal(chunk[got], keyring)
                got = await replay_histories(chunk, keyring)  # the check passed here
            for outcome in got:
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        return outcomes
    finally:
        pool.terminate()
        pool.join()


async def _raise_refusal(history: PathwayHistory, keyring: Keyring) -> None:
    ensure_audited(history)
    await open_every_payload(history, data_converter(keyring))


def _submit(pool: Any, chunk: list[_Shipped], keys: str) -> asyncio.Future[Outcomes]:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[Outcomes] = loop.create_future()

    def settle(result: Outcomes) -> None:
        loop.call_soon_threadsafe(_set, done, result, None)

    def fail(error: BaseException) -> None:
        loop.call_soon_threadsafe(_set, done, None, error)

    pool.apply_async(_replay_chunk, (chunk, keys), callback=settle, error_callback=fail)
    return done


def _set(done: asyncio.Future[Outcomes], result: Outcomes | None, error: Any) -> None:
    if done.done():
        return
    if error is not None:
        done.set_exception(error)
    elif result is not None:
        done.set_result(result)


async def _chunks(
    histories: AsyncIterator[PathwayHistory] | Iterable[PathwayHistory],
) -> AsyncIterator[list[PathwayHistory]]:
    chunk: list[PathwayHistory] = []
    async for history in each(histories):
        chunk.append(history)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
