"""What a rebuild writes: a pathway replaced in one go, the pathways gone dropped at the end.

Same on SQLite and on PostgreSQL; the outbox is never touched.
"""

from __future__ import annotations

from sqlalchemy import delete

from parcours.adapters.readmodel import Store
from parcours.adapters.readmodel.tables import ParticipantRow
from parcours.domain.vocabulary import AlertStatus, Stage
from tests.readmodel.builders import alert, batch, event, notification

REF, WORK = Stage.REFERRED, Stage.BARRIER_WORK


def test_a_replaced_pathway_holds_exactly_what_the_batch_says(store: Store) -> None:
    # What the projection held: a wrong stage, an event the pathway never had, an alert.
    store.project(
        batch(last_seq=3, stage=WORK, events=[event(1, "referred", REF), event(3, "x", WORK)])
    )
    store.project(batch(last_seq=4, stage=WORK, events=[], alerts=[alert()]))

    assert store.replace_pathway(
        batch(last_seq=4, stage=REF, events=[event(1, "referred", REF), event(2, "y", REF)])
    )

    row = store.get_participant("pathway-0001")
    assert row is not None
    assert (row.stage, row.last_seq) == (REF, 4)
    assert [(e.seq, e.kind) for e in store.timeline("pathway-0001")] == [(1, "referred"), (2, "y")]
    assert store.alerts() == []


def test_a_newer_summary_written_meanwhile_is_kept(store: Store) -> None:
    newer = batch(
        last_seq=3,
        stage=WORK,
        events=[event(3, "intake_completed", WORK)],
        alerts=[alert(status=AlertStatus.ACKNOWLEDGED)],
    )
    store.project(newer)

    rebuilt = batch(
        last_seq=2,
        stage=REF,
        events=[event(1, "referred", REF), event(2, "x", REF)],
        alerts=[alert()],
    )
    assert not store.replace_pathway(rebuilt)

    row = store.get_participant("pathway-0001")
    assert row is not None
    assert (row.stage, row.last_seq) == (WORK, 3)
    assert [e.seq for e in store.timeline("pathway-0001")] == [1, 2, 3]
    assert [a.status for a in store.alerts()] == [AlertStatus.ACKNOWLEDGED]


def test_a_pathway_the_projection_never_saw_is_added(store: Store) -> None:
    assert store.replace_pathway(batch("pathway-0002", alerts=[alert()]))
    assert store.projected_pathway_ids() == {"pathway-0002"}
    assert [a.pathway_id for a in store.alerts()] == ["pathway-0002"]


def test_removed_pathways_leave_no_row_but_keep_their_outbox(store: Store) -> None:
    store.project(batch("pathway-0001", alerts=[alert()]))
    store.project(batch("pathway-0002"))
    store.claim(notification("pathway-0001:5:referrer"), "pathway-0001", "email")
    # Rows without a summary count too: an orphan event is a pathway the projection holds.
    store.project(batch("pathway-0003"))
    with store.engine.begin() as conn:
        conn.execute(delete(ParticipantRow).where(ParticipantRow.pathway_id == "pathway-0003"))
    assert store.projected_pathway_ids() == {"pathway-0001", "pathway-0002", "pathway-0003"}

    store.remove_pathways(["pathway-0001", "pathway-0003", "pathway-9999"])

    assert store.projected_pathway_ids() == {"pathway-0002"}
    assert [p.pathway_id for p in store.list_participants()] == ["pathway-0002"]
    assert store.alerts() == []
    assert [n.key for n in store.notifications()] == ["pathway-0001:5:referrer"]


def test_removing_many_pathways_at_once(store: Store) -> None:
    ids = [f"pathway-{n:04d}" for n in range(1200)]
    for pathway_id in ids[:3]:
        store.project(batch(pathway_id))
    store.remove_pathways(ids)
    assert store.projected_pathway_ids() == set()
