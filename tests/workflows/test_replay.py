"""Replay of every committed history against today's code (non-determinism fails here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow

from parcours.domain.commands import Command, CorrectEvent
from parcours.workflows.messages import AlertDelivery, Notification, PathwayInput, PathwayResult
from parcours.workflows.pathway import ParticipantPathway
from tests.histories.record import HERE
from tests.workflows.patch_replay import load, replayer_for

HISTORIES = sorted(HERE.glob("*.json"))
HISTORIES = [p for p in HISTORIES if p.name != "keys.json"]


def test_histories_are_committed() -> None:
    assert len(HISTORIES) >= 3, "run `make histories` and commit tests/histories/*.json"


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_committed_history_replays(path: Path) -> None:
    result = await replayer_for(ParticipantPathway).replay_workflow(
        load(path), raise_on_replay_failure=False
    )
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


@workflow.defn(name="ParticipantPathway")
class AlertsNoLongerDelivered(ParticipantPathway):
    """A careless change: alerts are no longer handed to their activity, without a patch."""

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        return await super().run(start)

    async def _deliver(self, delivery: AlertDelivery) -> None:
        return None


@workflow.defn(name="ParticipantPathway")
class PartnersNoLongerTold(ParticipantPathway):
    """A careless change: partner messages are no longer started, without a patch."""

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        return await super().run(start)

    def _deliver_in_background(self, notifications: list[Notification]) -> None:
        return None


CARELESS = [
    # One history of each side of `DECOUPLED_PUBLISH_PATCH`.
    (AlertsNoLongerDelivered, "atp-full-pathway.json"),
    (AlertsNoLongerDelivered, "undelivered-then-sent.json"),
    (PartnersNoLongerTold, "partners-in-the-background.json"),
]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize(("changed", "name"), CARELESS, ids=[n for _, n in CARELESS])
async def test_a_changed_workflow_is_caught_by_replay(changed: type, name: str) -> None:
    # Defined in a test module, the changed class is replayed outside the sandbox.
    result = await replayer_for(changed, sandboxed=False).replay_workflow(
        load(HERE / name), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()
    control = await replayer_for(ParticipantPathway, sandboxed=False).replay_workflow(
        load(HERE / name), raise_on_replay_failure=False
    )
    assert control.replay_failure is None, "the unchanged workflow must replay the same way"


@workflow.defn(name="ParticipantPathway")
class WithoutCorrections(ParticipantPathway):
    """The workflow as it was before corrections: no `correct_event` update."""

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        return await super().run(start)

    def _register(self, command_type: type[Command]) -> None:
        if command_type is not CorrectEvent:
            super()._register(command_type)


@pytest.mark.asyncio(loop_scope="session")
async def test_the_corrected_history_needs_the_correction_update() -> None:
    """`atp-corrected.json` takes the correction branch: without its update handler (no
    patch guards it: histories recorded before it never sent one), it does not replay."""
    history = load(HERE / "atp-corrected.json")
    result = await replayer_for(WithoutCorrections, sandboxed=False).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()
    control = await replayer_for(ParticipantPathway, sandboxed=False).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert control.replay_failure is None


@pytest.mark.asyncio(loop_scope="session")
async def test_a_void_undone_replays_and_its_drop_out_counts_again() -> None:
    """`atp-void-undone.json`: a drop-out voided, the void voided (undone), then a
    re-entry, which only a pathway that dropped out accepts."""
    from parcours.domain.commands.corrections import as_it_stands
    from tests.workflows.patch_replay import folded

    state = await folded(HERE / "atp-void-undone.json")
    kinds = [e.kind for e in state.timeline]
    assert kinds.count("event_voided") == 2
    assert [e.kind for e in as_it_stands(state.timeline)][-2:] == ["dropped_out", "reentered"]
