"""The committed job-dating history replays against today's code, and a careless change
to what the event does (the reminder no longer sent, without a patch) fails to replay."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner

from parcours.adapters.temporal.converter import data_converter
from parcours.domain.jobdating import JobDatingEvent
from parcours.worker import workflow_runner
from parcours.workflows.jobdating import JobDatingWorkflow
from parcours.workflows.jobdating_messages import JobDatingInput
from tests.histories.record import history_keyring
from tests.histories.record_jobdating import JOBDATING_HISTORIES

HISTORIES = sorted(JOBDATING_HISTORIES.glob("*.json"))


def test_a_jobdating_history_is_committed() -> None:
    assert [p.name for p in HISTORIES] == ["jobdating-event.json"]


def _replayer(workflow_class: type, *, sandboxed: bool = True) -> Replayer:
    """A test module's workflow class cannot be loaded in the sandbox: it runs unsandboxed."""
    return Replayer(
        workflows=[workflow_class],
        data_converter=data_converter(history_keyring()),
        workflow_runner=workflow_runner() if sandboxed else UnsandboxedWorkflowRunner(),
    )


def _load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_committed_jobdating_history_replays(path: Path) -> None:
    result = await _replayer(JobDatingWorkflow).replay_workflow(
        _load(path), raise_on_replay_failure=False
    )
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


@workflow.defn(name="JobDating")
class RemindersDropped(JobDatingWorkflow):
    """A careless change: the reminder is no longer sent, and no patch says so."""

    @workflow.run
    async def run(self, start: JobDatingInput) -> JobDatingEvent:
        return await super().run(start)

    async def _remind(self) -> None:
        self._event.reminded_at = workflow.now()


@pytest.mark.asyncio(loop_scope="session")
async def test_a_change_without_a_patch_fails_to_replay() -> None:
    result = await _replayer(RemindersDropped, sandboxed=False).replay_workflow(
        _load(HISTORIES[0]), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()
