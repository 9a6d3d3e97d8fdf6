"""The `old-*` histories take the branches today's code keeps only for replay, and still pass.

Each was recorded on the commit just before a change (tests/histories/README.md says which).
Passing the replay is not enough to show that the old branch ran: each test also checks
that the history holds no marker for the patch (`workflow.patched()` records a `core_patch`
marker the first time it says yes), that today's workflow asked for it and was told no,
that forcing the new branch onto the history breaks the replay, and that the history
shows what the old code did. Replays run unsandboxed, so that `workflow.patched` can be
watched. The committed histories whose run completed at exit (recorded before
`AFTER_EXIT_PATCH`) are checked the same way for that patch.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory

from parcours.adapters.temporal.converter import data_converter
from parcours.audit.history import read_history_file
from parcours.audit.recording import record_of
from parcours.domain.vocabulary import AlertAudience, AlertRule
from parcours.workflows.messages import PathwayInput, PathwayResult
from parcours.workflows.patches import (
    AFTER_EXIT_PATCH,
    DUE_BEFORE_SLEEP_PATCH,
    FAILURE_ALERTS_PATCH,
)
from parcours.workflows.pathway import RETRY_NOTIFICATION_UPDATE, ParticipantPathway
from tests.histories.record import HERE, history_keyring
from tests.workflows.patch_replay import folded, load, recorded_patches, replay

pytestmark = pytest.mark.asyncio(loop_scope="session")

FAILURE_ALERTS = HERE / "old-failure-alerts.json"
DUE_BEFORE_SLEEP = HERE / "old-due-before-sleep.json"
RETRY_V1 = HERE / "old-retry-notification.json"


async def old_branch_taken(
    history: WorkflowHistory, monkeypatch: pytest.MonkeyPatch, patch_id: str
) -> None:
    """Today's code replays the history only by taking the old side of `patch_id`."""
    assert patch_id not in recorded_patches(history)
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, f"{history.workflow_id}: {result.replay_failure}"
    assert patch_id in told_no
    forced, _ = await replay(history, monkeypatch, yes_to=patch_id)
    assert forced.replay_failure is not None, f"the new side of {patch_id} replays it too"
    assert "nondetermin" in str(forced.replay_failure).lower()


def activities(events: list[HistoryEvent]) -> list[str]:
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]


def update_name(event: HistoryEvent) -> str:
    return event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name


def accepted_updates(events: list[HistoryEvent]) -> list[tuple[int, str]]:
    """(index in `events`, update name) of every accepted update, in order."""
    return [
        (i, update_name(e))
        for i, e in enumerate(events)
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]


async def test_old_failure_alert_is_kept_but_never_handed_to_the_alert_channel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(FAILURE_ALERTS)
    await old_branch_taken(history, monkeypatch, FAILURE_ALERTS_PATCH)
    state = await folded(FAILURE_ALERTS)
    assert "notification_failed" in [e.kind for e in state.timeline]
    (alert,) = state.alerts
    assert (alert.rule, alert.audience) == (
        AlertRule.NOTIFICATION_FAILED,
        AlertAudience.COORDINATOR,
    )
    # Old behaviour: the only alert the pathway raised never reached the alert channel.
    assert "deliver_alerts" not in activities(list(history.events))
    assert "send_notifications" in activities(list(history.events))


async def test_old_sleep_with_an_alert_already_due_leaves_it_unraised_until_woken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(DUE_BEFORE_SLEEP)
    # Today's workflow asks only when something is due as it goes to sleep: it was, and
    # the history answered no.
    await old_branch_taken(history, monkeypatch, DUE_BEFORE_SLEEP_PATCH)
    events = list(history.events)
    updates = accepted_updates(events)
    missed_at = next(i for i, name in updates if name == "miss_appointment")
    woken_at = next(i for i, name in updates if i > missed_at)
    between = events[missed_at:woken_at]
    # Old behaviour: after publishing the missed appointment the workflow slept until the
    # next alert of the future, without delivering the one already due.
    (timer,) = [e for e in between if e.event_type == EventType.EVENT_TYPE_TIMER_STARTED]
    assert timer.timer_started_event_attributes.start_to_fire_timeout.ToTimedelta() > timedelta(
        days=1
    )
    assert "deliver_alerts" not in activities(between)
    assert "deliver_alerts" in activities(events[woken_at:])
    kinds = [(e.kind, e.details.get("rule")) for e in (await folded(DUE_BEFORE_SLEEP)).timeline]
    missed = kinds.index(("appointment_missed", None))
    raised = kinds.index(("alert_raised", AlertRule.APPOINTMENT_MISSED.value))
    assert kinds[missed + 1 : raised] == [("contact_recorded", None)], kinds


@workflow.defn(name="ParticipantPathway")
class FirstRetryUpdateEmptied(ParticipantPathway):
    """A careless change: the update kept for replay only no longer sends anything."""

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        return await super().run(start)

    # The decorator's type names the class it is defined on, hence the ignore.
    @workflow.update(name="retry_notification")
    async def retry_notification(self, key: str) -> int:  # type: ignore[override]
        return 0


async def test_old_retry_notification_update_is_replayed_by_its_kept_handler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = load(RETRY_V1)
    events = list(history.events)
    updates = accepted_updates(events)
    assert [name for _, name in updates].count("retry_notification") == 1
    assert RETRY_NOTIFICATION_UPDATE not in [name for _, name in updates]
    at = next(i for i, name in updates if name == "retry_notification")
    # The old handler sent the failed notification again, and answered that it sent one.
    assert activities(events[at:]) == ["send_notifications"]
    completed = next(
        e.workflow_execution_update_completed_event_attributes
        for e in events[at:]
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
    )
    answer = await data_converter(history_keyring()).decode(
        completed.outcome.success.payloads, [int]
    )
    assert answer == [1]
    # The validator that now refuses every v1 request does not run on replay. Recorded
    # before the failure-alerts patch too, the history also takes that old side.
    result, told_no = await replay(history, monkeypatch)
    assert result.replay_failure is None, result.replay_failure
    assert FAILURE_ALERTS_PATCH in told_no
    # The history holds the kept handler to what it did: emptied, it no longer replays.
    emptied, _ = await replay(history, monkeypatch, workflow_class=FirstRetryUpdateEmptied)
    assert emptied.replay_failure is not None, "the v1 handler's work is not in the history"
    assert "nondetermin" in str(emptied.replay_failure).lower()
    state = await folded(RETRY_V1)
    assert [a.rule for a in state.alerts] == [AlertRule.NOTIFICATION_FAILED]


@pytest.mark.parametrize(
    "name",
    [
        "atp-full-pathway",
        "atp-full-pathway.before-read-model",
        "nouveau-depart-session.before-read-model",
        "retry-during-last-publish",
    ],
)
async def test_runs_that_completed_at_exit_take_the_old_side_of_after_exit(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded before `AFTER_EXIT_PATCH`: the run completed as the pathway exited, unclosed,
    and still does on replay; keeping it open after exit would not replay it."""
    history = load(HERE / f"{name}.json")
    await old_branch_taken(history, monkeypatch, AFTER_EXIT_PATCH)
    last = history.events[-1]
    assert last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
    recorded = await record_of(
        read_history_file(HERE / f"{name}.json"), data_converter(history_keyring())
    )
    final = recorded.final_state
    assert final is not None
    assert (final.stage.value, final.closed_at) == ("exited", None)
