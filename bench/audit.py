"""The audit tools over many histories: replay (sandboxed and not) and `audit at`.

`python -m bench.audit --n 1000 --distinct 50` records `--distinct` real pathways on the
Temporal dev server with the project's worker (full ATP pathways, full Nouveau départ
sessions, and both left open at a stage part-way through), fetches every run of each
with `fetch_pathway_history`, and reuses them cyclically to make a set of `--n`
histories. Over that set it times:

- replay through `parcours.audit.replay.replay_histories` (the code behind
  `parcours audit replay`: key check, then temporalio's `Replayer` with the encrypting
  converter), once with the workers' sandboxed runner, once spread over one process per
  core as `audit replay` does by default, and once unsandboxed;
- `audit at`: decode each history with `record_of`, then `snapshot` at the instant
  halfway between its first and last workflow task, with parcours' converter and, as
  the baseline, with temporalio's default payload conversion; and the fold alone, over
  recordings decoded beforehand.

It reports histories (or snapshots) per second and total seconds, median of `--repeat`
runs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from temporalio.api.enums.v1 import EventType
from temporalio.converter import DataConverter, DefaultPayloadConverter
from tests.samples import Step, full_atp_pathway, nouveau_depart_session, on_dates

from bench.pathways import T0, _meta, _referral, embedded_service
from parcours.adapters.logs import configure_logging
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.audit.fold import fold, snapshot
from parcours.audit.history import PathwayHistory, fetch_pathway_history
from parcours.audit.recording import Recording, record_of
from parcours.audit.replay import replay_histories
from parcours.audit.spread import default_jobs, replay_spread
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.vocabulary import Stage
from parcours.programmes import get_programme
from parcours.workflows.messages import Participant

ATP = get_programme("atp-cergy")
ND = get_programme("nouveau-depart")
RECORDING_CONCURRENCY = 10
"""Pathways driven at once while recording (the machine has 2 cores)."""


# -- recording --------------------------------------------------------------------------


def scenario(index: int) -> tuple[str, ProgrammeDefinition, list[Step]]:
    """The `index`-th distinct pathway: full or stopped part-way, in either programme."""
    atp, nd = full_atp_pathway(T0), nouveau_depart_session(T0)
    kind = index % 4
    if kind == 0:
        return "ATP exited", ATP, atp
    if kind == 1:
        return "Nouveau départ exited", ND, nd
    if kind == 2:
        return "ATP open part-way", ATP, atp[: 1 + (index * 7) % (len(atp) - 1)]
    return "Nouveau départ open part-way", ND, nd[: 1 + (index * 5) % (len(nd) - 1)]


async def drive(pathways: PathwayClient, index: int) -> str:
    _label, programme, steps = scenario(index)
    pid = await pathways.refer(
        programme, Participant("Bench", f"Person{index}"), _referral(), _meta()
    )
    for (command, reason, stage), on in zip(steps, on_dates(steps, T0), strict=True):
        result = await pathways.execute(pid, command, _meta(reason, on))
        if result.stage is not stage:
            raise RuntimeError(f"{type(command).__name__} left {pid} in {result.stage}")
    if steps[-1][2] is Stage.EXITED:
        # An exited pathway stays open for its retention period: wait until the exit is
        # published and the run sleeps again, so the history ends as a kept pathway's does.
        await settled(pathways, pid)
    return pid


SLEEPING = frozenset(
    {EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED}
)
"""How the history of a sleeping run ends: its timer started, or (since
`DECOUPLED_PUBLISH_PATCH`) a task that only took a partner message's answer."""


async def settled(pathways: PathwayClient, pid: str) -> None:
    """Until the run sleeps with nothing in flight: no activity, no workflow task."""
    handle = pathways.temporal.get_workflow_handle(pid)
    while True:
        history = await handle.fetch_history()
        if history.events[-1].event_type in SLEEPING:
            described = (await handle.describe()).raw_description
            if not described.pending_activities and not described.HasField("pending_workflow_task"):
                return
        await asyncio.sleep(0.05)


