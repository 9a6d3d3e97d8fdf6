"""Referrals sent at once: how many succeed, how fast, and that duplicates stay refused.

`python -m bench.referrals --n 1000` refers N different people to one programme all at
once through `app.referral.refer_person` (what `parcours refer` runs), on the embedded dev
server (with `make run`'s SQLite pragmas) and the project's worker, then refers some of
them again at once: every one of those must be refused as a duplicate. It reports
successes, errors (by kind), throughput (referrals that succeeded per second of the whole
burst) and client-observed p50/p99 latency, median of `--repeat` runs (each with its own
people).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from bench.pathways import ACTOR, PROGRAMME, _percentile, _referral, embedded_service
from parcours.adapters.logs import configure_logging
from parcours.adapters.temporal.devserver import SQLITE_PRAGMAS
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral
from parcours.app.referral import refer_person
from parcours.domain.records import RequestMeta
from parcours.workflows.messages import Participant

AGAIN = 20
"""How many of the people are referred a second time, at once, after the burst."""


@dataclass
class Burst:
    referred: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    refused_again: int = 0
    accepted_again: int = 0


def _person(run: str, number: int) -> Participant:
    return Participant(f"Person {number}", f"Burst {run}", birth_date="1990-04-02")


async def _refer(pathways: PathwayClient, keyring: Keyring, person: Participant) -> str:
    meta = RequestMeta(uuid.uuid4().hex, ACTOR, "bench")
    referred = await refer_person(
        pathways, PROGRAMME, person, _referral(), meta=meta, keyring=keyring
    )
    return referred.pathway_id


async def _timed(
    pathways: PathwayClient, keyring: Keyring, person: Participant, burst: Burst
) -> None:
    started = time.perf_counter()
    try:
        burst.referred.append(await _refer(pathways, keyring, person))
    except Exception as err:  # noqa: BLE001 - every failure is counted, by kind
        burst.errors[f"{type(err).__name__}: {str(err)[:70]}"] += 1
        return
    burst.latencies.append(time.perf_counter() - started)


async def burst_run(pathways: PathwayClient, keyring: Keyring, n: int) -> Burst:
    """N people at once, then `AGAIN` of them again at once (each must be refused)."""
    run, burst = uuid.uuid4().hex[:8], Burst()
    people = [_person(run, i) for i in range(n)]
    started = time.perf_counter()
    await asyncio.gather(*(_timed(pathways, keyring, p, burst) for p in people))
    burst.elapsed = time.perf_counter() - started
    again = await asyncio.gather(
        *(_refer(pathways, keyring, p) for p in people[:AGAIN]), return_exceptions=True
    )
    burst.refused_again = sum(isinstance(a, DuplicateReferral) for a in again)
    burst.accepted_again = sum(isinstance(a, str) for a in again)
    return burst


def _row(burst: Burst, n: int) -> dict[str, float]:
    ok = len(burst.latencies)
    return {
        "successes": ok,
        "errors": n - ok,
        "per_s": ok / burst.elapsed,
        "p50_ms": 1000 * statistics.median(burst.latencies) if ok else 0.0,
        "p99_ms": 1000 * _percentile(burst.latencies, 0.99) if ok else 0.0,
        "elapsed_s": burst.elapsed,
    }


async def main(n: int, repeat: int = 1) -> str:
    keyring = Keyring.generate()
    bursts: list[Burst] = []
    load_before = os.getloadavg()[0]
    pragmas = [arg for pragma in SQLITE_PRAGMAS for arg in ("--sqlite-pragma", pragma)]
    async with embedded_service(keyring, pragmas) as pathways:
        await burst_run(pathways, keyring, 2)  # warm-up: the worker's first tasks
        for i in range(repeat):
            bursts.append(await burst_run(pathways, keyring, n))
            print(f"  burst {i + 1}/{repeat} done", flush=True)
    rows = [_row(b, n) for b in bursts]
    median = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    errors = sum((b.errors for b in bursts), Counter[str]())
    lines = [
        f"{n} referrals of different people to one programme, all at once; "
        f"median of {repeat} bursts; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after",
        "",
        "| referrals at once | successes | errors | referrals/s | p50 ms | p99 ms | burst s |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {n} | {median['successes']:.0f} | {median['errors']:.0f} | {median['per_s']:.1f} "
        f"| {median['p50_ms']:.0f} | {median['p99_ms']:.0f} | {median['elapsed_s']:.1f} |",
        "",
        f"referred again at once: {sum(b.refused_again for b in bursts)} refused as "
        f"duplicates, {sum(b.accepted_again for b in bursts)} accepted "
        f"(of {min(AGAIN, n) * repeat})",
    ]
    lines += [f"error x{count}: {kind}" for kind, count in errors.most_common(5)]
    return "\n".join(lines)


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="referrals sent at once")
    parser.add_argument("--repeat", type=int, default=1, help="bursts; the median is reported")
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.repeat)))
