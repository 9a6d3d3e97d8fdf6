"""`refused-referral-start.json` takes the new branch of `REFUSED_START_FAILS_PATCH`.

The history is a referral under the auditor's role sent straight to the service: the
workflow failed at once with the refusal, the patch's marker recorded. Without the
branch (the patch answered no), today's code raises the refusal in the first task and
no longer replays it. Replays run unsandboxed, so that `workflow.patched` can be set.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.worker import WorkflowReplayResult

from parcours.workflows.patches import REFUSED_START_FAILS_PATCH
from parcours.workflows.pathway import ParticipantPathway
from tests.histories.record import HERE
from tests.workflows.patch_replay import load, replayer_for

pytestmark = pytest.mark.asyncio(loop_scope="session")

HISTORY = HERE / "refused-referral-start.json"
ORIGINAL_PATCHED = workflow.patched


async def replay(
    monkeypatch: pytest.MonkeyPatch, patched: Callable[[str], bool]
) -> WorkflowReplayResult:
    monkeypatch.setattr(workflow, "patched", patched)
    replayer = replayer_for(ParticipantPathway, sandboxed=False)
    return await replayer.replay_workflow(load(HISTORY), raise_on_replay_failure=False)


async def test_the_history_ends_failed_by_the_refusal() -> None:
    kinds = [e.event_type for e in load(HISTORY).events]
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds
    assert EventType.EVENT_TYPE_MARKER_RECORDED in kinds


async def test_it_replays_only_with_the_new_branch(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def watched(patch_id: str) -> bool:
        asked.append(patch_id)
        return ORIGINAL_PATCHED(patch_id)

    taken = await replay(monkeypatch, watched)
    assert taken.replay_failure is None, taken.replay_failure
    # the run also asks, at its start, how it dates events (EFFECTIVE_INSTANTS_PATCH)
    assert asked.count(REFUSED_START_FAILS_PATCH) == 1

    without = await replay(monkeypatch, lambda patch_id: False)
    assert without.replay_failure is not None
    assert "ApplicationFailureInfo" in str(without.replay_failure)
    assert 'r#type: "NotPermitted"' in str(without.replay_failure)
