"""The sessions of each programme, and who stands where in one.

Configuration like the partner directory: kept by every rebuild of the projection. A
session's people are read from the projection (`participants.session`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, insert, select, update

from parcours.adapters.readmodel.database import Database, where_given
from parcours.adapters.readmodel.rows import column_values, view_of
from parcours.adapters.readmodel.tables import ParticipantRow, SessionRow
from parcours.adapters.readmodel.types import UtcDateTime
from parcours.domain.sessions import Session, SessionStatus, unopened
from parcours.domain.vocabulary import Stage


class SessionExists(ValueError):
    """The programme already has a session of that name."""


class SessionBook(Database):
    """The store's sessions."""

    def add_session(self, session: Session) -> None:
        """Record a new session; `SessionExists` if the programme has one of that name."""
        with self.engine.begin() as conn:
            known = conn.execute(
                select(SessionRow.name).where(
                    SessionRow.programme == session.programme, SessionRow.name == session.name
                )
            ).first()
            if known is not None:
                raise SessionExists(session.name)
            values = column_values(SessionRow, session, referrers=list(session.referrers))
            conn.execute(insert(SessionRow).values(values))

    def get_session(self, programme: str, name: str) -> Session | None:
        with self._read() as s:
            row = s.get(SessionRow, (programme, name))
            return _session(row) if row is not None else None

    def list_sessions(self, programme: str | None = None) -> list[Session]:
        """Sessions by programme, then start."""
        stmt = where_given(select(SessionRow), (SessionRow.programme, programme)).order_by(
            SessionRow.programme, SessionRow.starts_at, SessionRow.name
        )
        with self._read() as s:
            return [_session(row) for row in s.scalars(stmt)]

    def unopened_sessions(
        self, programme: str | None = None, name: str | None = None
    ) -> list[Session]:
        """The sessions pathways were referred into that nobody opened (a month's, a
        caseload's), each starting with its first referral; by programme, then start."""
        first = func.min(ParticipantRow.referred_at, type_=UtcDateTime())
        recorded = (SessionRow.programme == ParticipantRow.programme) & (
            SessionRow.name == ParticipantRow.session
        )
        stmt = where_given(
            select(ParticipantRow.programme, ParticipantRow.session, first)
            .outerjoin(SessionRow, recorded)
            .where(SessionRow.name.is_(None), ParticipantRow.session != ""),
            (ParticipantRow.programme, programme),
            (ParticipantRow.session, name),
        ).group_by(ParticipantRow.programme, ParticipantRow.session)
        with self._read() as s:
            found = [unopened(*row) for row in s.execute(stmt)]
        return sorted(found, key=lambda f: (f.programme, f.starts_at, f.name))

    def all_sessions(self, programme: str | None = None) -> list[Session]:
        """The sessions opened and those only referred into, by programme, then start."""
        found = [*self.list_sessions(programme), *self.unopened_sessions(programme)]
        return sorted(found, key=lambda f: (f.programme, f.starts_at, f.name))

    def close_session(self, session: Session, at: datetime) -> Session:
        with self.engine.begin() as conn:
            conn.execute(
                update(SessionRow)
                .where(SessionRow.programme == session.programme, SessionRow.name == session.name)
                .values(status=SessionStatus.CLOSED, closed_at=at)
            )
        return replace(session, status=SessionStatus.CLOSED, closed_at=at)

    def session_people(self, programme: str, name: str) -> list[tuple[str, Stage]]:
        """Every pathway of the session, with its stage, by referral date."""
        stmt = (
            select(ParticipantRow.pathway_id, ParticipantRow.stage)
            .where(ParticipantRow.programme == programme, ParticipantRow.session == name)
            .order_by(ParticipantRow.referred_at, ParticipantRow.pathway_id)
        )
        with self._read() as s:
            return [(pathway_id, stage) for pathway_id, stage in s.execute(stmt)]

    def session_size(self, programme: str, name: str) -> int:
        """How many pathways were referred into the session, whatever their stage now."""
        stmt = select(func.count()).where(
            ParticipantRow.programme == programme, ParticipantRow.session == name
        )
        with self._read() as s:
            return int(s.execute(stmt).scalar_one())


def _session(row: SessionRow) -> Session:
    return view_of(Session, row, referrers=list(row.referrers))
