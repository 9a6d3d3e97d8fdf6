"""Replaying committed histories: loading one, a replayer for today's workflows, and a
replay with one patch answered as the test chooses.

Shared by every replay test (`test_replay*.py`, `test_refused_start_history.py`). A
replay that watches `workflow.patched` runs unsandboxed, so that the very module the
workflow calls can be patched.
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
from parcours.worker import workflow_runner
from parcours.workflows.pathway import ParticipantPathway
from tests.histories.record import history_keyring

PATCH_MARKER = "core_patch"
"""The marker temporalio records for `workflow.patched()`; its details name the id."""

ORIGINAL_PATCHED = workflow.patched


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


def replayer_for(*workflow_classes: type, sandboxed: bool = True) -> Replayer:
    """A replayer for today's workflow classes with the histories' keys. A class defined in
    a test module cannot be loaded in the sandbox: it replays with `sandboxed=False`."""
    return Replayer(
        workflows=list(workflow_classes),
        data_converter=data_converter(history_keyring()),
        workflow_runner=workflow_runner() if sandboxed else UnsandboxedWorkflowRunner(),
    )


def recorded_patches(history: WorkflowHistory) -> set[str]:
    """The patch ids the history holds a marker for: the ones the workflow was told yes."""
    return {
        json.loads(e.marker_recorded_event_attributes.details["patch-data"].payloads[0].data)["id"]
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        and e.marker_recorded_event_attributes.marker_name == PATCH_MARKER
    }


async def replay(
    history: WorkflowHistory,
    monkeypatch: pytest.MonkeyPatch,
    *,
    no_to: str = "",
    yes_to: str = "",
    workflow_class: type = ParticipantPathway,
) -> tuple[WorkflowReplayResult, set[str]]:
    """Replay with today's code, unsandboxed so that `workflow.patched` can be watched: the
    result, and the patch ids asked for and told no. With `no_to`, that patch is answered
    no whatever the history says (the new side removed); with `yes_to`, yes (today's new
    side forced onto an old history)."""
    told_no: set[str] = set()

    def spy(patch_id: str) -> bool:
        if patch_id == yes_to:
            return True
        answer = patch_id != no_to and ORIGINAL_PATCHED(patch_id)
        if not answer:
            told_no.add(patch_id)
        return answer

    monkeypatch.setattr(workflow, "patched", spy)
    replayer = replayer_for(workflow_class, sandboxed=False)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    return result, told_no


async def folded(path: Path) -> PathwayState:
    recording = await record_of(read_history_file(path), data_converter(history_keyring()))
    result = fold(recording)
    assert result.discrepancies == [], path.name
    return result.pathway.state


async def takes_the_new_side(path: Path, patch_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history holds `patch_id`'s marker, replays with today's code, and fails to
    replay, on a non-determinism, once the patch is answered no."""
    history = load(path)
    assert patch_id in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert patch_id not in told_no
    removed, _ = await replay(history, monkeypatch, no_to=patch_id)
    assert removed.replay_failure is not None, f"{path.name} replays without the new side"
    assert "nondetermin" in str(removed.replay_failure).lower()


async def keeps_the_old_side(path: Path, patch_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The history holds no marker of `patch_id`, replays with today's code (asked, told
    no), and fails to replay once the new side is forced on it."""
    history = load(path)
    assert patch_id not in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert patch_id in told_no
    forced, _ = await replay(history, monkeypatch, yes_to=patch_id)
    assert forced.replay_failure is not None, f"{path.name} took the new side"
