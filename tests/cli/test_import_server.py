"""`parcours import` against the real dev server and a worker: a generated caseload imported,
a second run that changes nothing, a run killed halfway then resumed, and an imported
pathway the same as one entered command by command.

The caseloads here are 16 people (two of each shape, about 170 commands): enough to
cross every path of the import and keep each test well under a minute on two cores. The
500-row import is `bench/importing.py`'s (`python -m bench.importing --rows 500`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from tests.caseloads import write_caseload
from tests.cli.import_helpers import COORDINATOR, essence, pathways_by_row, run_import
from tests.cli.runner import Cli, ThreadedWorker, address_of
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal

ROWS = 16
PARCOURS = str(Path(sys.executable).parent / "parcours")


def test_a_caseload_imports_and_a_second_run_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    people, events = write_caseload(tmp_path, "nouveau-depart", ROWS, workbook=True, lang="fr")
    assert events is None  # one workbook, its second sheet holds the events
    first = run_import(cli, "nouveau-depart", str(people))
    assert first["counts"] == {"imported": ROWS}
    before = {row: essence(cli, pid) for row, pid in pathways_by_row(first).items()}
    second = run_import(cli, "nouveau-depart", str(people))
    assert second["counts"] == {"unchanged": ROWS}
    assert pathways_by_row(second) == pathways_by_row(first)
    assert {row: essence(cli, pid) for row, pid in pathways_by_row(second).items()} == before


def _rows_logged(log: Path) -> int:
    return log.read_text().count('"import row"') if log.exists() else 0


def test_a_run_killed_halfway_and_run_again_ends_as_an_uninterrupted_one(
    cli: Cli, temporal_env: WorkflowEnvironment, cli_settings: Settings, tmp_path: Path
) -> None:
    people, events = write_caseload(tmp_path, "atp-cergy", ROWS)
    assert events is not None
    args = ["import", "atp-cergy", str(people), "--events", str(events), "--json"]
    env = {**os.environ, **cli.env, "PARCOURS_ROLE": "coordinator", "PARCOURS_ACTOR": COORDINATOR}
    log = Path(cli.env["PARCOURS_DATA_DIR"]) / "logs" / "parcours-import.log"
    killed = subprocess.Popen([PARCOURS, *args], env=env, stdout=subprocess.DEVNULL)
    try:
        eventually_blocking(
            lambda: _rows_logged(log),
            lambda n: n >= ROWS // 3,
            what="a third of the rows",
            timeout=120,
        )
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
    assert _rows_logged(log) < ROWS, "the run was meant to be killed halfway"
    resumed = run_import(cli, "atp-cergy", str(people), "--events", str(events))
    assert resumed["counts"]["imported"] < ROWS
    assert sum(resumed["counts"].values()) == ROWS

    other = replace(cli_settings, task_queue=f"cli-{uuid.uuid4().hex[:8]}")
    with ThreadedWorker(address_of(temporal_env), other):
        fresh_cli = Cli({**cli.env, "PARCOURS_TASK_QUEUE": other.task_queue})
        whole = run_import(fresh_cli, "atp-cergy", str(people), "--events", str(events))
        assert whole["counts"] == {"imported": ROWS}
        expected = {row: essence(fresh_cli, p) for row, p in pathways_by_row(whole).items()}
    assert {row: essence(cli, p) for row, p in pathways_by_row(resumed).items()} == expected
