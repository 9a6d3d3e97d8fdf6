"""Both sides of `ALERTS_FOLLOW_PATHWAY_PATCH` stay replayed, and the fold follows the marker.

`alerts-follow-the-pathway.json` (tests/scenarios.py) takes the new side: it holds the
patch's marker, replays with today's code, and fails to replay when the patch is answered
no (the intake overdue since the referral would be raised and delivered at once). The
histories recorded before the patch hold no marker and replay the old side: their alerts
never resolve. The audit fold adopts the rules where the marker is, and agrees with what
the workflow did in both cases.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, WorkflowReplayResult

from parcours.adapters.temporal.converter import data_converter
from parcours.audit.fold import fold
from parcours.audit.history import read_history_file
from parcours.audit.recording import record_of
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import AlertRule, AlertStatus
from parcours.workflows.patches import ALERTS_FOLLOW_PATHWAY_PATCH
from parcours.workflows.pathway import ParticipantPathway
from tests.histories.record import HERE, history_keyring

pytestmark = pytest.mark.asyncio(loop_scope="session")

FOLLOWING = HERE / "alerts-follow-the-pathway.json"
BEFORE = HERE / "atp-open-suspended.json"


PATCH_MARKER = "core_patch"
"""The marker temporalio records for `workflow.patched()`; its details name the id."""

ORIGINAL_PATCHED = workflow.patched


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


def recorded_patches(history: WorkflowHistory) -> set[str]:
    """The patch ids the history holds a marker for: the ones the workflow was told yes."""
    return {
        json.loads(e.marker_recorded_event_attributes.details["patch-data"].payloads[0].data)["id"]
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == PATCH_MARKER
    }


async def replay(
    history: WorkflowHistory, monkeypatch: pytest.MonkeyPatch, *, no_to: str = ""
) -> tuple[WorkflowReplayResult, set[str]]:
    """Replay with today's code, unsandboxed so that `workflow.patched` can be watched: the
    result, and the patch ids asked for and told no. With `no_to`, that patch is answered
    no whatever the history says: the new side removed."""
    told_no: set[str] = set()

    def spy(patch_id: str) -> bool:
        answer = patch_id != no_to and ORIGINAL_PATCHED(patch_id)
        if not answer:
            told_no.add(patch_id)
        return answer

    monkeypatch.setattr(workflow, "patched", spy)
    replayer = Replayer(
        workflows=[ParticipantPathway],
        data_converter=data_converter(history_keyring()),
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    return result, told_no


async def folded(path: Path) -> PathwayState:
    recording = await record_of(read_history_file(path), data_converter(history_keyring()))
    result = fold(recording)
    assert result.discrepancies == [], path.name
    return result.pathway.state


async def test_the_new_side_is_taken_and_cannot_be_removed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(FOLLOWING)
    assert ALERTS_FOLLOW_PATHWAY_PATCH in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert ALERTS_FOLLOW_PATHWAY_PATCH not in told_no

    removed, _ = await replay(history, monkeypatch, no_to=ALERTS_FOLLOW_PATHWAY_PATCH)
    assert removed.replay_failure is not None, "the history replays without the new side"
    assert "nondetermin" in str(removed.replay_failure).lower()


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
