"""`parcours audit replay`: histories replayed against the workflow code as it is now."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parcours.cli.commands.audit_files import file_guard, keyring
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.render import console, print_json
from parcours.cli.runtime import Session, with_pathways

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from temporalio.client import Client

    from parcours.app.client import PathwayClient
    from parcours.audit.history import PathwayHistory
    from parcours.audit.replay import ReplayOutcome

FETCH_BATCH = 16
"""Pathway histories fetched at once by `audit replay --all`."""


def progress_bar() -> Any:
    """A bar on stderr, gone once done, so stdout holds the report (or the JSON) alone."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def jobs_for(histories: int, jobs: int | None) -> int:
    """The processes a replay of `histories` uses: `jobs`, else one per core, never more
    than there are chunks to hand out (a process costs a second or so to start)."""
    from parcours.audit.spread import CHUNK, default_jobs

    wanted = default_jobs() if jobs is None else jobs
    return max(1, min(wanted, -(-histories // CHUNK)))


def replay_files(session: Session, files: list[Path], jobs: int | None) -> list[ReplayOutcome]:
    import asyncio

    from parcours.audit.checks import read_checked_history
    from parcours.audit.spread import replay_spread

    histories = [file_guard(session, partial(read_checked_history, path)) for path in files]
    keys = keyring(session)
    with progress_bar() as progress:
        bar = progress.add_task(session.text("audit.replay.progress"), total=len(histories))
        last_runs = {h.run_ids[-1] for h in histories}

        def advance(outcome: ReplayOutcome) -> None:
            if outcome.run_id in last_runs:
                progress.advance(bar)

        spread = jobs_for(len(histories), jobs)
        replayed = replay_spread(histories, keys, spread, on_outcome=advance)
        return file_guard(session, partial(asyncio.run, replayed))


def replay_all(session: Session, jobs: int | None) -> list[ReplayOutcome]:
    """Every pathway and job-dating of the service, fetched a batch at a time while earlier
    ones replay."""
    from parcours.audit.history import pathway_workflow_ids
    from parcours.audit.spread import replay_spread

    keys = keyring(session)

    async def work(pathways: PathwayClient) -> list[ReplayOutcome]:
        client = pathways.temporal
        ids = await pathway_workflow_ids(client, jobdatings=True)
        last_runs: set[str] = set()
        with progress_bar() as progress:
            bar = progress.add_task(session.text("audit.replay.progress"), total=len(ids))

            def advance(outcome: ReplayOutcome) -> None:
                if outcome.run_id in last_runs:
                    progress.advance(bar)

            found = _fetched(client, ids, last_runs, lambda: progress.advance(bar))
            spread = jobs_for(len(ids), jobs)
            return await replay_spread(found, keys, spread, on_outcome=advance)

    return file_guard(
        session, lambda: with_pathways(session, work, whole_timeout=False, decrypt=False)
    )


async def _fetched(
    client: Client, ids: list[str], last_runs: set[str], gone: Any
) -> AsyncIterator[PathwayHistory]:
    """The histories of `ids`, a batch at a time; one deleted since it was listed is gone."""
    import asyncio

    for start in range(0, len(ids), FETCH_BATCH):
        batch = ids[start : start + FETCH_BATCH]
        for history in await asyncio.gather(*(_fetch(client, i) for i in batch)):
            if history is None:
                gone()
                continue
            last_runs.add(history.run_ids[-1])
            yield history


async def _fetch(client: Client, workflow_id: str) -> PathwayHistory | None:
    from parcours.app.errors import PathwayNotFound
    from parcours.audit.history import fetch_pathway_history

    try:
        return await fetch_pathway_history(client, workflow_id)
    except PathwayNotFound:  # deleted since it was listed
        return None


def report_replay(session: Session, outcomes: list[ReplayOutcome], as_json: bool) -> None:
    """One line per run replayed, then the count; exit 6 if any run failed."""
    from parcours.audit.report import replay_document

    text = session.text
    failed = [o for o in outcomes if o.failed]
    if as_json:
        print_json(replay_document(outcomes))
    else:
        for o in outcomes:
            console.print(_replay_line(o, session), markup=False)
    summary = text(
        "audit.replay.summary",
        replayed=len(outcomes),
        pathways=len({o.workflow_id for o in outcomes if not _event(o.workflow_id)}),
        events=len({o.workflow_id for o in outcomes if _event(o.workflow_id)}),
        ok=len(outcomes) - len(failed),
        failed=len(failed),
    )
    if failed:
        raise CliError(summary, ExitCode.INVALID_FILE)
    if not as_json:
        console.print(summary)


def _event(workflow_id: str) -> bool:
    """A job-dating's run (named by its event id), not a pathway's."""
    from parcours.workflows.jobdating_messages import JOBDATING_PREFIX

    return workflow_id.startswith(JOBDATING_PREFIX)


def _replay_line(o: ReplayOutcome, session: Session) -> str:
    text = session.text
    if not o.failed:
        return text("audit.replay.ok", workflow=o.workflow_id, run=o.run_id, events=o.events)
    return text(
        "audit.replay.failed",
        workflow=o.workflow_id,
        run=o.run_id,
        event=o.event_id if o.event_id is not None else "?",
        event_type=o.event_type or "?",
        message=o.message,
    )
