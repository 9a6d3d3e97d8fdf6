"""Rebuilding the read model from the pathways themselves (`parcours readmodel rebuild`).

The rebuild never empties the read model first: each pathway is replaced in its own
transaction, so staff reading the read model during a long rebuild see every pathway,
old or new, never a gap. Only once every pathway is written are the rows of pathways the
service no longer knows dropped. Each question to the service waits `answer_timeout`
seconds at most, however long the whole rebuild takes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from parcours.app.health import PathwayCannotRun, Trouble
from parcours.domain.records import PathwayState
from parcours.domain.summary import summary_of
from parcours.programmes import get_programme
from parcours.workflows.summaries import ProjectionBatch

if TYPE_CHECKING:
    from parcours.adapters.readmodel import Store
    from parcours.app.client import PathwayClient

T = TypeVar("T")


def batch_of(state: PathwayState) -> ProjectionBatch:
    """The whole pathway as one projection batch: every event, every alert."""
    programme = get_programme(state.programme, state.programme_version)
    summary = summary_of(state, programme, datetime.now(UTC))
    return ProjectionBatch.of(summary, list(state.timeline), list(state.alerts))


@dataclass(frozen=True)
class RebuildReport:
    rebuilt: int
    """Pathways written from their current state."""
    removed: int
    """Pathways dropped from the read model: the service no longer has them."""
    troubled: tuple[Trouble, ...] = ()
    """Pathways that could not answer (`parcours doctor` lists them): not rewritten."""


async def _rewrite(store: Store, asked: Awaitable[PathwayState], troubled: list[Trouble]) -> None:
    """Replace one pathway's rows; one that cannot run is named in `troubled` instead and
    its rows, if any, are left as they are."""
    try:
        state = await asked
    except PathwayCannotRun as err:
        troubled.append(err.trouble)
        return
    store.replace_pathway(batch_of(state))


def _ignore(_count: int) -> None:
    return None


async def rebuild(
    pathways: PathwayClient,
    store: Store,
    *,
    query: str = "",
    answer_timeout: float,
    on_listed: Callable[[int], None] = _ignore,
    on_rebuilt: Callable[[int], None] = _ignore,
) -> RebuildReport:
    """Write every pathway matching `query` afresh, then drop the pathways that are gone.

    `on_listed` hears how many pathways there are, `on_rebuilt` how many are done, for a
    progress bar. A question the service leaves unanswered raises `TimeoutError`. A
    pathway that cannot run is named in the report and the others are rebuilt.
    """

    async def answer(question: Awaitable[T]) -> T:
        return await asyncio.wait_for(question, timeout=answer_timeout)

    # Taken before listing: a pathway projected after this is not a candidate for removal.
    held = store.projected_pathway_ids()
    listed: list[str] = []
    ids = pathways.pathway_ids(query)
    while True:  # one page of the listing per question, whatever the number of pages
        try:
            listed.append(await answer(anext(ids)))
        except StopAsyncIteration:
            break
    on_listed(len(listed))
    troubled: list[Trouble] = []
    for done, pathway_id in enumerate(listed, start=1):
        await _rewrite(store, answer(pathways.state_as_stored(pathway_id)), troubled)
        on_rebuilt(done)
    # Visibility may lag behind a pathway just started: ask for each before dropping it.
    candidates = sorted(held - set(listed))
    gone = [pid for pid in candidates if not await answer(pathways.exists(pid))]
    store.remove_pathways(gone)
    rebuilt = len(listed) - len(troubled)
    return RebuildReport(rebuilt=rebuilt, removed=len(gone), troubled=tuple(troubled))
