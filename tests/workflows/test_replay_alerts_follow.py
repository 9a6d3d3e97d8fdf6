"""Both sides of `ALERTS_FOLLOW_PATHWAY_PATCH` stay replayed, and the fold follows the marker.

`alerts-follow-the-pathway.json` (tests/scenarios.py) takes the new side: it holds the
patch's marker, replays with today's code, and fails to replay when the patch is answered
no (the intake overdue since the referral would be raised and delivered at once). The
histories recorded before the patch hold no marker and replay the old side: their alerts
never resolve. The audit fold adopts the rules where the marker is, and agrees with what
the workflow did in both cases.
"""

from __future__ import annotations

import pytest

from parcours.domain.vocabulary import AlertRule, AlertStatus
from parcours.workflows.patches import ALERTS_FOLLOW_PATHWAY_PATCH
from tests.histories.record import HERE
from tests.workflows.patch_replay import folded, load, recorded_patches, replay, takes_the_new_side

pytestmark = pytest.mark.asyncio(loop_scope="session")

FOLLOWING = HERE / "alerts-follow-the-pathway.json"
BEFORE = HERE / "atp-open-suspended.json"


async def test_the_new_side_is_taken_and_cannot_be_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await takes_the_new_side(FOLLOWING, ALERTS_FOLLOW_PATHWAY_PATCH, monkeypatch)


async def test_the_fold_adopts_the_rules_where_the_marker_is() -> None:
    state = await folded(FOLLOWING)
    assert state.alert_rules == 2
    # The referrer is not in the recorder's partner directory: telling it failed, a fact
    # that stays open. The intake, overdue since the referral, was never raised.
    assert sorted((a.rule, a.status) for a in state.alerts) == [
        (AlertRule.CONSENT_EXPIRING, AlertStatus.RESOLVED),
        (AlertRule.NOTIFICATION_FAILED, AlertStatus.OPEN),
    ]
    raised = [e.details["rule"] for e in state.timeline if e.kind == "alert_raised"]
    assert raised == ["consent_expiring"]
    [resolved] = [e for e in state.timeline if e.kind == "alert_resolved"]
    closing = state.timeline[int(resolved.details["closed_by"]) - 1]
    assert closing.kind == "consent_given"
    assert resolved.seq == closing.seq + 1
    assert state.last_entry_at == closing.recorded  # when it was recorded, not when given


async def test_a_history_from_before_the_patch_keeps_the_first_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(BEFORE)
    assert ALERTS_FOLLOW_PATHWAY_PATCH not in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert ALERTS_FOLLOW_PATHWAY_PATCH in told_no
    state = await folded(BEFORE)
    assert (state.alert_rules, state.last_entry_at) == (1, None)
