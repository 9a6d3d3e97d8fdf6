"""Regenerate the committed histories: `make histories` (or `python -m tests.histories.record`).

Runs every scenario of `tests/scenarios.py` on a fresh dev server with the throwaway key
in `tests/histories/keys.json` (fake participants only), then writes each history in
Temporal's JSON format as `<scenario>.json`. Replay tests then prove today's code decides
as it did then. When a change goes behind `workflow.patched()`, first rename the current
files to `<scenario>.before-<patch>.json` and keep them: both branches stay replayed.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa
from tests.scenarios import SCENARIOS

HERE = Path(__file__).parent
KEY_FILE = HERE / "keys.json"


def history_keyring() -> Keyring:
    """The throwaway key the committed histories were recorded with (fake people only)."""
    return Keyring.from_file(KEY_FILE, require_private=False)


async def record(out_dir: Path = HERE) -> list[Path]:
    written: list[Path] = []
    converter = data_converter(history_keyring())
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env({"PARCOURS_DATA_DIR": scratch})
        async with (
            await WorkflowEnvironment.start_local(
                data_converter=converter,
                dev_server_existing_path=str(temporal_binary()),
                search_attributes=sa.ALL,
            ) as env,
            build_worker(env.client, settings, default_activities(settings)),
        ):
            pathways = PathwayClient(env.client, settings.task_queue)
            for name, scenario in SCENARIOS.items():
                pid = await scenario(pathways)
                history = await env.client.get_workflow_handle(pid).fetch_history()
                path = out_dir / f"{name}.json"
                path.write_text(history.to_json(), encoding="utf-8")
                written.append(path)
                print(f"recorded {path.name}: {len(history.events)} events")
    return written


if __name__ == "__main__":
    asyncio.run(record())
