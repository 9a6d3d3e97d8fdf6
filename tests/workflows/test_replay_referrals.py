"""Replay of the referral histories: the old per-programme registry and a reservation.

`old-registry.json` was recorded on 7a0d513 by that commit's client: people referred
then are still held by that registry after the upgrade (`app.reservations`), so its
workflow stays registered and must go on replaying. `reservation.json` takes every
branch of `ReferralReservation.claim` and its `release` (`record_referrals.py`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from parcours.adapters.temporal.converter import data_converter
from parcours.worker import workflow_runner
from parcours.workflows.registry import REGISTRY_TYPE, ReferralRegistry
from parcours.workflows.reservation import RESERVATION_TYPE, ReferralReservation
from tests.histories.record import HERE, history_keyring

FOLDER = HERE / "referrals"
EXPECTED = {"old-registry.json": REGISTRY_TYPE, "reservation.json": RESERVATION_TYPE}


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


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
    replayer = Replayer(
        workflows=[ReferralRegistry, ReferralReservation],
        data_converter=data_converter(history_keyring()),
        workflow_runner=workflow_runner(),
    )
    result = await replayer.replay_workflow(load(FOLDER / name), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{name}: {result.replay_failure}"
