"""The fold: committed histories rebuilt through the pure domain, checked against the record."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from pathlib import Path

import pytest

from parcours.adapters.temporal.converter import data_converter
from parcours.audit.difference import first_difference
from parcours.audit.fold import NotYetReferred, fold, snapshot, trail
from parcours.audit.happened import snapshot_at
from parcours.audit.history import HistoryFileError, parse_history_document, read_history_file
from parcours.audit.recording import Recording, record_of
from parcours.audit.replay import describe_failure
from parcours.domain.vocabulary import AlertRule, AlertStatus, Stage
from tests.histories.record import HERE, history_keyring


async def recording(name: str) -> Recording:
    history = read_history_file(HERE / f"{name}.json")
    return await record_of(history, data_converter(history_keyring()))


@pytest.mark.asyncio(loop_scope="session")
async def test_fold_rebuilds_the_state_the_workflow_returned() -> None:
    full = await recording("atp-full-pathway")
    assert full.final_state is not None
    folded = fold(full)
    assert folded.pathway.state == full.final_state
    assert folded.discrepancies == []
    # Every event is traced to the history event that carries it.
    assert sorted(folded.sources) == list(range(1, full.final_state.next_seq))
    assert folded.sources[1].event_id == 1


@pytest.mark.asyncio(loop_scope="session")
async def test_fold_agrees_with_every_recorded_answer() -> None:
    for name in ("atp-full-pathway", "atp-open-suspended"):
        folded = fold(await recording(name))
        assert folded.discrepancies == [], name


@pytest.mark.asyncio(loop_scope="session")
async def test_snapshot_at_an_instant_between_tasks() -> None:
    full = await recording("atp-full-pathway")
    entries = trail(full).entries
    suspended = next(e.event for e in entries if e.event.kind == "suspended")
    resumed = next(e.event for e in entries if e.event.kind == "resumed")
    assert suspended.at < resumed.at
    at_suspension = snapshot(full, suspended.at)
    assert at_suspension.state.stage is Stage.SUSPENDED
    assert at_suspension.last_event is not None
    assert at_suspension.last_event.reason == "hospitalised"
    assert at_suspension.state.outcome is None
    assert not at_suspension.projected
    just_before = snapshot(full, suspended.at - timedelta(microseconds=1))
    assert just_before.state.stage is Stage.COACHING
    with pytest.raises(NotYetReferred):
        snapshot(full, full.tasks[0].at - timedelta(seconds=1))


@pytest.mark.asyncio(loop_scope="session")
async def test_alerts_after_the_history_ends_are_projected_at_their_due_instants() -> None:
    open_pathway = await recording("atp-open-suspended")
    assert open_pathway.still_open
    at_end = snapshot(open_pathway, open_pathway.recorded_until)
    later = snapshot(open_pathway, open_pathway.recorded_until + timedelta(days=60))
    assert not at_end.projected
    assert later.projected
    new = [
        a for a in later.open_alerts if a.alert_id not in {x.alert_id for x in at_end.open_alerts}
    ]
    assert new
    for alert in new:
        assert alert.status is AlertStatus.OPEN
        assert open_pathway.recorded_until < alert.raised_at
        assert alert.raised_at <= open_pathway.recorded_until + timedelta(days=60)
        assert alert.due_at <= alert.raised_at
        if alert.due_at > open_pathway.recorded_until:  # due later: raised at its instant
            assert alert.raised_at - alert.due_at <= timedelta(seconds=1)
        else:  # overdue when the loop went to sleep: raised when it next wakes, as it would be
            assert alert.raised_at == min(a.raised_at for a in new)
    assert any(a.rule is AlertRule.ALERT_UNACKNOWLEDGED for a in new)


@pytest.mark.asyncio(loop_scope="session")
async def test_a_final_state_that_disagrees_is_reported_with_the_field() -> None:
    full = await recording("atp-full-pathway")
    assert full.final_state is not None
    altered = dataclasses.replace(full.final_state, referent="someone-else")
    folded = fold(dataclasses.replace(full, final_state=altered))
    assert [d.kind for d in folded.discrepancies] == ["result"]
    assert "state.referent: recorded 'someone-else', folded 'staff-7f3a'" in (
        folded.discrepancies[0].detail
    )


def test_first_difference_names_the_path() -> None:
    assert first_difference([1, {"a": 2}], [1, {"a": 3}], "x") == "x[1]['a']: recorded 2, folded 3"
    assert first_difference([1], [1, 2], "x") == "x: 1 recorded, 2 folded"


def test_replay_failure_sentence_and_event() -> None:
    failure = RuntimeError(
        'Workflow activation completion failed: Failure { failure: Some(Failure { message: "'
        "[TMPRL1100] Nondeterminism error: UpsertWorkflowSearchAttributesMachine does not "
        'handle HistoryEvent(id: 7, ActivityTaskScheduled)", source: "" }) }'
    )
    event_id, event_type, message = describe_failure(failure)
    assert (event_id, event_type) == (7, "ActivityTaskScheduled")
    assert message.startswith("[TMPRL1100] Nondeterminism error")


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        ([], "shape"),
        ({"nothing": 1}, "shape"),
        ({"events": []}, "no_events"),
        ({"events": [{"eventId": "one", "eventType": "EVENT_TYPE_TIMER_FIRED"}]}, "bad_event"),
        (
            {"events": [{"eventId": "1", "eventType": "EVENT_TYPE_WORKFLOW_TASK_SCHEDULED"}]},
            "not_started",
        ),
        ({"format": "parcours-history/1", "runs": []}, "shape"),
    ],
)
def test_files_that_hold_no_history_are_named(document: object, reason: str) -> None:
    with pytest.raises(HistoryFileError) as caught:
        parse_history_document(document, "f.json")
    assert caught.value.reason == reason


def test_our_export_and_temporal_format_hold_the_same_events(tmp_path: Path) -> None:
    temporal = read_history_file(HERE / "atp-open-suspended.json")
    ours = tmp_path / "export.json"
    ours.write_text(
        json.dumps(
            {
                "format": "parcours-history/1",
                "workflowId": "pathway-0000000000000000",
                "runs": [{"runId": r.run_id, **r.to_json_dict()} for r in temporal.runs],
            }
        ),
        encoding="utf-8",
    )
    again = read_history_file(ours)
    assert again.workflow_id == "pathway-0000000000000000"
    assert [list(r.events) for r in again.runs] == [list(r.events) for r in temporal.runs]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("name", ["retry-during-last-publish", "retry-failure-published-at-once"])
async def test_fold_repeats_the_failure_a_retry_recorded(name: str) -> None:
    """A failure reported to a retry update is rebuilt as the workflow recorded it."""
    recorded = await recording(name)
    folded = fold(recorded)
    assert folded.discrepancies == []
    if recorded.final_state is not None:
        assert folded.pathway.state == recorded.final_state
    (failure,) = [e for e in folded.pathway.state.timeline if e.kind == "notification_failed"]
    assert failure.request_id.startswith("notification-failed:")
    at_end = snapshot(recorded, recorded.recorded_until)
    assert AlertRule.NOTIFICATION_FAILED in [a.rule for a in at_end.open_alerts]


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("name", ["atp-after-exit", "atp-after-exit.before-effective-instants"])
async def test_fold_closes_an_exited_pathway_where_the_workflow_did(name: str) -> None:
    """`atp-after-exit`: commands after exit, then the closing at the end of retention;
    as recorded and as it happened, the pathway closes at the same instant."""
    kept = await recording(name)
    assert kept.final_state is not None
    assert kept.final_state.closed_at is not None
    folded = fold(kept)
    assert folded.discrepancies == []
    assert folded.pathway.state == kept.final_state
    closing = folded.pathway.state.timeline[-1]
    assert closing.kind == "pathway_closed"
    assert closing.seq in folded.sources
    before = snapshot(kept, closing.at - timedelta(seconds=1))
    assert before.state.closed_at is None
    assert [a.rule.value for a in before.open_alerts] == ["alert_unacknowledged"]
    assert snapshot(kept, closing.at).open_alerts == []
    for as_recorded in (False, True):
        just_before = snapshot_at(kept, closing.at - timedelta(seconds=1), as_recorded=as_recorded)
        assert just_before.state.closed_at is None
        at_closing = snapshot_at(kept, closing.at, as_recorded=as_recorded)
        assert at_closing.state.closed_at == closing.at
        assert at_closing.open_alerts == []
