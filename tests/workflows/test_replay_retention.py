"""`RETENTION_BY_CONTACT_PATCH` stays replayed, both ways, and the audit fold agrees.

`atp-anonymised.json` (`retention_walk.play_anonymised`, recorded on time skipping by
`python -m tests.histories.record atp-anonymised`) takes the new branch: warned, extended
by a coordinator (`extend_retention`), warned again and anonymised by parcours at the
extension's date. It holds the marker, replays with today's code, and fails to replay once
the patch is answered no (the old rule has no warning to raise and nothing to anonymise).
`atp-after-exit.json`, recorded before it, keeps the old rule: it replays closing at the
end of the retention after exit without the marker.

`atp-warning-follows.json` (`retention_walk.play_warning_follows`, recorded the same way)
takes `RETENTION_WARNING_FOLLOWS_PATCH`: the open warning is resolved by the extension. It
fails to replay once that patch is answered no; `atp-anonymised.json`, recorded before it,
replays without its marker, its first warning left as it was (acknowledged).
"""

from __future__ import annotations

import pytest

from parcours.domain.vocabulary import AlertRule, AlertStatus
from parcours.workflows.patches import (
    RETENTION_BY_CONTACT_PATCH,
    RETENTION_WARNING_FOLLOWS_PATCH,
)
from tests.histories.record import HERE
from tests.workflows.patch_replay import folded, load, recorded_patches, replay

pytestmark = pytest.mark.asyncio(loop_scope="session")

ANONYMISED = HERE / "atp-anonymised.json"
OLD_RULE = HERE / "atp-after-exit.json"
FOLLOWS = HERE / "atp-warning-follows.json"


async def test_the_anonymisation_is_recorded_and_cannot_be_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(ANONYMISED)
    assert RETENTION_BY_CONTACT_PATCH in recorded_patches(history)
    result, _ = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    removed, _ = await replay(history, monkeypatch, no_to=RETENTION_BY_CONTACT_PATCH)
    assert removed.replay_failure is not None, "the history replays without the new side"


async def test_the_old_rule_replays_closing_after_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    history = load(OLD_RULE)
    assert RETENTION_BY_CONTACT_PATCH not in recorded_patches(history)
    result, _ = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    state = await folded(OLD_RULE)
    assert state.timeline[-1].kind == "pathway_closed"
    assert state.erased_at is None


async def test_the_fold_agrees_with_the_anonymised_pathway() -> None:
    state = await folded(ANONYMISED)
    kinds = [e.kind for e in state.timeline]
    assert kinds.count("retention_extended") == 1
    assert [e.details.get("rule") for e in state.timeline if e.kind == "alert_raised"].count(
        "retention_due"
    ) == 2
    last = state.timeline[-1]
    assert (last.kind, last.actor_id) == ("person_erased", "parcours")
    assert last.reason.startswith("retention: no contact since ")
    assert state.erased_at == state.closed_at == last.at


async def test_the_warning_follows_the_extension_and_cannot_be_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(FOLLOWS)
    assert RETENTION_WARNING_FOLLOWS_PATCH in recorded_patches(history)
    result, _ = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    removed, _ = await replay(history, monkeypatch, no_to=RETENTION_WARNING_FOLLOWS_PATCH)
    assert removed.replay_failure is not None, "the history replays without the new side"


async def test_before_the_patch_the_history_replays_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(ANONYMISED)
    assert RETENTION_WARNING_FOLLOWS_PATCH not in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert RETENTION_WARNING_FOLLOWS_PATCH in told_no


async def test_the_fold_agrees_with_the_resolved_warning() -> None:
    state = await folded(FOLLOWS)
    extended = next(e for e in state.timeline if e.kind == "retention_extended")
    resolved = state.timeline[extended.seq]  # the next event: seqs count from 1
    assert resolved.kind == "alert_resolved"
    assert resolved.details["closed_by"] == str(extended.seq)
    warnings = [a for a in state.alerts if a.rule is AlertRule.RETENTION_DUE]
    assert len(warnings) == 2
    assert warnings[0].alert_id == resolved.details["alert_id"]
    assert warnings[0].status is AlertStatus.RESOLVED
    assert state.timeline[-1].kind == "person_erased"
