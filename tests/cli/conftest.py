"""CLI tests run `parcours` in-process (tests/cli/runner.py) against the real dev server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.app.staff import first_coordinator
from tests.cli.runner import Cli, ThreadedWorker, address_of
from tests.servers import TEST_KEYRING


@pytest.fixture
def cli_settings(tmp_path: Path) -> Settings:
    base = Settings.self_contained(str(tmp_path))
    return replace(base, task_queue=f"cli-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def cli_env(
    temporal_env: WorkflowEnvironment, cli_settings: Settings, tmp_path: Path
) -> dict[str, str]:
    """The environment of `cli`: the session's dev server, this test's task queue."""
    return {
        "PARCOURS_TEMPORAL_ADDRESS": address_of(temporal_env),
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


@pytest.fixture
def cli(cli_env: dict[str, str], cli_settings: Settings) -> Iterator[Cli]:
    """`parcours` as staff member staff-7f3a, in English, with a worker behind it."""
    with ThreadedWorker(cli_env["PARCOURS_TEMPORAL_ADDRESS"], cli_settings):
        yield Cli(cli_env)


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


@pytest.fixture
def signed_cli(
    temporal_env: WorkflowEnvironment, tmp_path: Path, db_url: str
) -> Iterator[tuple[Cli, Path]]:
    """`parcours` against a worker that checks signatures, and the coordinator's config."""
    queue = f"staff-{uuid.uuid4().hex[:8]}"
    settings = replace(
        Settings.self_contained(str(tmp_path)),
        task_queue=queue,
        readmodel_url=db_url,
        declared_roles=False,
        keys_env=TEST_KEYRING.to_json(),  # the worker seals a job-dating's hand-off with it
    )
    coordinator = tmp_path / "coordinator.toml"
    with open_store(db_url) as store:
        assert first_coordinator(store, coordinator, "coord-21b9") is not None
        assert first_coordinator(store, tmp_path / "second.toml", "coord-0000") is None
    env = {
        "PARCOURS_TEMPORAL_ADDRESS": address_of(temporal_env),
        "PARCOURS_TASK_QUEUE": queue,
        "PARCOURS_KEYS": TEST_KEYRING.to_json(),
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_READMODEL_URL": db_url,
        "PARCOURS_CONFIG": str(coordinator),
        "PARCOURS_LANG": "en",
        "PARCOURS_TIMEZONE": "UTC",
        "COLUMNS": "200",
    }
    with ThreadedWorker(env["PARCOURS_TEMPORAL_ADDRESS"], settings):
        yield Cli(env), coordinator
