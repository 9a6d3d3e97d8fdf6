"""How many workers a programme needs: pathways through 1, then 2, `parcours worker` processes.

`python -m bench.workers --n 20 --repeat 3` starts the embedded dev server as a process,
then for each run a fresh task queue served by K worker processes (the installed
`parcours worker`, as deployed), and drives N full ATP pathways (29 staff updates each)
at once from this process. Runs alternate K = 1 and K = 2, so both meet the same load of
the machine. It reports, median of `--repeat` runs: transitions per second, client p50
and p99 latency, the CPU seconds the workers and the dev server spent per 1,000
transitions, the workers' resident memory after the run and how much it grew per
pathway the workers hold in their cache. The machine's load average
is printed before and after, since other work on it moves every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import uuid
from dataclasses import replace
from pathlib import Path

from tests.processes import ServerProcess, ready, running_server, worker_env, worker_processes
from tests.samples import full_atp_pathway, long_ago

from bench.pathways import durable_run, register_referrer
from parcours.adapters.logs import configure_logging
from parcours.app.client import PathwayClient

TRANSITIONS_PER_PATHWAY = len(full_atp_pathway(long_ago()))
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def one_run(server: ServerProcess, folder: Path, k: int, n: int) -> dict[str, float]:
    """N pathways at once through K fresh worker processes on a task queue of their own."""
    client = await server.client()
    settings = replace(
        server.settings,
        data_dir=folder / "data",
        task_queue=f"bench-{uuid.uuid4().hex[:8]}",
        readmodel_url=f"sqlite:///{folder / 'readmodel.sqlite'}",
    )
    register_referrer(settings)
    with worker_processes(worker_env(settings), folder / "workers") as workers:
        started = [workers.start() for _ in range(k)]
        for worker in started:
            await ready(client, settings.task_queue, worker)
        idle = sum(rss_mib(w.pid) for w in started)
        pathways = PathwayClient(client, settings.task_queue)
        await durable_run(pathways, 1, concurrent=False)  # warm-up: imports, migrations
        assert server.server is not None
        assert server.server.process is not None
        pids = [w.pid for w in started] + [server.server.process.pid]
        before = [cpu_seconds(pid) for pid in pids]
        measured = await durable_run(pathways, n, concurrent=True)
        spent = [cpu_seconds(pid) - b for pid, b in zip(pids, before, strict=True)]
        per_thousand = 1000 / (n * TRANSITIONS_PER_PATHWAY)
        measured["worker_cpu_s_per_1000"] = sum(spent[:-1]) * per_thousand
        measured["server_cpu_s_per_1000"] = spent[-1] * per_thousand
        grown = sum(rss_mib(w.pid) for w in started) - idle
        measured["worker_rss_mib"] = sum(rss_mib(w.pid) for w in started) / k
        measured["kib_per_pathway"] = 1024 * grown / (n + 1)
    return measured


async def main(n: int, repeat: int) -> str:
    load_before = os.getloadavg()
    runs: dict[int, list[dict[str, float]]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as scratch, running_server(Path(scratch) / "s") as server:
        await server.start()
        for i in range(repeat):
            for k in (1, 2):
                folder = Path(scratch) / f"run-{i}-{k}"
                runs[k].append(await one_run(server, folder, k, n))
                print(f"  {k} worker(s): run {i + 1}/{repeat} done", flush=True)
    load_after = os.getloadavg()
    lines = [
        f"{n} pathways at once x {TRANSITIONS_PER_PATHWAY} transitions, median of {repeat} "
        f"runs; {os.cpu_count()} cores, load average (1 min) {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after",
        "",
        "| workers | transitions/s | p50 ms | p99 ms | worker CPU s / 1000 | "
        "server CPU s / 1000 | RSS per worker, MiB | KiB per cached pathway |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for k, measured in runs.items():
        m = {key: statistics.median(r[key] for r in measured) for key in measured[0]}
        lines.append(
            f"| {k} | {m['transitions_per_s']:.0f} | {m['p50_ms']:.0f} | {m['p99_ms']:.0f} "
            f"| {m['worker_cpu_s_per_1000']:.1f} | {m['server_cpu_s_per_1000']:.1f} "
            f"| {m['worker_rss_mib']:.0f} | {m['kib_per_pathway']:.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20, help="pathways per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.repeat)))
