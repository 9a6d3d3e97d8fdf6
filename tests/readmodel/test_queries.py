"""What staff list and count from the read model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from parcours.adapters.readmodel import AlertView, ParticipantView, Store
from parcours.domain.vocabulary import AlertStatus, Stage
from tests.readmodel.builders import alert, batch, event
from tests.support import T0


@pytest.fixture
def populated(store: Store) -> Store:
    store.project(batch("p-1", stage=Stage.REFERRED, referent="staff-a", alerts=[alert()]))
    store.project(
        batch(
            "p-2",
            last_seq=3,
            stage=Stage.TRAINING,
            referent="staff-b",
            next_alert_at=T0 + timedelta(days=30),
            events=[event(3, "training_enrolled", Stage.TRAINING)],
            alerts=[alert("training_ending:t1:20260210T0900", due_at=T0 + timedelta(days=36))],
        )
    )
    store.project(
        batch(
            "p-3",
            stage=Stage.TRAINING,
            programme="nouveau-depart",
            referent="staff-a",
            next_alert_at=T0 + timedelta(days=3),
        )
    )
    return store


def _ids(rows: Sequence[ParticipantView | AlertView]) -> list[str]:
    return [r.pathway_id for r in rows]


def test_participants_filter_by_programme_stage_referent_and_alert_date(populated: Store) -> None:
    assert _ids(populated.list_participants()) == ["p-1", "p-2", "p-3"]
    assert _ids(populated.list_participants(programme="nouveau-depart")) == ["p-3"]
    assert _ids(populated.list_participants(stage=Stage.TRAINING)) == ["p-2", "p-3"]
    assert _ids(populated.list_participants(referent="staff-a")) == ["p-1", "p-3"]
    assert _ids(populated.list_participants(alert_due_before=T0 + timedelta(days=10))) == ["p-3"]
    assert _ids(
        populated.list_participants(programme="atp-cergy", stage=Stage.TRAINING, referent="staff-b")
    ) == ["p-2"]


def test_an_unknown_pathway_has_no_summary_and_no_timeline(populated: Store) -> None:
    assert populated.get_participant("nope") is None
    assert populated.timeline("nope") == []


def test_alerts_filter_by_referent_and_status_in_due_order(populated: Store) -> None:
    every = populated.alerts()
    assert [(a.pathway_id, a.referent, a.programme) for a in every] == [
        ("p-1", "staff-a", "atp-cergy"),
        ("p-2", "staff-b", "atp-cergy"),
    ]
    assert _ids(populated.alerts(referent="staff-b")) == ["p-2"]
    assert _ids(populated.alerts(status=AlertStatus.OPEN)) == ["p-1", "p-2"]
    assert populated.alerts(status=AlertStatus.SNOOZED) == []
    assert _ids(populated.alerts(pathway_id="p-1")) == ["p-1"]


def test_stage_counts_per_programme(populated: Store) -> None:
    assert populated.stage_counts() == {
        "atp-cergy": {Stage.REFERRED: 1, Stage.TRAINING: 1},
        "nouveau-depart": {Stage.TRAINING: 1},
    }
    assert populated.stage_counts("nouveau-depart") == {"nouveau-depart": {Stage.TRAINING: 1}}
