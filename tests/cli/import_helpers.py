"""Running `parcours import` in tests, and what two pathways must share to be the same.

Pathways are compared by their essence: every event's kind, when it happened, the stage
it left, who recorded it with which role and reason, and its details (ids, kinds, dates),
leaving out what differs between two entries of one story (pathway ids, request ids, when
each event was recorded) and what parcours records itself as it goes (a partner message
that failed, its alert), which lands between staff entries wherever its activity ends.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from parcours.domain.importing.columns import EVENTS, PEOPLE
from tests.caseloads import caseload, table
from tests.cli.runner import Cli

COORDINATOR = "coord-21b9"


def run_import(cli: Cli, *args: str, code: int = 0) -> dict[str, Any]:
    result = cli("--role", "coordinator", "--as", COORDINATOR, "import", *args, "--json")
    assert result.exit_code == code, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def open_sessions(cli: Cli, programme: str, names: Iterable[str]) -> None:
    """Open the sessions a caseload's rows name: the import, as `refer --session`, refers
    only into a session that exists and is open."""
    for name in sorted(set(names)):
        opened = cli(
            "--role", "coordinator", "--as", COORDINATOR, "session", "open", name,
            "--programme", programme, "--start", f"{name}-01",
        )  # fmt: skip
        assert opened.exit_code == 0, opened.output


def open_caseload_sessions(cli: Cli, programme: str, n: int) -> None:
    """Open the sessions of the generated caseload of `n` people (`tests/caseloads.py`)."""
    people, _ = caseload(programme, n)
    open_sessions(cli, programme, (row["session"] for row in people))


def essence(cli: Cli, pathway_id: str) -> list[tuple[Any, ...]]:
    result = cli("timeline", pathway_id, "--json")
    assert result.exit_code == 0, result.output
    return [
        (e["kind"], e["at"], e["stage"], e["actor_id"], e["role"], e["reason"], e["details"])
        for e in json.loads(result.stdout)
        if e["role"] != "system"
    ]


def pathways_by_row(report: dict[str, Any]) -> dict[int, str]:
    return {o["row"]: o["pathway_id"] for o in report["outcomes"]}


def one_person(folder: Path, programme: str, index: int) -> tuple[Path, Path]:
    """The generated caseload's person `index` alone, in a people and an events file."""
    people, events = caseload(programme, index + 1)
    key = people[index]["key"]
    files = (folder / f"{key}.csv", folder / f"{key}.events.csv")
    rows = ([people[index]], [e for e in events if e["key"] == key])
    for path, found, columns in zip(files, rows, (PEOPLE, EVENTS), strict=True):
        with path.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(table(found, columns, "en"))
    return files