async def record_histories(
    keyring: Keyring, distinct: int
) -> tuple[list[PathwayHistory], dict[str, int], float]:
    """Drive `distinct` pathways on a fresh dev server and fetch their histories."""
    async with embedded_service(keyring) as pathways:
        started = time.perf_counter()
        gate = asyncio.Semaphore(RECORDING_CONCURRENCY)
        done = 0

        async def one(index: int) -> str:
            nonlocal done
            async with gate:
                pid = await drive(pathways, index)
            done += 1
            if done % 10 == 0 or done == distinct:
                print(f"  recorded {done}/{distinct} pathways", flush=True)
            return pid

        pids = await asyncio.gather(*(one(i) for i in range(distinct)))
        histories = [await fetch_pathway_history(pathways.temporal, pid) for pid in pids]
        elapsed = time.perf_counter() - started
    kinds: dict[str, int] = {}
    for index in range(distinct):
        label = scenario(index)[0]
        kinds[label] = kinds.get(label, 0) + 1
    return histories, kinds, elapsed


# -- the measures -----------------------------------------------------------------------


def middle(recording: Recording) -> datetime:
    """Halfway between the pathway's first and last workflow task."""
    first, last = recording.tasks[0].at, recording.tasks[-1].at
    return first + (last - first) / 2


async def replay_run(
    histories: list[PathwayHistory], keyring: Keyring, sandboxed: bool, jobs: int = 1
) -> dict[str, float]:
    started = time.perf_counter()
    if jobs > 1:
        outcomes = await replay_spread(histories, keyring, jobs)
    else:
        outcomes = await replay_histories(histories, keyring, sandboxed=sandboxed)
    elapsed = time.perf_counter() - started
    failed = [o for o in outcomes if o.failed]
    if failed:
        raise RuntimeError(f"{len(failed)} runs failed to replay; first: {failed[0]}")
    return {"per_s": len(histories) / elapsed, "seconds": elapsed}


def temporalio_default(keyring: Keyring) -> DataConverter:
    """The same converter with temporalio's own payload conversion: the baseline of the
    cached dataclass conversion (`adapters/temporal/json_types.py`)."""
    return dataclasses.replace(
        data_converter(keyring), payload_converter_class=DefaultPayloadConverter
    )


async def audit_at_run(
    histories: list[PathwayHistory], keyring: Keyring, baseline: bool = False
) -> dict[str, float]:
    """`audit at` as the CLI does it, minus fetching and printing: decode, then fold."""
    converter = temporalio_default(keyring) if baseline else data_converter(keyring)
    started = time.perf_counter()
    for history in histories:
        recording = await record_of(history, converter)
        snapshot(recording, middle(recording))
    elapsed = time.perf_counter() - started
    return {"per_s": len(histories) / elapsed, "seconds": elapsed}


async def fold_run(recordings: list[Recording]) -> dict[str, float]:
    instants = [middle(r) for r in recordings]
    started = time.perf_counter()
    for recording, when in zip(recordings, instants, strict=True):
        snapshot(recording, when)
    elapsed = time.perf_counter() - started
    return {"per_s": len(recordings) / elapsed, "seconds": elapsed}


async def _repeat(
    fn: Callable[[], Awaitable[dict[str, float]]], times: int, label: str
) -> dict[str, float]:
    runs = []
    for i in range(times):
        runs.append(await fn())
        print(
            f"  {label}: run {i + 1}/{times} done ({runs[-1]['per_s']:.1f}/s, "
            f"{runs[-1]['seconds']:.2f} s)",
            flush=True,
        )
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


