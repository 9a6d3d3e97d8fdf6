"""The worker's cache holds PARCOURS_WORKER_CACHE pathway runs (what bounds its memory)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client

import parcours.worker
from parcours.adapters.settings import Settings
from parcours.worker import build_worker


def cache_of(monkeypatch: pytest.MonkeyPatch, settings: Settings, given: int | None) -> Any:
    """The `max_cached_workflows` the SDK's worker is built with (no worker is made)."""
    built: dict[str, Any] = {}

    def worker(client: Client, **options: Any) -> dict[str, Any]:
        built.update(options)
        return built

    monkeypatch.setattr(parcours.worker, "Worker", worker)
    build_worker(Client.__new__(Client), settings, [], max_cached_workflows=given)
    return built["max_cached_workflows"]


def test_the_worker_caches_as_many_runs_as_the_setting_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = Settings.self_contained(tmp_path)
    assert cache_of(monkeypatch, default, None) == 1000
    small = Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path), "PARCOURS_WORKER_CACHE": "250"})
    assert cache_of(monkeypatch, small, None) == 250
    assert cache_of(monkeypatch, default, 0) == 0  # the tests' replay-every-task mode
