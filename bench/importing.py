"""Importing a caseload: rows per second, the time for 1,000 rows, and the ratio to one
person at a time measured in the same run.

`python -m bench.importing --rows 500 --repeat 1 --jobs 8` writes the generated caseload of
`tests/caseloads.py` (ATP, CSV, every pathway shape), then measures, median of `--repeat`
runs, each import on a fresh embedded dev server (with `parcours serve`'s SQLite pragmas)
and the project's worker:
- the dry run: reading the files and checking every row through the pure domain;
- the import, `--jobs` people at a time (`parcours import --jobs N`, default
  `app.importing.CONCURRENT_ROWS`), each person referred and their events sent as
  validated updates;
- the baseline: the same import one person at a time (`--jobs 1`), as the rows would be
  sent one after the other; the ratio of the two rates is the gain of sending at once;
- the second run of the same file, which finds everything there and sends nothing.
The time for 1,000 rows is measured when `--rows 1000`, else worked out from the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.caseloads import write_caseload

from bench.pathways import embedded_service
from parcours.adapters.logs import configure_logging
from parcours.adapters.spreadsheets import read_caseload
from parcours.adapters.temporal.devserver import SQLITE_PRAGMAS
from parcours.adapters.temporal.keys import Keyring
from parcours.app.importing import CONCURRENT_ROWS, Importer, RowOutcome
from parcours.domain.importing.check import check_all
from parcours.domain.importing.plan import PersonPlan, plan_file
from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme

PROGRAMME = get_programme("atp-cergy")
ACTOR = Actor("bench-coordinator", Role.COORDINATOR)
ZONE = ZoneInfo("Europe/Paris")
PRAGMAS = [arg for pragma in SQLITE_PRAGMAS for arg in ("--sqlite-pragma", pragma)]


def dry_run(people: Path, events: Path | None) -> tuple[list[PersonPlan], float]:
    """Read and check every row; the plans that pass, and the seconds it took."""
    started = time.perf_counter()
    rows, event_rows = read_caseload(people, events)
    plans, faults = plan_file(rows, event_rows, ZONE, ACTOR.actor_id)
    passing, refused = check_all(PROGRAMME, plans, ACTOR, datetime.now(UTC))
    assert not faults, faults[:3]
    assert not refused, refused[:3]
    return passing, time.perf_counter() - started


async def one_run(plans: list[PersonPlan], jobs: int, again: bool) -> dict[str, float]:
    """One import on a fresh service, `jobs` people at a time; with `again`, the second run
    of the same file too."""
    keyring = Keyring.generate()
    async with embedded_service(keyring, PRAGMAS, referrers=PROGRAMME.referrers) as pathways:
        importer = Importer(pathways, PROGRAMME, ACTOR, keyring)
        started = time.perf_counter()
        first = await importer.run(plans, lambda outcome: None, jobs)
        imported = time.perf_counter() - started
        _expect(first, "imported")
        if not again:
            return {"import_s": imported}
        started = time.perf_counter()
        second = await importer.run(plans, lambda outcome: None, jobs)
        _expect(second, "unchanged")
        return {"import_s": imported, "again_s": time.perf_counter() - started}


def _expect(outcomes: list[RowOutcome], status: str) -> None:
    found = {outcome.status.value for outcome in outcomes}
    assert found == {status}, found


async def _measure(plans: list[PersonPlan], repeat: int, jobs: int) -> dict[str, float]:
    """Medians of `repeat` runs at `jobs`, each followed by a baseline run at one at a time,
    so both see the same machine."""
    runs, baselines = [], []
    for index in range(repeat):
        runs.append(await one_run(plans, jobs, again=True))
        print(f"  import, {jobs} at a time: {runs[-1]['import_s']:.1f} s", flush=True)
        baselines.append(await one_run(plans, 1, again=False))
        print(f"  baseline, one at a time: {baselines[-1]['import_s']:.1f} s", flush=True)
        print(f"  import: run {index + 1}/{repeat} done", flush=True)
    return {
        "import_s": statistics.median(run["import_s"] for run in runs),
        "again_s": statistics.median(run["again_s"] for run in runs),
        "baseline_s": statistics.median(run["import_s"] for run in baselines),
    }


async def main(rows: int, repeat: int, jobs: int = CONCURRENT_ROWS) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        people, events = write_caseload(Path(scratch), PROGRAMME.name, rows)
        checks = [dry_run(people, events) for _ in range(repeat)]
        plans = checks[0][0]
        measured = await _measure(plans, repeat, jobs)
    dry_s = statistics.median(seconds for _, seconds in checks)
    import_s, again_s, baseline_s = (measured[k] for k in ("import_s", "again_s", "baseline_s"))
    commands = sum(1 + len(plan.steps) for plan in plans)
    thousand = f"{import_s:.1f} s (measured)" if rows == 1000 else f"{1000 * import_s / rows:.0f} s"
    table = [
        ("dry run (read + pure domain)", rows / dry_s, commands / dry_s, dry_s),
        (f"import, {jobs} people at a time", rows / import_s, commands / import_s, import_s),
        ("baseline: one person at a time", rows / baseline_s, commands / baseline_s, baseline_s),
        ("second run (nothing to send)", rows / again_s, 0.0, again_s),
    ]
    return "\n".join(
        [
            f"{rows} ATP rows ({commands:.0f} referrals and commands), median of {repeat} runs",
            "",
            "| workload | rows/s | commands/s | total s |",
            "|---|---:|---:|---:|",
            *(_line(*row) for row in table),
            "",
            f"time for 1,000 rows: {thousand} at {jobs} at a time"
            + ("" if rows == 1000 else " (at this rate)"),
            f"ratio to the baseline (rows/s, same run): {baseline_s / import_s:.2f}",
        ]
    )


def _line(name: str, per_row: float, per_command: float, seconds: float) -> str:
    return f"| {name} | {per_row:.1f} | {per_command:.0f} | {seconds:.2f} |"


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500, help="people in the caseload")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    parser.add_argument("--jobs", type=int, default=CONCURRENT_ROWS, help="people at once")
    args = parser.parse_args()
    print(asyncio.run(main(args.rows, args.repeat, args.jobs)))
