"""Importing a caseload: rows per second, and the time for 1,000 rows.

`python -m bench.importing --rows 500 --repeat 3` writes the generated caseload of
`tests/caseloads.py` (ATP, CSV, every pathway shape), then measures, median of `--repeat`
runs, each on a fresh embedded dev server and worker:
- the dry run: reading the files and checking every row through the pure domain;
- the import: each person referred and their events sent as validated updates, eight
  people at a time (`app.importing.CONCURRENT_ROWS`), as `parcours import` does;
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
from parcours.adapters.temporal.keys import Keyring
from parcours.app.importing import Importer, RowOutcome
from parcours.domain.importing.check import check_all
from parcours.domain.importing.plan import PersonPlan, plan_file
from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme

PROGRAMME = get_programme("atp-cergy")
ACTOR = Actor("bench-coordinator", Role.COORDINATOR)
ZONE = ZoneInfo("Europe/Paris")


def dry_run(people: Path, events: Path | None) -> tuple[list[PersonPlan], float]:
    """Read and check every row; the plans that pass, and the seconds it took."""
    started = time.perf_counter()
    rows, event_rows = read_caseload(people, events)
    plans, faults = plan_file(rows, event_rows, ZONE, ACTOR.actor_id)
    passing, refused = check_all(PROGRAMME, plans, ACTOR, datetime.now(UTC))
    assert not faults, faults[:3]
    assert not refused, refused[:3]
    return passing, time.perf_counter() - started


async def one_run(plans: list[PersonPlan]) -> dict[str, float]:
    keyring = Keyring.generate()
    async with embedded_service(keyring, referrers=PROGRAMME.referrers) as pathways:
        importer = Importer(pathways, PROGRAMME, ACTOR, keyring)
        started = time.perf_counter()
        first = await importer.run(plans, lambda outcome: None)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        second = await importer.run(plans, lambda outcome: None)
        again = time.perf_counter() - started
    _expect(first, "imported")
    _expect(second, "unchanged")
    commands = sum(1 + len(plan.steps) for plan in plans)
    return {"import_s": imported, "again_s": again, "commands": commands}


def _expect(outcomes: list[RowOutcome], status: str) -> None:
    found = {outcome.status.value for outcome in outcomes}
    assert found == {status}, found


async def main(rows: int, repeat: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        people, events = write_caseload(Path(scratch), PROGRAMME.name, rows)
        checks = [dry_run(people, events) for _ in range(repeat)]
        plans = checks[0][0]
        runs = []
        for index in range(repeat):
            runs.append(await one_run(plans))
            print(f"  import: run {index + 1}/{repeat} done", flush=True)
    dry_s = statistics.median(seconds for _, seconds in checks)
    import_s = statistics.median(run["import_s"] for run in runs)
    again_s = statistics.median(run["again_s"] for run in runs)
    commands = runs[0]["commands"]
    per_s = rows / import_s
    measured = rows == 1000
    thousand = (
        f"{import_s:.1f} s (measured)" if measured else f"{1000 / per_s:.0f} s (at this rate)"
    )
    table = [
        ("dry run (read + pure domain)", rows / dry_s, commands / dry_s, dry_s),
        ("import through the service", per_s, commands / import_s, import_s),
        ("second run (nothing to send)", rows / again_s, 0.0, again_s),
    ]
    return "\n".join(
        [
            f"{rows} ATP rows ({commands:.0f} referrals and commands), median of {repeat} runs",
            "",
            "| workload | rows/s | commands/s | total s |",
            "|---|---:|---:|---:|",
            *(f"| {name} | {r:.1f} | {c:.0f} | {t:.2f} |" for name, r, c, t in table),
            "",
            f"time for 1,000 rows: {thousand}",
        ]
    )


if __name__ == "__main__":
    configure_logging(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=500, help="people in the caseload")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    print(asyncio.run(main(args.rows, args.repeat)))
