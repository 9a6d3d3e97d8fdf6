"""Which SQLite pragmas the embedded dev server runs with: measured, not guessed.

`python -m bench.sqlite_pragmas --n 10` starts the dev server once per pragma set, on a
fresh database file, and drives N full ATP pathways one at a time through it (every
update waits for the server's commit), reporting transitions per second and p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics

from bench.pathways import durable_run, embedded_service
from parcours.adapters.logs import configure_logging
from parcours.adapters.temporal.keys import Keyring

CANDIDATES: dict[str, tuple[str, ...]] = {
    "server default (rollback journal, synchronous=full)": (),
    "journal_mode=wal, synchronous=full": ("journal_mode=wal", "synchronous=full"),
    "journal_mode=wal, synchronous=normal (chosen)": ("journal_mode=wal", "synchronous=normal"),
}


async def measure(pragmas: tuple[str, ...], n: int) -> dict[str, float]:
    extra: list[str] = []
    for pragma in pragmas:
        extra += ["--sqlite-pragma", pragma]
    async with embedded_service(Keyring.generate(), extra) as pathways:
        await durable_run(pathways, 1, concurrent=False)  # warm-up
        return await durable_run(pathways, n, concurrent=False)


async def main(n: int, repeat: int) -> str:
    lines = [
        f"{n} pathways one at a time, median of {repeat} runs",
        "",
        "| SQLite pragmas | transitions/s | p50 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for label, pragmas in CANDIDATES.items():
        runs = []
        for i in range(repeat):
            runs.append(await measure(pragmas, n))
            print(f"  {label}: run {i + 1}/{repeat} done", flush=True)
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        lines.append(
            f"| {label} | {med['transitions_per_s']:.0f} | {med['p50_ms']:.2f} "
            f"| {med['p99_ms']:.2f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10, help="pathways per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    print(asyncio.run(main(args.n, args.repeat)))
