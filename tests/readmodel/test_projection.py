"""Projecting pathway batches: idempotent, ordered by sequence, same on both databases."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import StatementError

from parcours.adapters.readmodel import Store
from parcours.domain.vocabulary import AlertStatus, ExitReason, Stage
from tests.readmodel.builders import alert, batch, event, exited
from tests.support import T0

REF = Stage.REFERRED


def test_a_first_batch_creates_the_summary_its_events_and_alerts(store: Store) -> None:
    assert store.project(batch(alerts=[alert()]))

    row = store.get_participant("pathway-0001")
    assert row is not None
    assert (row.programme, row.stage, row.last_seq) == ("atp-cergy", Stage.REFERRED, 1)
    assert [e.kind for e in store.timeline("pathway-0001")] == ["referred"]
    assert [a.alert_id for a in store.alerts()] == ["intake_overdue:intake:20260112T0900"]


def test_the_same_batch_twice_changes_nothing(store: Store) -> None:
    b = batch(last_seq=2, events=[event(1, "referred", REF), event(2, "x", REF)])
    assert store.project(b)
    first = store.get_participant("pathway-0001")

    assert not store.project(b)

    assert store.get_participant("pathway-0001") == first
    assert [e.seq for e in store.timeline("pathway-0001")] == [1, 2]


def test_an_older_batch_after_a_newer_one_keeps_the_newer_summary(store: Store) -> None:
    older = batch(last_seq=1, stage=Stage.REFERRED, alerts=[alert()])
    newer = batch(
        last_seq=2,
        stage=Stage.BARRIER_WORK,
        events=[event(2, "intake_completed", Stage.BARRIER_WORK)],
        alerts=[alert(status=AlertStatus.ACKNOWLEDGED)],
    )
    assert store.project(newer)

    assert not store.project(older)

    row = store.get_participant("pathway-0001")
    assert row is not None
    assert (row.stage, row.last_seq) == (Stage.BARRIER_WORK, 2)
    assert [a.status for a in store.alerts()] == [AlertStatus.ACKNOWLEDGED]
    # Events are immutable facts: the late batch fills the gap in the timeline.
    assert [e.seq for e in store.timeline("pathway-0001")] == [1, 2]


def test_replaying_every_batch_after_a_clear_rebuilds_the_same_read_model(store: Store) -> None:
    batches = [
        batch(last_seq=1, alerts=[alert()]),
        batch(last_seq=2, stage=Stage.BARRIER_WORK, events=[event(2, "i", Stage.BARRIER_WORK)]),
        batch(last_seq=3, stage=Stage.CONTRACTED, events=[event(3, "c", Stage.CONTRACTED)]),
    ]
    for b in batches:
        store.project(b)
    before = (store.get_participant("pathway-0001"), store.timeline("pathway-0001"))

    store.clear()
    assert store.list_participants() == []
    assert store.timeline("pathway-0001") == []
    assert [store.project(b) for b in batches] == [True, True, True]
    assert [store.project(b) for b in batches] == [False, False, False]

    after = (store.get_participant("pathway-0001"), store.timeline("pathway-0001"))
    assert after[1] == before[1]
    assert after[0] is not None
    assert before[0] is not None
    assert replace(after[0], updated_at=before[0].updated_at) == before[0]


def test_events_are_never_duplicated_nor_rewritten(store: Store) -> None:
    store.project(batch(last_seq=2, events=[event(1, "referred", REF), event(2, "a", REF)]))
    overlapping = batch(last_seq=3, events=[event(2, "rewritten", REF), event(3, "b", REF)])

    assert store.project(overlapping)

    assert [(e.seq, e.kind) for e in store.timeline("pathway-0001")] == [
        (1, "referred"),
        (2, "a"),
        (3, "b"),
    ]


def test_alert_status_follows_the_pathway(store: Store) -> None:
    store.project(batch(last_seq=1, alerts=[alert()]))
    snoozed = replace(alert(status=AlertStatus.SNOOZED), snoozed_until=T0 + timedelta(days=9))
    store.project(batch(last_seq=2, events=[], alerts=[snoozed]))
    assert [(a.status, a.snoozed_until) for a in store.alerts()] == [
        (AlertStatus.SNOOZED, T0 + timedelta(days=9))
    ]

    handled = replace(
        alert(status=AlertStatus.ACKNOWLEDGED),
        handled_by="staff-7f3a",
        handled_at=T0 + timedelta(days=8),
    )
    store.project(batch(last_seq=3, events=[], alerts=[handled]))

    (view,) = store.alerts()
    assert (view.status, view.handled_by, view.handled_at) == (
        AlertStatus.ACKNOWLEDGED,
        "staff-7f3a",
        T0 + timedelta(days=8),
    )
    assert store.alerts(status=AlertStatus.OPEN) == []


def test_the_same_alert_id_on_two_pathways_stays_two_alerts(store: Store) -> None:
    store.project(batch("pathway-a", alerts=[alert()]))
    store.project(batch("pathway-b", alerts=[alert(status=AlertStatus.ACKNOWLEDGED)]))

    statuses = {a.pathway_id: a.status for a in store.alerts()}
    assert statuses == {"pathway-a": AlertStatus.OPEN, "pathway-b": AlertStatus.ACKNOWLEDGED}


def test_an_exit_records_its_typed_outcome(store: Store) -> None:
    at = T0 + timedelta(days=400)
    store.project(exited(batch(last_seq=9), at))

    row = store.get_participant("pathway-0001")
    assert row is not None
    assert (row.stage, row.outcome_reason, row.outcome_positive, row.exited_at) == (
        Stage.EXITED,
        ExitReason.EMPLOYMENT,
        True,
        at,
    )


def test_instants_come_back_aware_and_in_utc(store: Store) -> None:
    paris = datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Paris"))
    b = replace(batch(), stage_since=paris, next_alert_at=paris + timedelta(hours=1))
    store.project(b)

    row = store.get_participant("pathway-0001")
    assert row is not None
    assert row.stage_since == paris
    assert row.stage_since.tzinfo is UTC
    assert row.next_alert_at is not None
    assert row.next_alert_at.tzinfo is UTC
    assert row.next_alert_at - row.stage_since == timedelta(hours=1)
    assert all(e.at.tzinfo is UTC for e in store.timeline("pathway-0001"))
    assert row.updated_at.tzinfo is UTC


def test_a_naive_datetime_is_refused(store: Store) -> None:
    with pytest.raises(StatementError, match="aware"):
        store.project(replace(batch(), stage_since=datetime(2026, 1, 5, 9, 0)))
    assert store.list_participants() == []


def test_concurrent_batches_in_any_order_end_at_the_newest(store: Store) -> None:
    stages = [Stage.REFERRED, Stage.BARRIER_WORK, Stage.CONTRACTED, Stage.COACHING]
    batches = [
        batch(last_seq=n, stage=stages[n % 4], events=[event(n, f"e{n}", stages[n % 4])])
        for n in range(1, 25)
    ]
    random.Random(7).shuffle(batches)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(store.project, batches))

    row = store.get_participant("pathway-0001")
    assert row is not None
    assert (row.last_seq, row.stage) == (24, stages[0])
    assert [e.seq for e in store.timeline("pathway-0001")] == list(range(1, 25))


def test_a_resolved_alert_is_kept_with_its_status(store: Store) -> None:
    """An alert the pathway resolved by itself stays in the read model, marked resolved."""
    store.project(batch(last_seq=1, alerts=[alert()]))
    resolved = replace(
        alert(status=AlertStatus.RESOLVED), handled_by="parcours", handled_at=T0 + timedelta(days=2)
    )
    store.project(batch(last_seq=2, events=[], alerts=[resolved]))
    (view,) = store.alerts(status=AlertStatus.RESOLVED)
    assert (view.status, view.handled_by, view.handled_at) == (
        AlertStatus.RESOLVED,
        "parcours",
        T0 + timedelta(days=2),
    )
    assert store.alerts(status=AlertStatus.OPEN) == []
