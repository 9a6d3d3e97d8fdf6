"""`ERASURE_ENDS_RUN_PATCH` stays replayed, and the audit fold agrees with an erased pathway.

`atp-erased.json` (scenario `atp-erased` of tests/scenarios.py) erases the person half-way
through an ATP pathway: its marker is recorded, it replays with today's code and fails to
replay once the patch is answered no (the run would sleep until its next alert instead of
completing). No history recorded before it ever asks the patch (only an erased pathway
does), so each replays as before.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from parcours.adapters.temporal.converter import data_converter
from parcours.audit.fold import fold
from parcours.audit.happened import snapshot_at
from parcours.audit.history import read_history_file
from parcours.audit.recording import record_of
from parcours.workflows.patches import ERASURE_ENDS_RUN_PATCH
from tests.histories.record import HERE, history_keyring
from tests.workflows.patch_replay import folded, load, recorded_patches, replay, takes_the_new_side

pytestmark = pytest.mark.asyncio(loop_scope="session")

ERASED = HERE / "atp-erased.json"
BEFORE = [HERE / "atp-full-pathway.json", HERE / "atp-corrected.json"]


async def test_the_erasure_is_recorded_and_cannot_be_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await takes_the_new_side(ERASED, ERASURE_ENDS_RUN_PATCH, monkeypatch)


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


async def test_as_it_happened_the_erasure_happened_when_it_was_made() -> None:
    """Before, `audit at` as it happened left the erasure out (as a correction is): after
    it, the pathway read as still open, with a failed notification it had refused open
    too. The erasure happened when it was made: from then on both answers agree."""
    recording = await record_of(read_history_file(ERASED), data_converter(history_keyring()))
    erased = fold(recording).pathway.state.erased_at
    assert erased is not None
    after = snapshot_at(recording, erased + timedelta(days=30))
    assert after.state.erased_at == erased
    assert after.state.closed_at == erased
    assert after.open_alerts == []
    assert after.last_event is not None
    assert after.last_event.kind == "person_erased"
    known = snapshot_at(recording, erased + timedelta(days=30), as_recorded=True)
    assert [e.kind for e in after.state.timeline] == [e.kind for e in known.state.timeline]
    before = snapshot_at(recording, erased - timedelta(seconds=1))
    assert before.state.erased_at is None