async def workloads(
    histories: list[PathwayHistory], recordings: list[Recording], keyring: Keyring, repeat: int
) -> list[tuple[str, dict[str, float]]]:
    """Each measured workload with its median figures, the sandboxed replay first."""
    return [
        (
            "replay, sandboxed (workers' runner)",
            await _repeat(
                lambda: replay_run(histories, keyring, sandboxed=True), repeat, "replay sandboxed"
            ),
        ),
        (
            f"replay, sandboxed, on {default_jobs()} processes (`audit replay` by default)",
            await _repeat(
                lambda: replay_run(histories, keyring, sandboxed=True, jobs=default_jobs()),
                repeat,
                "replay spread",
            ),
        ),
        (
            "replay, unsandboxed",
            await _repeat(
                lambda: replay_run(histories, keyring, sandboxed=False),
                repeat,
                "replay unsandboxed",
            ),
        ),
        (
            "audit at: decode + snapshot",
            await _repeat(lambda: audit_at_run(histories, keyring), repeat, "audit at"),
        ),
        (
            "audit at: decode + snapshot, temporalio's default conversion (baseline)",
            await _repeat(
                lambda: audit_at_run(histories, keyring, baseline=True), repeat, "audit at, base"
            ),
        ),
        (
            "audit at: snapshot alone (pre-decoded)",
            await _repeat(lambda: fold_run(recordings), repeat, "fold alone"),
        ),
    ]


def table(rows: list[tuple[str, dict[str, float]]]) -> list[str]:
    lines = ["| workload | histories/s | total s |", "|---|---:|---:|"]
    lines += [f"| {name} | {r['per_s']:.1f} | {r['seconds']:.2f} |" for name, r in rows]
    spread = rows[1][1]["per_s"] / rows[0][1]["per_s"]
    ratio = rows[2][1]["per_s"] / rows[0][1]["per_s"]
    lines.append("")
    lines.append(f"spread / one-process sandboxed replay throughput ratio: {spread:.2f}x")
    lines.append(f"unsandboxed / sandboxed replay throughput ratio: {ratio:.1f}x")
    cached = rows[3][1]["per_s"] / rows[4][1]["per_s"]
    lines.append(f"audit at, cached / temporalio's default conversion: {cached:.2f}x")
    return lines


async def main(n: int, distinct: int, repeat: int) -> str:
    keyring = Keyring.generate()
    distinct = min(distinct, n)
    print(f"  recording {distinct} distinct pathways on the dev server", flush=True)
    recorded, kinds, record_seconds = await record_histories(keyring, distinct)
    histories = [recorded[i % distinct] for i in range(n)]
    runs = sum(len(h.runs) for h in histories)
    events = sum(h.event_count for h in histories)

    converter = data_converter(keyring)
    decoded = [await record_of(h, converter) for h in recorded]
    closed = sum(not r.still_open for r in decoded)
    doubts = sum(len(fold(r).discrepancies) for r in decoded)
    stages = sorted({snapshot(r, middle(r)).state.stage.value for r in decoded})

    warm = recorded[: min(distinct, 10)]
    await replay_run(warm, keyring, sandboxed=True)
    await replay_run(warm, keyring, sandboxed=False)
    await audit_at_run(warm, keyring)
    print("  warm-up done", flush=True)

    recordings = [decoded[i % distinct] for i in range(n)]
    rows = await workloads(histories, recordings, keyring, repeat)
    mix = "; ".join(f"{count} {label}" for label, count in kinds.items())
    summary = (
        f"{n} pathway histories ({runs} runs, {events} events, {events / n:.0f} events each "
        f"on average): {distinct} distinct real pathways recorded on the dev server in "
        f"{record_seconds:.0f} s ({mix}; {closed} closed, {distinct - closed} still open), "
        f"reused cyclically; median of {repeat} runs. Stages at the middle instants: "
        f"{', '.join(stages)}; discrepancies found by full folds of the distinct set: {doubts}"
    )
    return "\n".join([summary, "", *table(rows)])


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="histories per run")
    parser.add_argument(
        "--distinct", type=int, default=50, help="real pathways recorded, reused cyclically"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.distinct, args.repeat)))
