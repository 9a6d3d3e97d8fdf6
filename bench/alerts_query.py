"""`parcours alerts --all`'s query at scale, and the plan each database chooses for it.

`python -m bench.alerts_query --n 10000` fills a fresh read model (SQLite in a scratch
folder, or the PostgreSQL database `--url` names: its tables are emptied first) with N
pathways of two programmes and six alerts each (about a quarter open or snoozed, the rest
resolved or acknowledged), without statistics (nothing runs ANALYZE on a read model),
then prints the plan (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL) and the
median time of `Store.alerts_due` (200 rows), for every programme and for one, against
its baseline in the same run: the same listing with the statuses as bound parameters,
which no partial index can serve.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select, text

from parcours.adapters.readmodel import Store, open_store
from parcours.adapters.readmodel.queries import still_open
from parcours.adapters.readmodel.tables import AlertRow, ParticipantRow
from parcours.adapters.readmodel.views import AlertView
from parcours.domain.vocabulary import AlertAudience, AlertRule, AlertStatus, Stage

OPEN_AND_SNOOZED = frozenset({AlertStatus.OPEN, AlertStatus.SNOOZED})
BASE = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = (AlertStatus.OPEN, AlertStatus.SNOOZED, AlertStatus.RESOLVED, AlertStatus.ACKNOWLEDGED)


def fill(engine: Engine, n: int) -> None:
    """N pathways, two programmes in turn, six alerts each due over a year."""
    draw = random.Random(1)
    participants: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    for i in range(n):
        pid = f"pathway-{i:016x}"
        participants.append(
            {"pathway_id": pid, "programme": ("nouveau-depart", "atp-cergy")[i % 2]}
            | {"programme_version": 1, "stage": Stage.REFERRED, "stage_since": BASE}
            | {"referent": f"staff-{i % 20}", "session": "s", "referred_at": BASE}
            | {"next_alert_at": BASE, "last_seq": 3, "updated_at": BASE}
        )
        for j in range(6):
            status = draw.choices(STATUSES, [2, 0.3, 5, 3])[0]
            due = BASE + timedelta(hours=draw.randint(0, 9000))
            alerts.append(
                {"pathway_id": pid, "alert_id": f"a{j}", "rule": AlertRule.NO_CONTACT}
                | {"audience": AlertAudience.REFERENT, "due_at": due, "raised_at": BASE}
                | {"status": status, "handled_by": ""}
            )
    with engine.begin() as conn:
        conn.execute(delete(AlertRow))
        conn.execute(delete(ParticipantRow))
        conn.execute(insert(ParticipantRow), participants)
        conn.execute(insert(AlertRow), alerts)


def bound(store: Store, programme: str | None) -> list[AlertView]:
    """The baseline: the same listing through the same code, the two statuses given as
    bound parameters (`--status open --status snoozed`), which no partial index serves."""
    return store.alerts_due(OPEN_AND_SNOOZED, programme)


def plan(store: Store, programme: str | None) -> str:
    stmt = select(AlertRow).join(ParticipantRow, ParticipantRow.pathway_id == AlertRow.pathway_id)
    stmt = stmt.where(still_open())
    if programme:
        stmt = stmt.where(ParticipantRow.programme == programme)
    stmt = stmt.order_by(AlertRow.due_at, AlertRow.pathway_id, AlertRow.alert_id).limit(200)
    sql = str(stmt.compile(store.engine, compile_kwargs={"literal_binds": True}))
    sqlite = store.engine.dialect.name == "sqlite"
    with store.engine.connect() as conn:
        rows = conn.execute(text(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql))
        return "; ".join(str(row[-1] if sqlite else row[0]).strip() for row in rows)


def median_ms(work: Any, runs: int = 21) -> float:
    taken = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        taken.append(time.perf_counter() - started)
    return 1000 * statistics.median(taken)


def main(n: int, url: str | None = None) -> str:
    with (
        tempfile.TemporaryDirectory() as scratch,
        open_store(url or f"sqlite:///{Path(scratch) / 'readmodel.sqlite'}") as store,
    ):
        fill(store.engine, n)
        lines = [f"{n} pathways, {6 * n} alerts, {store.engine.dialect.name}", ""]
        lines += [
            "| listing | ms | baseline (bound statuses) ms | ratio |",
            "|---|---:|---:|---:|",
        ]
        plans = []
        for programme in (None, "atp-cergy"):
            ours = median_ms(lambda p=programme: store.alerts_due(programme=p))
            theirs = median_ms(lambda p=programme: bound(store, p))
            label = f"`--programme {programme}`" if programme else "every programme"
            lines.append(f"| {label} | {ours:.1f} | {theirs:.1f} | {ours / theirs:.2f} |")
            plans.append(f"- plan, {label}: {plan(store, programme)}")
    return "\n".join([*lines, "", *plans])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10000, help="pathways in the read model")
    parser.add_argument("--url", help="a PostgreSQL read model to fill (emptied first)")
    args = parser.parse_args()
    print(main(args.n, args.url))
