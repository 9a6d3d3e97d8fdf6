"""Replay of the referral histories: the old per-programme registry and a reservation.

`old-registry.json` was recorded on 7a0d513 by that commit's client: people referred
then are still held by that registry after the upgrade (`app.reservations`), so its
workflow stays registered and must go on replaying; `registry-retired.json` takes its
`REGISTRY_RETIRES_PATCH` branch (its entries moved, then ended). `reservation.json` takes
every branch of `ReferralReservation.claim` and its `release` (`record_referrals.py`).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from parcours.workflows.patches import REGISTRY_RETIRES_PATCH
from parcours.workflows.registry import REGISTRY_TYPE, ReferralRegistry
from parcours.workflows.reservation import RESERVATION_TYPE, ReferralReservation
from tests.histories.record import HERE
from tests.workflows.patch_replay import load, replayer_for

FOLDER = HERE / "referrals"
EXPECTED = {
    "old-registry.json": REGISTRY_TYPE,
    "registry-retired.json": REGISTRY_TYPE,
    "reservation.json": RESERVATION_TYPE,
}


def workflow_type(path: Path) -> str:
    started = json.loads(path.read_text(encoding="utf-8"))["events"][0]
    name: str = started["workflowExecutionStartedEventAttributes"]["workflowType"]["name"]
    return name


def test_both_referral_histories_are_committed() -> None:
    found = {p.name: workflow_type(p) for p in FOLDER.glob("*.json")}
    assert found == EXPECTED


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_a_referral_history_replays(name: str) -> None:
    replayer = replayer_for(ReferralRegistry, ReferralReservation)
    result = await replayer.replay_workflow(load(FOLDER / name), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{name}: {result.replay_failure}"


def patches_in(path: Path) -> set[str]:
    """The patch ids a history's markers record."""
    found = set()
    for event in json.loads(path.read_text(encoding="utf-8"))["events"]:
        marker = event.get("markerRecordedEventAttributes", {})
        for payload in marker.get("details", {}).get("patch-data", {}).get("payloads", []):
            found.add(json.loads(base64.b64decode(payload["data"]))["id"])
    return found


def test_only_the_retired_registry_history_takes_the_patch() -> None:
    assert patches_in(FOLDER / "registry-retired.json") == {REGISTRY_RETIRES_PATCH}
    assert patches_in(FOLDER / "old-registry.json") == set()
