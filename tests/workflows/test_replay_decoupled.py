"""Both sides of `DECOUPLED_PUBLISH_PATCH` stay replayed, and the audit fold agrees with both.

`partners-in-the-background.json` (the Nouveau départ session of tests/scenarios.py) and
`undelivered-then-sent.json` (tests/workflows/races.py) take the new side: their marker is
recorded, they replay with today's code, and they fail to replay once the patch is
answered no (the run would wait for each step, and for every message, in turn). Every
history recorded before the patch holds no marker and replays the old side. The audit
fold rebuilds what the workflow recorded from each of them, the failures the background
messages reported included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.workflows.patches import DECOUPLED_PUBLISH_PATCH
from tests.histories.record import HERE
from tests.workflows.patch_replay import folded, load, recorded_patches, replay, takes_the_new_side

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_SIDE = [HERE / "partners-in-the-background.json", HERE / "undelivered-then-sent.json"]
OLD_SIDE = [HERE / "nouveau-depart-session.json", HERE / "retry-failure-published-at-once.json"]


@pytest.mark.parametrize("path", NEW_SIDE, ids=[p.stem for p in NEW_SIDE])
async def test_the_new_side_is_taken_and_cannot_be_removed(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await takes_the_new_side(path, DECOUPLED_PUBLISH_PATCH, monkeypatch)


@pytest.mark.parametrize("path", OLD_SIDE, ids=[p.stem for p in OLD_SIDE])
async def test_a_history_from_before_the_patch_keeps_the_old_side(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = load(path)
    assert DECOUPLED_PUBLISH_PATCH not in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert DECOUPLED_PUBLISH_PATCH in told_no


async def test_the_fold_rebuilds_the_failures_the_background_messages_reported() -> None:
    session = await folded(HERE / "partners-in-the-background.json")
    assert [e.kind for e in session.timeline].count("notification_failed") >= 1
    undelivered = await folded(HERE / "undelivered-then-sent.json")
    # Reported undelivered once, sent again and delivered: one failure, one alert.
    assert [e.kind for e in undelivered.timeline].count("notification_failed") == 1
