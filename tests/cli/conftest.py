"""CLI tests run `parcours` in-process (typer's CliRunner) against the real dev server.

A worker runs in a thread with its own event loop, because each CLI call runs its own
`asyncio.run`, as the installed command does.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner, Result

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.cli.app import build_app
from parcours.cli.i18n import choose_language
from parcours.worker import build_worker, default_activities
from tests.conftest import TEST_KEYRING


@dataclass
class Cli:
    """Runs `parcours ARGS` with this test's environment; `env` can be overridden per call."""

    env: dict[str, str]
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, **overrides: str) -> Result:
        argv: Sequence[str] = list(args)
        env: Mapping[str, str] = {**self.env, **overrides}
        app = build_app(choose_language(argv, env))
        return self.runner.invoke(app, argv, env=dict(env), catch_exceptions=False)


class ThreadedWorker:
    """A pathway worker on its own loop and thread, stopped at the end of the test."""

    def __init__(self, address: str, settings: Settings) -> None:
        self._address, self._settings = address, settings
        self._ready, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self.error: BaseException | None = None

    async def _run(self) -> None:
        try:
            client = await Client.connect(
                self._address, data_converter=data_converter(TEST_KEYRING)
            )
            async with build_worker(client, self._settings, default_activities(self._settings)):
                self._ready.set()
                while not self._stop.is_set():
                    await asyncio.sleep(0.05)
        except BaseException as err:
            self.error = err
            self._ready.set()
            raise

    def __enter__(self) -> ThreadedWorker:
        self._thread.start()
        self._ready.wait(30)
        if self.error is not None:
            raise self.error
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)


def address_of(env: WorkflowEnvironment) -> str:
    return env.client.service_client.config.target_host


@pytest.fixture
def cli_settings(tmp_path: Path) -> Settings:
    base = Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path)})
    return replace(base, task_queue=f"cli-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def cli(temporal_env: WorkflowEnvironment, cli_settings: Settings, tmp_path: Path) -> Iterator[Cli]:
    """`parcours` as staff member staff-7f3a, in English, with a worker behind it."""
    address = address_of(temporal_env)
    env = {
        "PARCOURS_TEMPORAL_ADDRESS": address,
        "PARCOURS_TASK_QUEUE": cli_settings.task_queue,
        "PARCOURS_KEYS": TEST_KEYRING.to_json(),
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_CONFIG": str(tmp_path / "no-config.toml"),
        "PARCOURS_ACTOR": "staff-7f3a",
        "PARCOURS_ROLE": "staff",
        "PARCOURS_LANG": "en",
        "PARCOURS_TIMEZONE": "UTC",
        "COLUMNS": "200",
    }
    with ThreadedWorker(address, cli_settings):
        yield Cli(env)


@pytest.fixture
def offline_cli(tmp_path: Path) -> Cli:
    """`parcours` pointed at a port where nothing listens."""
    return Cli(
        {
            "PARCOURS_TEMPORAL_ADDRESS": "127.0.0.1:1",
            "PARCOURS_KEYS": TEST_KEYRING.to_json(),
            "PARCOURS_DATA_DIR": str(tmp_path),
            "PARCOURS_CONFIG": str(tmp_path / "no-config.toml"),
            "PARCOURS_ACTOR": "staff-7f3a",
            "PARCOURS_LANG": "en",
            "COLUMNS": "200",
        }
    )
