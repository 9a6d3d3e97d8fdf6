"""`CHANGES_DURING_PUBLISH_PATCH` stays replayed both ways.

`exit-closed-during-publish.json` (race `exit-closed-during-publish` of
`tests/workflows/races.py`) records an exit, entered after the fact past its retention
period, while the run loop publishes a contact: the loop turns again at once and closes
the pathway for good, which the audit fold repeats. It holds the patch's marker, replays
with today's code and fails to replay once the patch is answered no (the run would sleep
instead of closing). Every
history recorded before it holds no marker and replays as before (told no where an update
landed during a publish, never asked elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.workflows.patches import CHANGES_DURING_PUBLISH_PATCH
from tests.histories.record import HERE
from tests.workflows.patch_replay import folded, load, recorded_patches, replay, takes_the_new_side

pytestmark = pytest.mark.asyncio(loop_scope="session")

RACE = HERE / "exit-closed-during-publish.json"
AFTER = {
    RACE.name,
    "keys.json",
    "atp-anonymised.json",
    "consent-notice-within-consent.json",
    "consent-notice-before-the-rule.json",
}
"""Not recorded before it: the race itself, the keys, and histories recorded since."""
BEFORE = sorted(p for p in HERE.glob("*.json") if p.name not in AFTER)


async def test_the_race_takes_the_new_branch_and_cannot_lose_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await takes_the_new_side(RACE, CHANGES_DURING_PUBLISH_PATCH, monkeypatch)


@pytest.mark.parametrize("path", BEFORE, ids=[p.stem for p in BEFORE])
async def test_histories_before_it_keep_the_old_branch(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = load(path)
    assert CHANGES_DURING_PUBLISH_PATCH not in recorded_patches(history)
    result, _told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure


async def test_the_fold_closes_the_pathway_where_the_loop_turned_again() -> None:
    state = await folded(RACE)
    assert [e.kind for e in state.timeline][-2:] == ["exited", "pathway_closed"]
    assert state.closed_at is not None
