"""Replay of the referral histories: the old per-programme registry and a reservation.

`old-registry.json` was recorded on 7a0d513 by that commit's client: people referred
then are still held by that registry after the upgrade (`app.reservations`), so its
workflow stays registered and must go on replaying; `registry-retired.json` takes its
`REGISTRY_RETIRES_PATCH` branch (its entries moved, then ended). `reservation.json` takes
every branch of `ReferralReservation.claim` and its `release` (`record_referrals.py`);
`reservation-signed.json` the same play with every claim and release carrying the
referral's request signed by a staff credential, checked by the worker (`python -m
tests.histories.record_referrals signed`), while `reservation.json`'s claims carry none.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType

from parcours.adapters.temporal.converter import data_converter
from parcours.workflows.patches import REGISTRY_RETIRES_PATCH
from parcours.workflows.registry import REGISTRY_TYPE, ReferralRegistry
from parcours.workflows.reservation import RESERVATION_TYPE, Claim, ReferralReservation
from tests.histories.record import HERE, history_keyring
from tests.workflows.patch_replay import load, replayer_for

FOLDER = HERE / "referrals"
EXPECTED = {
    "old-registry.json": REGISTRY_TYPE,
    "registry-retired.json": REGISTRY_TYPE,
    "reservation.json": RESERVATION_TYPE,
    "reservation-signed.json": RESERVATION_TYPE,
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


async def claims_in(path: Path) -> list[Claim]:
    """The claims and releases a reservation's history accepted, decoded."""
    converter = data_converter(history_keyring())
    found: list[Claim] = []
    for event in load(path).events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            sent = event.workflow_execution_update_accepted_event_attributes.accepted_request
            found += await converter.decode(sent.input.args.payloads, [Claim])
    return found


@pytest.mark.asyncio(loop_scope="session")
async def test_the_signed_history_keeps_each_claims_signature_and_the_old_none() -> None:
    signed, older = (
        await claims_in(FOLDER / "reservation-signed.json"),
        await claims_in(FOLDER / "reservation.json"),
    )
    assert len(signed) == len(older) > 0
    assert all(c.meta is not None and c.meta.key_id.startswith("key-") for c in signed)
    assert all(c.meta is not None and c.meta.signature for c in signed)
    assert all(c.meta is None for c in older)
