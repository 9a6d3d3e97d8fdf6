"""The committed job-dating histories replay against today's code, and a careless change
to what the event does (the reminder no longer sent, without a patch) fails to replay.
The event entered after the fact takes `JOBDATING_DATED_PATCH`'s new branch: without it,
it fails to replay, while the event recorded before the patch replays the same. The event
whose failed invitation was sent again takes the `retry_message` update (no patch: no
earlier history sent it), and fails to replay when that update no longer sends."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory

from parcours.domain.jobdating import JobDatingEvent
from parcours.domain.records import RequestMeta
from parcours.workflows.jobdating import JobDatingWorkflow
from parcours.workflows.jobdating_messages import JobDatingInput
from parcours.workflows.patches import (
    HANDED_WITH_SIGNATURE_PATCH,
    JOBDATING_LATE_INVITATION_PATCH,
    SIGNED_JOBDATING_PATCH,
)
from tests.histories.record_jobdating import JOBDATING_HISTORIES
from tests.workflows.patch_replay import load, recorded_patches, replay, replayer_for

HISTORIES = sorted(JOBDATING_HISTORIES.glob("*.json"))


def test_a_jobdating_history_is_committed() -> None:
    assert [p.name for p in HISTORIES] == [
        "jobdating-entered-after-the-fact.json",
        "jobdating-event.json",
        "jobdating-invited-after-the-day.json",
        "jobdating-message-retried.json",
        "jobdating-plan-refused.json",
        "jobdating-plan-signed.json",
        "jobdating-signed.json",
    ]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_committed_jobdating_history_replays(path: Path) -> None:
    result = await replayer_for(JobDatingWorkflow).replay_workflow(
        load(path), raise_on_replay_failure=False
    )
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


async def needs_its_branch(
    history: WorkflowHistory, patch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`history` holds `patch`'s marker, replays with today's code, and fails to replay once
    the patch's new branch is taken away (answered no whatever the history says)."""
    assert patch in recorded_patches(history)
    taken, _ = await replay(history, monkeypatch, workflow_class=JobDatingWorkflow)
    assert taken.replay_failure is None, taken.replay_failure
    without, told_no = await replay(
        history, monkeypatch, no_to=patch, workflow_class=JobDatingWorkflow
    )
    assert patch in told_no
    assert without.replay_failure is not None


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
    result = await replayer_for(RemindersDropped, sandboxed=False).replay_workflow(
        load(JOBDATING_HISTORIES / "jobdating-event.json"), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()


@workflow.defn(name="JobDating")
class Undated(JobDatingWorkflow):
    """`JOBDATING_DATED_PATCH`'s new branch taken away: requests judged at the clock."""

    @workflow.run
    async def run(self, start: JobDatingInput) -> JobDatingEvent:
        self._dated = False
        self._event.entered_at = None
        return await super().run(start)


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize(
    ("name", "fails"), [("jobdating-entered-after-the-fact", True), ("jobdating-event", False)]
)
async def test_the_dated_history_takes_the_patch_and_the_old_one_does_not(
    name: str, fails: bool
) -> None:
    result = await replayer_for(Undated, sandboxed=False).replay_workflow(
        load(JOBDATING_HISTORIES / f"{name}.json"), raise_on_replay_failure=False
    )
    assert (result.replay_failure is not None) is fails, result.replay_failure


async def test_the_signed_recording_hands_on_its_signature_only_with_the_new_branch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`jobdating-signed.json` (a recording signed by a staff member, recorded by
    `tests.histories.record`) takes `HANDED_WITH_SIGNATURE_PATCH`; the older
    `jobdating-event.json` does not, and both replay."""
    signed = load(JOBDATING_HISTORIES / "jobdating-signed.json")
    older = load(JOBDATING_HISTORIES / "jobdating-event.json")
    assert HANDED_WITH_SIGNATURE_PATCH not in recorded_patches(older)
    await needs_its_branch(signed, HANDED_WITH_SIGNATURE_PATCH, monkeypatch)


PLANS_CHECKED = ["jobdating-plan-signed", "jobdating-plan-refused"]
SIGNED_SINCE = [*PLANS_CHECKED, "jobdating-invited-after-the-day"]
"""Every event recorded since `SIGNED_JOBDATING_PATCH` holds its marker."""


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("name", PLANS_CHECKED)
async def test_a_checked_plan_replays_only_with_the_new_branch(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The events started since `SIGNED_JOBDATING_PATCH` (a signed plan that ran, an
    unsigned one that failed at its start) keep the check's verdict as a marker and fail
    to replay without the branch; no older job-dating history holds the patch."""
    history = load(JOBDATING_HISTORIES / f"{name}.json")
    await needs_its_branch(history, SIGNED_JOBDATING_PATCH, monkeypatch)
    older = [p for p in HISTORIES if p.stem not in SIGNED_SINCE]
    assert all(SIGNED_JOBDATING_PATCH not in recorded_patches(load(p)) for p in older)


@workflow.defn(name="JobDating")
class RetrySendsNothing(JobDatingWorkflow):
    """The `retry_message` update changed carelessly: it no longer sends the message."""

    @workflow.run
    async def run(self, start: JobDatingInput) -> JobDatingEvent:
        return await super().run(start)

    @workflow.update
    async def retry_message(self, meta: RequestMeta, key: str) -> int:  # type: ignore[override]
        return 0


@pytest.mark.asyncio(loop_scope="session")
async def test_the_retried_message_history_takes_the_retry_update() -> None:
    history = load(JOBDATING_HISTORIES / "jobdating-message-retried.json")
    result = await replayer_for(RetrySendsNothing, sandboxed=False).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is not None


async def test_an_invitation_after_the_day_sends_nothing_only_with_the_new_branch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`jobdating-invited-after-the-day.json` (the walk of the entered-after-the-fact event,
    recorded since `JOBDATING_LATE_INVITATION_PATCH`) records its invitation without
    sending: it holds the marker and fails to replay without the branch. The same walk
    recorded before it sent the invitation and holds no marker; it replays as it ran."""
    late = load(JOBDATING_HISTORIES / "jobdating-invited-after-the-day.json")
    before = load(JOBDATING_HISTORIES / "jobdating-entered-after-the-fact.json")
    assert JOBDATING_LATE_INVITATION_PATCH not in recorded_patches(before)
    await needs_its_branch(late, JOBDATING_LATE_INVITATION_PATCH, monkeypatch)
    old, _ = await replay(before, monkeypatch, workflow_class=JobDatingWorkflow)
    assert old.replay_failure is None, old.replay_failure
