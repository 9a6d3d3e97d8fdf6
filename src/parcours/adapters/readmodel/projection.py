"""Writing the projection: batches ordered by the pathway's event sequence, safe to repeat.

The summary row and the alerts move only forward: a batch whose `last_seq` is not above
the stored one leaves them untouched, so a retried or replayed activity is harmless and
an old batch arriving late cannot undo a newer one. Events are immutable facts keyed by
(pathway, seq), so they are inserted if absent whatever the batch's age: a late batch
can only fill a gap in the timeline, never rewrite it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from parcours.adapters.readmodel.database import Database
from parcours.adapters.readmodel.dialects import insert
from parcours.adapters.readmodel.rows import column_values
from parcours.adapters.readmodel.tables import AlertRow, ParticipantRow, TimelineRow
from parcours.domain.commands import CORRECTION_EVENTS
from parcours.domain.records import PathwayEvent
from parcours.workflows.summaries import ProjectionBatch

IDS_PER_STATEMENT = 500
"""Ids bound in one `IN (...)`: well below SQLite's limit on bound parameters."""

PROJECTED = (TimelineRow, AlertRow, ParticipantRow)
"""The projection's tables, children first; the outbox and the partners are not part of it."""


def summary_values(batch: ProjectionBatch, now: datetime) -> dict[str, Any]:
    outcome = batch.outcome
    return column_values(
        ParticipantRow,
        batch,
        outcome_reason=outcome.reason if outcome else None,
        outcome_positive=outcome.positive if outcome else None,
        exited_at=outcome.exited_at if outcome else None,
        updated_at=now,
    )


def _advance_summary(conn: Connection, batch: ProjectionBatch, now: datetime) -> bool:
    values = summary_values(batch, now)
    stmt = insert(conn, ParticipantRow).values(values)
    upsert = stmt.on_conflict_do_update(
        index_elements=[ParticipantRow.pathway_id],
        set_={name: stmt.excluded[name] for name in values if name != "pathway_id"},
        where=ParticipantRow.last_seq < stmt.excluded.last_seq,
    ).returning(ParticipantRow.last_seq)
    # A row comes back only when it was inserted or moved forward.
    return conn.execute(upsert).first() is not None


def correction_columns(event: PathwayEvent) -> dict[str, Any]:
    """What a correction event names, typed for the report's SQL: the event it corrects
    and, for a restatement, the instant it restates."""
    if event.kind not in CORRECTION_EVENTS:
        return {"corrects_seq": None, "restated_at": None}
    restated = event.details.get("restated_at") or None
    return {
        "corrects_seq": int(event.details["seq"]),
        "restated_at": datetime.fromisoformat(restated) if restated else None,
    }


def _add_events(conn: Connection, batch: ProjectionBatch) -> None:
    if not batch.events:
        return
    rows = [
        column_values(
            TimelineRow,
            e,
            pathway_id=batch.pathway_id,
            details={str(k): str(v) for k, v in e.details.items()},
            **correction_columns(e),
        )
        for e in batch.events
    ]
    stmt = insert(conn, TimelineRow).on_conflict_do_nothing(
        index_elements=[TimelineRow.pathway_id, TimelineRow.seq]
    )
    conn.execute(stmt, rows)


def _upsert_alerts(conn: Connection, batch: ProjectionBatch) -> None:
    if not batch.alerts:
        return
    rows = [column_values(AlertRow, a, pathway_id=batch.pathway_id) for a in batch.alerts]
    stmt = insert(conn, AlertRow)
    stmt = stmt.on_conflict_do_update(
        index_elements=[AlertRow.pathway_id, AlertRow.alert_id],
        set_={
            name: stmt.excluded[name] for name in rows[0] if name not in {"pathway_id", "alert_id"}
        },
    )
    conn.execute(stmt, rows)


def project_batch(conn: Connection, batch: ProjectionBatch, now: datetime) -> bool:
    """Apply one batch inside the caller's transaction; True when the summary moved forward."""
    advanced = _advance_summary(conn, batch, now)
    _add_events(conn, batch)
    if advanced:
        _upsert_alerts(conn, batch)
    return advanced


class Projection(Database):
    """The store's writes of the projection: live batches, rebuilds and clean-ups."""

    def project(self, batch: ProjectionBatch) -> bool:
        """Apply a batch; False when the stored summary was already at or past it."""
        with self.engine.begin() as conn:
            return project_batch(conn, batch, self._clock())

    def replace_pathway(self, batch: ProjectionBatch) -> bool:
        """Write a whole pathway as a rebuild read it, in place of what the projection held.

        One transaction per pathway, so a reader sees either the old rows or the new ones,
        never an empty pathway. Should the live projection have written a newer summary
        meanwhile, that one is kept and only missing events are added. False then.
        """
        pathway_id = batch.pathway_id
        with self.engine.begin() as conn:
            # A write first: it takes SQLite's write lock (and the row's lock on PostgreSQL)
            # before anything is read, so a concurrent projection waits instead of failing.
            replaced = conn.execute(
                delete(ParticipantRow).where(
                    ParticipantRow.pathway_id == pathway_id,
                    ParticipantRow.last_seq <= batch.last_seq,
                )
            ).rowcount
            newer = not replaced and (
                conn.scalar(
                    select(ParticipantRow.last_seq).where(ParticipantRow.pathway_id == pathway_id)
                )
                is not None
            )
            if not newer:
                conn.execute(delete(TimelineRow).where(TimelineRow.pathway_id == pathway_id))
                conn.execute(delete(AlertRow).where(AlertRow.pathway_id == pathway_id))
            project_batch(conn, batch, self._clock())
            return not newer

    def projected_pathway_ids(self) -> set[str]:
        """Every pathway id the projection holds a row of (summary, event or alert)."""
        with self._read() as s:
            found: set[str] = set()
            for table in PROJECTED:
                found.update(s.scalars(select(table.pathway_id).distinct()))
            return found

    def remove_pathways(self, pathway_ids: Iterable[str]) -> None:
        """Drop the projection of pathways that no longer exist; the outbox is kept."""
        ids = sorted(set(pathway_ids))
        with self.engine.begin() as conn:
            for start in range(0, len(ids), IDS_PER_STATEMENT):
                chunk = ids[start : start + IDS_PER_STATEMENT]
                for table in PROJECTED:
                    conn.execute(delete(table).where(table.pathway_id.in_(chunk)))

    def clear(self) -> None:
        """Empty the projection (participants, timeline, alerts).

        The outbox and the partner directory are kept: they are delivery state and
        configuration, and clearing the outbox would send notifications again.
        """
        with self.engine.begin() as conn:
            for table in PROJECTED:
                conn.execute(delete(table))
