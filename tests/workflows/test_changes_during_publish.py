"""A change an update records while the run loop publishes is acted on at once.

The projection of a contact is held (`races.Switchboard`) while an exit, entered after the
fact with its retention period already over, is recorded: the race happens on every run.
With `CHANGES_DURING_PUBLISH_PATCH` the pathway closes for good as soon as the projection
is released; with the patch answered no (the old branch), the run loop sleeps with nothing
due to wake it and the pathway stays open, which is what the first test would catch.
The committed history of the race is `tests/histories/exit-closed-during-publish.json`.
"""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.domain.records import PathwayState
from parcours.worker import build_worker
from parcours.workflows.messages import PathwayResult
from parcours.workflows.patches import CHANGES_DURING_PUBLISH_PATCH
from tests.workflows.races import Switchboard, answered_no, exit_entered_during_a_publish

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

PROMPTLY = 5.0
"""Well beyond the fraction of a second the workflow takes; its next timer is never."""


async def test_an_exit_past_its_retention_entered_during_a_publish_closes_at_once(
    gated: PathwayClient, board: Switchboard
) -> None:
    pid = await exit_entered_during_a_publish(gated, board)
    handle = gated.temporal.get_workflow_handle(pid, result_type=PathwayResult)
    result = await asyncio.wait_for(handle.result(), PROMPTLY)
    assert (await handle.describe()).status is WorkflowExecutionStatus.COMPLETED
    assert result.state.closed_at is not None
    assert [e.kind for e in result.state.timeline][-2:] == ["exited", "pathway_closed"]
    assert "pathway_closed" in board.projected_events(pid)


async def test_without_the_patch_the_same_race_leaves_the_pathway_open(
    temporal_env: WorkflowEnvironment,
    settings: Settings,
    board: Switchboard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The old branch, run live: proof that the test above tells the two apart."""
    answered_no(monkeypatch, CHANGES_DURING_PUBLISH_PATCH)
    client = temporal_env.client
    async with build_worker(client, settings, board.activities()):
        pathways = PathwayClient(client, settings.task_queue)
        pid = await exit_entered_during_a_publish(pathways, board)
        handle = client.get_workflow_handle(pid)
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(asyncio.shield(handle.result()), PROMPTLY)
        state: PathwayState = await pathways.state(pid)
        assert state.closed_at is None
        assert "exited" in board.projected_events(pid)  # published, but never acted on
        await handle.terminate("the old branch never closes it: test over")
