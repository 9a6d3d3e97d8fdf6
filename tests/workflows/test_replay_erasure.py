"""`ERASURE_ENDS_RUN_PATCH` stays replayed, and the audit fold agrees with an erased pathway.

`atp-erased.json` (scenario `atp-erased` of tests/scenarios.py) erases the person half-way
through an ATP pathway: its marker is recorded, it replays with today's code and fails to
replay once the patch is answered no (the run would sleep until its next alert instead of
completing). No history recorded before it ever asks the patch (only an erased pathway
does), so each replays as before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parcours.workflows.patches import ERASURE_ENDS_RUN_PATCH
from tests.histories.record import HERE
from tests.workflows.patch_replay import folded, load, recorded_patches, replay

pytestmark = pytest.mark.asyncio(loop_scope="session")

ERASED = HERE / "atp-erased.json"
BEFORE = [HERE / "atp-full-pathway.json", HERE / "atp-corrected.json"]


async def test_the_erasure_is_recorded_and_cannot_be_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(ERASED)
    assert ERASURE_ENDS_RUN_PATCH in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert ERASURE_ENDS_RUN_PATCH not in told_no
    removed, _ = await replay(history, monkeypatch, no_to=ERASURE_ENDS_RUN_PATCH)
    assert removed.replay_failure is not None, "the history replays without the new side"
    assert "nondetermin" in str(removed.replay_failure).lower()


@pytest.mark.parametrize("path", BEFORE, ids=[p.stem for p in BEFORE])
async def test_histories_before_it_never_ask(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    history = load(path)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert ERASURE_ENDS_RUN_PATCH not in told_no | recorded_patches(history)


async def test_the_fold_agrees_with_the_erased_pathway() -> None:
    state = await folded(ERASED)
    assert state.timeline[-1].kind == "person_erased"
    assert state.timeline[-1].actor_id == "coord-21b9"
    assert state.timeline[-1].reason == "asked by the person (GDPR article 17)"
    assert state.erased_at is not None
    assert state.closed_at == state.erased_at
    assert "barrier_opened" in [e.kind for e in state.timeline]
