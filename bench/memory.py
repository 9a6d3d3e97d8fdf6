"""Where a cached pathway's memory goes: the worker's cache of open pathways, taken apart.

`python -m bench.memory --n 200 [--runners sandbox,unsandboxed] [--against COMMIT]
[--arenas K]` has two parts.

- The sandbox alone, no server: `SANDBOX_RUNS` workflow runs of `ParticipantPathway`
  created as the worker creates them, for each runner of `RUNNERS`; what each run holds
  (`tracemalloc`) and the modules its sandbox imports again instead of sharing them.
- A worker with its cache full: the embedded dev server (as `make run` starts it), then
  one process per runner (and, with `--against`, one on COMMIT's code with its own
  runner) in which a worker on a task queue of its own serves N pathways referred and
  moved `scale.STEPS` steps, as `bench.scale` does, half of them and then the other half.
  With all N in the worker's cache: the process's resident memory against when the
  worker had just started, per pathway (and over the second half alone, which leaves out
  what the first pathways cost once: code paths, connections, the read model's engine),
  and what `tracemalloc` finds allocated meanwhile, by source file. The process refers
  and moves the pathways too, so its growth is the worker's plus a client's. With
  `--arenas K`, the sandbox once more with glibc's `MALLOC_ARENA_MAX=K`.

The runners: the worker's own (`workflows.sandbox.workflow_runner`), and Temporal's
unsandboxed runner as the floor a sandbox adds to (never a candidate: it would share the
workflow module, and its globals, between runs).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import temporalio.converter
import temporalio.workflow
from temporalio.api.common.v1 import Payloads
from temporalio.api.failure.v1 import Failure
from temporalio.worker import UnsandboxedWorkflowRunner, WorkflowInstanceDetails, WorkflowRunner
from temporalio.worker.workflow_sandbox._runner import _fake_info
from tests.processes import running_server, worker_env

from bench.cli import export_src
from bench.pathways import register_referrer
from bench.scale import CACHE, STEPS, move_all, refer_all
from bench.workers import rss_mib
from parcours.adapters.logs import configure_logging
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.connection import connect
from parcours.adapters.temporal.keys import Keyring, load_keyring
from parcours.app.client import PathwayClient
from parcours.worker import build_worker, default_activities
from parcours.workflows.pathway import ParticipantPathway
from parcours.workflows.sandbox import workflow_runner

RUNNERS: dict[str, Callable[[], WorkflowRunner]] = {
    "sandbox": workflow_runner,
    "unsandboxed": UnsandboxedWorkflowRunner,
}
SANDBOX_RUNS = 50
"""Workflow runs created for the sandbox-alone part."""
TOP = 12
"""Source files listed, largest first."""
COLUMNS = (
    "| code, runner",
    "idle MiB",
    "full MiB",
    "runs cached",
    "KiB a pathway",
    "traced KiB a pathway",
    "ratio to the baseline",
    "KiB a pathway, second half |",
)
Measured = dict[str, Any]


# --- the sandbox alone ----------------------------------------------------------------


def _details() -> WorkflowInstanceDetails:
    """A run's details as the SDK gives them when it checks a workflow at start."""
    default = temporalio.converter.DataConverter.default
    return WorkflowInstanceDetails(
        payload_converter_factory=default._new_payload_converter,
        failure_converter_class=default.failure_converter_class,
        interceptor_classes=[],
        defn=temporalio.workflow._Definition.must_from_class(ParticipantPathway),
        info=_fake_info,
        randomness_seed=-1,
        extern_functions={},
        disable_eager_activity_execution=False,
        worker_level_failure_exception_types=[],
        patch_activation_callback=None,
        last_completion_result=Payloads(),
        last_failure=Failure(),
    )


def _own_modules(instance: object) -> list[str]:
    """The modules a sandboxed run imported for itself (not the host's, passed through)."""
    importer = getattr(instance, "importer", None)
    if importer is None:
        return []
    return sorted(k for k, m in importer.new_modules.items() if sys.modules.get(k) is not m)


async def sandbox_alone(name: str) -> Measured:
    """`SANDBOX_RUNS` runs created by runner `name`: KiB each and the modules of each."""
    runner = RUNNERS[name]()
    kept = [runner.create_instance(_details())]  # the first imports what all share
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept += [runner.create_instance(_details()) for _ in range(SANDBOX_RUNS)]
    gc.collect()
    grown = tracemalloc.take_snapshot().compare_to(before, "filename")
    tracemalloc.stop()
    return {
        "kib": sum(s.size_diff for s in grown) / SANDBOX_RUNS / 1024,
        "modules": _own_modules(kept[-1]),
    }


# --- a worker with its cache full -----------------------------------------------------


