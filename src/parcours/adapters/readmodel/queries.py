"""Reading the projection: staff lists, a pathway's timeline, alerts and stage counts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, text

from parcours.adapters.readmodel.database import Database, starting_with, where_given
from parcours.adapters.readmodel.rows import view_of
from parcours.adapters.readmodel.tables import STILL_OPEN, AlertRow, ParticipantRow, TimelineRow
from parcours.adapters.readmodel.views import AlertView, ParticipantView, TimelineEntry
from parcours.domain.vocabulary import AlertStatus, Stage


class PathwayQueries(Database):
    """The store's queries over the projection; every result is detached from the session."""

    def list_participants(
        self,
        programme: str | None = None,
        stage: Stage | None = None,
        referent: str | None = None,
        alert_due_before: datetime | None = None,
    ) -> list[ParticipantView]:
        """Participants matching every given filter, by programme then referral date."""
        stmt = where_given(
            select(ParticipantRow),
            (ParticipantRow.programme, programme),
            (ParticipantRow.stage, stage),
            (ParticipantRow.referent, referent),
        )
        if alert_due_before is not None:
            stmt = stmt.where(ParticipantRow.next_alert_at < alert_due_before)
        stmt = stmt.order_by(
            ParticipantRow.programme, ParticipantRow.referred_at, ParticipantRow.pathway_id
        )
        return self._views(ParticipantView, stmt)

    def retention_due(self, before: datetime | None = None) -> list[ParticipantView]:
        """Pathways whose person is to be anonymised (before `before`, when given), the
        soonest first."""
        stmt = select(ParticipantRow).where(ParticipantRow.retention_due_at.is_not(None))
        if before is not None:
            stmt = stmt.where(ParticipantRow.retention_due_at < before)
        stmt = stmt.order_by(ParticipantRow.retention_due_at, ParticipantRow.pathway_id)
        return self._views(ParticipantView, stmt)

    def get_participant(self, pathway_id: str) -> ParticipantView | None:
        return self._view(ParticipantView, ParticipantRow, pathway_id)

    def pathways_like(self, prefix: str) -> list[str]:
        """The ids of the pathways projected whose id starts with `prefix`."""
        column = ParticipantRow.pathway_id
        stmt = select(column).where(starting_with(column, prefix)).order_by(column)
        with self._read() as s:
            return list(s.scalars(stmt))

    def timeline(self, pathway_id: str) -> list[TimelineEntry]:
        stmt = (
            select(TimelineRow)
            .where(TimelineRow.pathway_id == pathway_id)
            .order_by(TimelineRow.seq)
        )
        with self._read() as s:
            return [view_of(TimelineEntry, r, details=dict(r.details)) for r in s.scalars(stmt)]

    def alerts(
        self,
        referent: str | None = None,
        status: AlertStatus | None = None,
        pathway_id: str | None = None,
    ) -> list[AlertView]:
        """Alerts by due date, with the programme and referent of their pathway."""
        stmt = where_given(
            select(AlertRow, ParticipantRow.programme, ParticipantRow.referent).outerjoin(
                ParticipantRow, ParticipantRow.pathway_id == AlertRow.pathway_id
            ),
            (ParticipantRow.referent, referent),
            (AlertRow.status, status),
            (AlertRow.pathway_id, pathway_id),
        ).order_by(AlertRow.due_at, AlertRow.pathway_id, AlertRow.alert_id)
        with self._read() as s:
            return [
                view_of(AlertView, row, programme=prog or "", referent=ref or "")
                for row, prog, ref in s.execute(stmt)
            ]

    def alerts_due(
        self,
        statuses: Collection[AlertStatus] | None = None,
        programme: str | None = None,
        limit: int = 200,
    ) -> list[AlertView]:
        """Every pathway's alerts in due order, at most `limit`: those someone still has to
        deal with (open, snoozed) by default, walked in the partial index that holds just
        them; else those of `statuses`."""
        chosen = still_open() if statuses is None else AlertRow.status.in_(list(statuses))
        stmt = where_given(
            select(AlertRow, ParticipantRow.programme, ParticipantRow.referent)
            .join(ParticipantRow, ParticipantRow.pathway_id == AlertRow.pathway_id)
            .where(chosen),
            (ParticipantRow.programme, programme),
        )
        stmt = stmt.order_by(AlertRow.due_at, AlertRow.pathway_id, AlertRow.alert_id)
        with self._read() as s:
            return [
                view_of(AlertView, row, programme=prog, referent=ref)
                for row, prog, ref in s.execute(stmt.limit(limit))
            ]

    def stage_counts(self, programme: str | None = None) -> dict[str, dict[Stage, int]]:
        """How many participants stand at each stage, per programme."""
        stmt = where_given(
            select(ParticipantRow.programme, ParticipantRow.stage, func.count()).group_by(
                ParticipantRow.programme, ParticipantRow.stage
            ),
            (ParticipantRow.programme, programme),
        )
        counts: dict[str, dict[Stage, int]] = {}
        with self._read() as s:
            for prog, stage, n in s.execute(stmt):
                counts.setdefault(prog, {})[stage] = n
        return counts


def still_open() -> ColumnElement[bool]:
    """The open and snoozed alerts, said as the partial index says it (`STILL_OPEN`):
    written out, not bound, or neither SQLite nor PostgreSQL would use the index."""
    return text(f"{AlertRow.__tablename__}.{STILL_OPEN}")  # type: ignore[return-value]
