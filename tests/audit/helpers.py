"""What audit tests share: `parcours audit` as an auditor runs it, and reading its JSON;
commands as they happened, and a pathway's state compared whatever the order it was typed.

Audit commands need no worker: tests drive pathways with a worker first, stop it, then
run the CLI, in a thread when the test itself runs on the event loop (each CLI call runs
its own `asyncio.run`, as the installed command does).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from typer.testing import Result

from parcours.adapters.temporal.keys import Keyring
from parcours.domain import commands as c
from parcours.domain.records import PathwayState, RequestMeta
from parcours.domain.vocabulary import Role
from tests.cli.runner import Cli
from tests.histories.record import HERE, KEY_FILE

COMMITTED = sorted(p for p in HERE.glob("*.json") if p.name != KEY_FILE.name)


def cli_for(tmp_path: Path, keyring_json: str, address: str = "127.0.0.1:1") -> Cli:
    """`parcours` as staff member staff-7f3a, in English, in UTC, with these keys."""
    return Cli(
        {
            "PARCOURS_TEMPORAL_ADDRESS": address,
            "PARCOURS_KEYS": keyring_json,
            "PARCOURS_DATA_DIR": str(tmp_path),
            "PARCOURS_CONFIG": str(tmp_path / "no-config.toml"),
            "PARCOURS_ACTOR": "staff-7f3a",
            "PARCOURS_ROLE": "auditor",
            "PARCOURS_LANG": "en",
            "PARCOURS_TIMEZONE": "UTC",
            "COLUMNS": "200",
        }
    )


def other_keys() -> str:
    return Keyring.generate().to_json()


async def run(cli: Cli, *args: str, **overrides: str) -> Result:
    """The CLI from an async test: in a thread, so that its `asyncio.run` may start."""
    return await asyncio.to_thread(cli, *args, **overrides)


def json_of(result: Result) -> dict[str, object]:
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


@dataclass(frozen=True)
class Happened:
    """A command as it happened: sent with its request at its effective instant."""

    command: c.Command
    meta: RequestMeta
    effective: datetime


def essence(state: PathwayState) -> dict[str, Any]:
    """The state without its alerts (and their rules and settling), its sequence numbers and
    its recording instants (nor the commands it kept, in the order they were recorded, for
    corrections, nor which retention rule the workflow adopted)."""
    plain = dataclasses.asdict(state)
    dropped = ("alerts", "next_seq", "timeline", "applied", "alert_rules", "last_entry_at")
    for name in (*dropped, "retention_rule"):
        plain.pop(name)
    plain["timeline"] = sorted(
        (e.kind, e.at, e.stage.value, sorted(e.details.items()), e.actor_id, e.reason)
        for e in state.timeline
        if e.role is not Role.SYSTEM
    )
    return plain