async def cache_full(name: str, n: int) -> Measured:
    """In this process: a worker with runner `name` (the code's own where `name` is
    empty), N pathways referred and moved, and what the process holds meanwhile."""
    settings = Settings.from_env()
    keyring = load_keyring(settings)
    client = await connect(settings, keyring)
    activities = default_activities(settings, keyring)
    worker: Any = (  # COMMIT's code (`--against`) has no runner to choose
        build_worker(client, settings, activities, runner=RUNNERS[name]())
        if name
        else build_worker(client, settings, activities)
    )
    async with worker:
        await asyncio.sleep(1)
        gc.collect()
        idle = rss_mib(os.getpid())
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        pathways = PathwayClient(client, settings.task_queue)
        half = await _referred_and_moved(pathways, n // 2, keyring)
        full = await _referred_and_moved(pathways, n - n // 2, keyring)
        after = tracemalloc.take_snapshot()
        cached = len(worker._workflow_worker._running_workflows)
    grown = after.compare_to(before, "filename")
    return {
        "idle": idle,
        "half": half,
        "full": full,
        "cached": cached,
        "traced": sum(s.size_diff for s in grown),
        "files": [(s.traceback[0].filename, s.size_diff) for s in grown[:TOP]],
    }


async def _referred_and_moved(pathways: PathwayClient, n: int, keyring: Keyring) -> float:
    """N more pathways referred and moved; then the process's RSS, MiB, without what
    `tracemalloc` holds for itself."""
    ids, _ = await refer_all(pathways, n, keyring)
    await move_all(pathways, ids)
    await asyncio.sleep(2)  # the last projections
    gc.collect()
    return rss_mib(os.getpid()) - tracemalloc.get_tracemalloc_memory() / 2**20


def _child(env: dict[str, str], *args: str) -> Measured:
    done = subprocess.run(
        [sys.executable, "-m", "bench.memory", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench.memory {' '.join(args)}: {done.stderr[-2000:]}")
    measured: Measured = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


async def drive(
    folder: Path, n: int, runners: list[str], against: str | None, arenas: int
) -> dict[str, Measured]:
    """The dev server, then one process per code and runner, each on a queue of its own."""
    codes: dict[str, tuple[dict[str, str], str]] = {name: ({}, name) for name in runners}
    if arenas:
        codes[f"sandbox, {arenas} malloc arenas"] = ({"MALLOC_ARENA_MAX": str(arenas)}, "sandbox")
    if against is not None:
        codes[f"at {against}"] = ({"PYTHONPATH": export_src(against, str(folder))}, "")
    found: dict[str, Measured] = {}
    with running_server(folder / "server") as server:
        await server.start()
        for label, (extra, name) in codes.items():
            settings = replace(
                server.settings,
                data_dir=folder / label,
                task_queue=f"memory-{uuid.uuid4().hex[:8]}",
                readmodel_url=f"sqlite:///{folder / label / 'readmodel.sqlite'}",
            )
            (folder / label).mkdir()
            register_referrer(settings)
            env = worker_env(settings, **extra)
            found[label] = _child(env, "--child", name, "--n", str(n))
            print(f"  {label}: {json.dumps(found[label])}", flush=True)
    return found


def report(n: int, alone: dict[str, Measured], full: dict[str, Measured], base: str) -> str:
    """The figures; each worker's growth a pathway as a ratio to `base`'s (or the first's)."""
    lines = [f"The sandbox alone, {SANDBOX_RUNS} runs of `ParticipantPathway`:", ""]
    for name, m in alone.items():
        modules = ", ".join(m["modules"]) or "none"
        lines.append(f"- {name}: {m['kib']:.1f} KiB a run; imported again: {modules}")
    head = f"{n} pathways, {STEPS} steps each; load average {os.getloadavg()[0]:.1f}"
    lines += ["", head, "", " | ".join(COLUMNS), "|---" * len(COLUMNS[:1]) + "|---:" * 7 + "|"]

    def grown(m: Measured) -> float:
        return 1024 * (float(m["full"]) - float(m["idle"])) / min(n, CACHE)

    first = grown(full[base]) if base in full else grown(next(iter(full.values())))
    for label, m in full.items():
        each = grown(m)
        cells = [label, f"{m['idle']:.0f}", f"{m['full']:.0f}", str(m["cached"]), f"{each:.0f}"]
        cells += [f"{m['traced'] / min(n, CACHE) / 1024:.0f}", f"{each / first:.2f}"]
        cells.append(f"{1024 * (m['full'] - m['half']) / (n - n // 2):.0f}")
        lines.append("| " + " | ".join(cells) + " |")
    for label, m in full.items():
        lines.append(f"\n{label}, traced KiB a pathway by source file:")
        root = str(Path.cwd())
        for filename, size in m["files"]:
            lines.append(f"  {size / min(n, CACHE) / 1024:7.1f}  {filename.replace(root, '.')}")
    return "\n".join(lines)


async def main(n: int, runners: list[str], against: str | None, arenas: int) -> str:
    alone = {name: await sandbox_alone(name) for name in RUNNERS}
    with tempfile.TemporaryDirectory() as scratch:
        full = await drive(Path(scratch), n, runners, against, arenas)
    return report(n, alone, full, f"at {against}")


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200, help="pathways referred and moved")
    parser.add_argument("--against", help="a commit whose worker is measured too")
    parser.add_argument(
        "--runners", default=",".join(RUNNERS), help="the runners whose worker is measured"
    )
    parser.add_argument(
        "--arenas", type=int, default=0, help="also the sandbox with MALLOC_ARENA_MAX at this"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(asyncio.run(cache_full(args.child, args.n))))
    else:
        runners = [name for name in args.runners.split(",") if name]
        print(asyncio.run(main(args.n, runners, args.against, args.arenas)))
