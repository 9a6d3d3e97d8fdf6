"""Full pathways through the durable service, against a plain baseline with no durability.

`python -m bench.pathways --n 50` drives N full ATP pathways (29 staff updates each)
through the real Temporal dev server and worker, concurrently and then one at a time,
and the very same commands through the pure domain persisted with plain SQLAlchemy in
SQLite (the same process, no workflow engine). It reports transitions per second,
client-observed p50/p99 latency and memory, median of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from sqlalchemy import String, Text, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from temporalio.client import WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from tests.samples import full_atp_pathway, long_ago, on_dates

from parcours.adapters.channels import ChannelKind
from parcours.adapters.logs import configure_logging
from parcours.adapters.readmodel import Partner, open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.domain.commands import Command, Refer
from parcours.domain.pathway import Pathway
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import PartnerKind, Role
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa
from parcours.workflows.messages import Participant

T0 = long_ago()
"""Every pathway is entered after the fact from 700 days ago, each event on its day."""
ACTOR = Actor("bench-staff", Role.STAFF)
PROGRAMME = get_programme("atp-cergy")


def _meta(reason: str = "", on: datetime | None = None) -> RequestMeta:
    return RequestMeta(uuid.uuid4().hex, ACTOR, reason, effective_at=on)


def _referral() -> Refer:
    return Refer("CCAS", T0, "bench", ACTOR.actor_id)


def register_referrer(settings: Settings, names: Sequence[str] = ("CCAS",)) -> None:
    """Put the referrers the bench's pathways name in the directory, as a programme would:
    telling them (a file channel) is part of the work measured, not finding them is not."""
    with open_store(settings.readmodel_url) as store:
        for name in names:
            folder = str(settings.outbox_dir / "referrers")
            store.add_partner(Partner(name, PartnerKind.REFERRER, ChannelKind.FILE, folder))


@asynccontextmanager
async def embedded_service(
    keyring: Keyring, extra_args: Sequence[str] = (), referrers: Sequence[str] = ("CCAS",)
) -> AsyncIterator[PathwayClient]:
    """A fresh dev server on its own SQLite file, the project's worker, and a client: the
    embedded default the benchmarks measure, with the referrer in the directory."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.self_contained(scratch)
        register_referrer(settings, referrers)
        async with (
            await WorkflowEnvironment.start_local(
                data_converter=data_converter(keyring),
                dev_server_existing_path=str(temporal_binary()),
                dev_server_database_filename=str(Path(scratch) / "temporal.sqlite"),
                search_attributes=sa.ALL,
                dev_server_extra_args=list(extra_args),
            ) as env,
            build_worker(env.client, settings, default_activities(settings)),
        ):
            yield PathwayClient(env.client, settings.task_queue)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rss_mib() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mib() -> float:
    """Resident memory of this process now (VmRSS), to compare the modes one by one."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return _rss_mib()


# -- durable ----------------------------------------------------------------------------


RESENT = Counter[str]()
"""Updates sent again with their request id after the service could not answer (on a
loaded machine a workflow task may time out: the update is then refused for a moment)."""


async def _execute(pathways: PathwayClient, pid: str, command: Command, meta: RequestMeta) -> None:
    while True:
        try:
            await pathways.execute(pid, command, meta)
            return
        except (RPCError, WorkflowUpdateRPCTimeoutOrCancelledError):
            RESENT["updates"] += 1
            await asyncio.sleep(0.1)


async def _one_durable(pathways: PathwayClient, latencies: list[float]) -> None:
    pid = await pathways.refer(PROGRAMME, Participant("Bench", "Person"), _referral(), _meta())
    steps = full_atp_pathway(T0)
    for (command, reason, _stage), on in zip(steps, on_dates(steps, T0), strict=True):
        started = time.perf_counter()
        await _execute(pathways, pid, command, _meta(reason, on))
        latencies.append(time.perf_counter() - started)


async def durable_run(pathways: PathwayClient, n: int, concurrent: bool) -> dict[str, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    if concurrent:
        await asyncio.gather(*(_one_durable(pathways, latencies) for _ in range(n)))
    else:
        for _ in range(n):
            await _one_durable(pathways, latencies)
    elapsed = time.perf_counter() - started
    return {
        "transitions_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * _percentile(latencies, 0.99),
        "rss_mib": _current_rss_mib(),
    }


# -- baseline ---------------------------------------------------------------------------


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "pathways"
    pathway_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(Text)


def _persist(session: Session, pathway: Pathway) -> None:
    session.merge(
        _Row(
            pathway_id=pathway.state.pathway_id,
            state=json.dumps(asdict(pathway.state), default=str),
        )
    )
    session.commit()


def baseline_run(db: Path, n: int) -> dict[str, float]:
    """The same commands through the domain, each step committed to SQLite; no durability."""
    engine = create_engine(f"sqlite:///{db}")
    _Base.metadata.create_all(engine)
    latencies: list[float] = []
    started = time.perf_counter()
    with Session(engine) as session:
        for i in range(n):
            pathway = Pathway.refer(PROGRAMME, f"base-{i}", _referral(), _meta(), T0)
            _persist(session, pathway)
            for command, reason, _stage in full_atp_pathway(T0):
                step = time.perf_counter()
                stored = session.get(_Row, pathway.state.pathway_id)
                assert stored is not None
                pathway.execute(command, _meta(reason), T0)
                _persist(session, pathway)
                latencies.append(time.perf_counter() - step)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {
        "transitions_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * _percentile(latencies, 0.99),
        "rss_mib": _current_rss_mib(),
    }


# -- driver -----------------------------------------------------------------------------


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


async def _repeat(
    fn: Callable[[], Awaitable[dict[str, float]]], times: int, label: str
) -> dict[str, float]:
    runs = []
    for i in range(times):
        runs.append(await fn())
        print(f"  {label}: run {i + 1}/{times} done", flush=True)
    return _median(runs)


async def main(n: int, repeat: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        async with embedded_service(Keyring.generate()) as pathways:
            await durable_run(pathways, 2, concurrent=False)  # warm-up
            concurrent = await _repeat(
                lambda: durable_run(pathways, n, concurrent=True), repeat, "concurrent"
            )
            sequential = await _repeat(
                lambda: durable_run(pathways, n, concurrent=False), repeat, "one at a time"
            )
        rss = _rss_mib()

        async def _baseline() -> dict[str, float]:
            return baseline_run(Path(scratch) / f"baseline-{uuid.uuid4().hex}.sqlite", n)

        baseline = await _repeat(_baseline, repeat, "baseline")
    rows = [
        ("durable, concurrent", concurrent),
        ("durable, one at a time", sequential),
        ("baseline (SQLAlchemy + transitions, no durability)", baseline),
    ]
    lines = [
        f"{n} pathways x {len(full_atp_pathway(T0))} transitions, median of {repeat} runs; "
        f"peak RSS of the client+worker process {rss:.0f} MiB (the baseline runs after it in the"
        " same process; the dev server is a separate process, not counted)",
        "",
        "| workload | transitions/s | p50 ms | p99 ms | RSS after, MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {name} | {r['transitions_per_s']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
        f"| {r['rss_mib']:.0f} |"
        for name, r in rows
    ]
    ratio = baseline["transitions_per_s"] / concurrent["transitions_per_s"]
    lines.append("")
    lines.append(f"baseline / durable-concurrent throughput ratio: {ratio:.1f}x")
    lines.append(f"durable-concurrent / baseline: {1 / ratio:.2f}x")
    lines.append(f"updates sent again after the service could not answer: {RESENT['updates']}")
    return "\n".join(lines)


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20, help="pathways per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.repeat)))
