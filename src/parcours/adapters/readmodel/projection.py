"""Writing a projection batch: ordered by the pathway's event sequence, safe to repeat.

The summary row and the alerts move only forward: a batch whose `last_seq` is not above
the stored one leaves them untouched, so a retried or replayed activity is harmless and
an old batch arriving late cannot undo a newer one. Events are immutable facts keyed by
(pathway, seq), so they are inserted if absent whatever the batch's age: a late batch
can only fill a gap in the timeline, never rewrite it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from parcours.adapters.readmodel.dialects import insert
from parcours.adapters.readmodel.tables import AlertRow, ParticipantRow, TimelineRow
from parcours.domain.records import Alert, PathwayEvent
from parcours.workflows.messages import ProjectionBatch


def summary_values(batch: ProjectionBatch, now: datetime) -> dict[str, Any]:
    outcome = batch.outcome
    return {
        "pathway_id": batch.pathway_id,
        "programme": batch.programme,
        "programme_version": batch.programme_version,
        "stage": batch.stage,
        "stage_since": batch.stage_since,
        "referent": batch.referent,
        "session": batch.session,
        "referred_at": batch.referred_at,
        "contract_signed_at": batch.contract_signed_at,
        "accompaniment_ends_at": batch.accompaniment_ends_at,
        "next_alert_at": batch.next_alert_at,
        "outcome_reason": outcome.reason if outcome else None,
        "outcome_positive": outcome.positive if outcome else None,
        "exited_at": outcome.exited_at if outcome else None,
        "last_seq": batch.last_seq,
        "updated_at": now,
    }


def event_values(pathway_id: str, event: PathwayEvent) -> dict[str, Any]:
    return {
        "pathway_id": pathway_id,
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at,
        "actor_id": event.actor_id,
        "role": event.role,
        "reason": event.reason,
        "stage": event.stage,
        "details": {str(k): str(v) for k, v in event.details.items()},
    }


def alert_values(pathway_id: str, alert: Alert) -> dict[str, Any]:
    return {
        "pathway_id": pathway_id,
        "alert_id": alert.alert_id,
        "rule": alert.rule,
        "audience": alert.audience,
        "due_at": alert.due_at,
        "raised_at": alert.raised_at,
        "status": alert.status,
        "snoozed_until": alert.snoozed_until,
        "handled_by": alert.handled_by,
        "handled_at": alert.handled_at,
    }


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


def _add_events(conn: Connection, batch: ProjectionBatch) -> None:
    if not batch.events:
        return
    rows = [event_values(batch.pathway_id, e) for e in batch.events]
    stmt = insert(conn, TimelineRow).on_conflict_do_nothing(
        index_elements=[TimelineRow.pathway_id, TimelineRow.seq]
    )
    conn.execute(stmt, rows)


def _upsert_alerts(conn: Connection, batch: ProjectionBatch) -> None:
    if not batch.alerts:
        return
    rows = [alert_values(batch.pathway_id, a) for a in batch.alerts]
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
