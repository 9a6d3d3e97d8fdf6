"""The read model: a SQL projection of every pathway, the outbox and the partner directory.

Staff lists, filters and KPIs read from here instead of querying every workflow. The
same code runs on the embedded SQLite file and on PostgreSQL. Writes are idempotent
(see `projection` and `outbox`), so activities may retry them freely.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import (
    URL,
    Engine,
    create_engine,
    delete,
    event,
    func,
    make_url,
    select,
    update,
)
from sqlalchemy.orm import Session

from parcours.adapters.readmodel import outbox
from parcours.adapters.readmodel.dialects import SUPPORTED, UnsupportedDatabase, insert
from parcours.adapters.readmodel.projection import project_batch
from parcours.adapters.readmodel.tables import (
    AlertRow,
    NotificationRow,
    OutboxStatus,
    ParticipantRow,
    PartnerRow,
    TimelineRow,
)
from parcours.adapters.readmodel.views import (
    AlertView,
    OutboxEntry,
    ParticipantView,
    Partner,
    TimelineEntry,
)
from parcours.domain.vocabulary import AlertStatus, PartnerKind, Stage
from parcours.workflows.messages import Notification, ProjectionBatch

Clock = Callable[[], datetime]

_IDS_PER_STATEMENT = 500
"""Ids bound in one `IN (...)`: well below SQLite's limit on bound parameters."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def _ensure_sqlite_folder(url: URL) -> None:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_readmodel_engine(url: str) -> Engine:
    """An engine for the read model; SQLite waits for a busy writer instead of failing.

    The embedded default's folder is created on first use, so a fresh clone just runs.
    """
    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    if dialect not in SUPPORTED:
        raise UnsupportedDatabase(f"the read model does not support the {dialect!r} database")
    if dialect == "sqlite":
        _ensure_sqlite_folder(parsed)
    engine = create_engine(parsed, pool_pre_ping=True)
    if dialect == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _participant(row: ParticipantRow) -> ParticipantView:
    return ParticipantView(
        pathway_id=row.pathway_id,
        programme=row.programme,
        programme_version=row.programme_version,
        stage=row.stage,
        stage_since=row.stage_since,
        referent=row.referent,
        session=row.session,
        referred_at=row.referred_at,
        contract_signed_at=row.contract_signed_at,
        accompaniment_ends_at=row.accompaniment_ends_at,
        next_alert_at=row.next_alert_at,
        outcome_reason=row.outcome_reason,
        outcome_positive=row.outcome_positive,
        exited_at=row.exited_at,
        last_seq=row.last_seq,
        updated_at=row.updated_at,
    )


def _timeline(row: TimelineRow) -> TimelineEntry:
    return TimelineEntry(
        pathway_id=row.pathway_id,
        seq=row.seq,
        kind=row.kind,
        at=row.at,
        actor_id=row.actor_id,
        role=row.role,
        reason=row.reason,
        stage=row.stage,
        details=dict(row.details),
    )


def _alert(row: AlertRow, programme: str | None, referent: str | None) -> AlertView:
    return AlertView(
        pathway_id=row.pathway_id,
        alert_id=row.alert_id,
        rule=row.rule,
        audience=row.audience,
        due_at=row.due_at,
        raised_at=row.raised_at,
        status=row.status,
        snoozed_until=row.snoozed_until,
        handled_by=row.handled_by,
        handled_at=row.handled_at,
        programme=programme or "",
        referent=referent or "",
    )


def _partner(row: PartnerRow) -> Partner:
    return Partner(row.name, row.kind, row.channel, row.address, row.secret, row.active)


class Store:
    """The read model over one engine; `clock` is injectable for tests."""

    def __init__(self, engine: Engine, clock: Clock = _utcnow) -> None:
        self.engine = engine
        self._clock = clock

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    # --- projection -------------------------------------------------------------------

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
            for column in (
                ParticipantRow.pathway_id,
                TimelineRow.pathway_id,
                AlertRow.pathway_id,
            ):
                found.update(s.scalars(select(column).distinct()))
            return found

    def remove_pathways(self, pathway_ids: Iterable[str]) -> None:
        """Drop the projection of pathways that no longer exist; the outbox is kept."""
        ids = sorted(set(pathway_ids))
        with self.engine.begin() as conn:
            for start in range(0, len(ids), _IDS_PER_STATEMENT):
                chunk = ids[start : start + _IDS_PER_STATEMENT]
                for table in (TimelineRow, AlertRow, ParticipantRow):
                    conn.execute(delete(table).where(table.pathway_id.in_(chunk)))

    def clear(self) -> None:
        """Empty the projection (participants, timeline, alerts).

        The outbox and the partner directory are kept: they are delivery state and
        configuration, and clearing the outbox would send notifications again.
        """
        with self.engine.begin() as conn:
            for table in (TimelineRow, AlertRow, ParticipantRow):
                conn.execute(delete(table))

    def list_participants(
        self,
        programme: str | None = None,
        stage: Stage | None = None,
        referent: str | None = None,
        alert_due_before: datetime | None = None,
    ) -> list[ParticipantView]:
        """Participants matching every given filter, by programme then referral date."""
        stmt = select(ParticipantRow)
        if programme is not None:
            stmt = stmt.where(ParticipantRow.programme == programme)
        if stage is not None:
            stmt = stmt.where(ParticipantRow.stage == stage)
        if referent is not None:
            stmt = stmt.where(ParticipantRow.referent == referent)
        if alert_due_before is not None:
            stmt = stmt.where(ParticipantRow.next_alert_at < alert_due_before)
        stmt = stmt.order_by(
            ParticipantRow.programme, ParticipantRow.referred_at, ParticipantRow.pathway_id
        )
        with self._read() as s:
            return [_participant(r) for r in s.scalars(stmt)]

    def get_participant(self, pathway_id: str) -> ParticipantView | None:
        with self._read() as s:
            row = s.get(ParticipantRow, pathway_id)
            return _participant(row) if row else None

    def timeline(self, pathway_id: str) -> list[TimelineEntry]:
        stmt = (
            select(TimelineRow)
            .where(TimelineRow.pathway_id == pathway_id)
            .order_by(TimelineRow.seq)
        )
        with self._read() as s:
            return [_timeline(r) for r in s.scalars(stmt)]

    def alerts(
        self,
        referent: str | None = None,
        status: AlertStatus | None = None,
        pathway_id: str | None = None,
    ) -> list[AlertView]:
        """Alerts by due date, with the programme and referent of their pathway."""
        stmt = select(AlertRow, ParticipantRow.programme, ParticipantRow.referent).outerjoin(
            ParticipantRow, ParticipantRow.pathway_id == AlertRow.pathway_id
        )
        if referent is not None:
            stmt = stmt.where(ParticipantRow.referent == referent)
        if status is not None:
            stmt = stmt.where(AlertRow.status == status)
        if pathway_id is not None:
            stmt = stmt.where(AlertRow.pathway_id == pathway_id)
        stmt = stmt.order_by(AlertRow.due_at, AlertRow.pathway_id, AlertRow.alert_id)
        with self._read() as s:
            return [_alert(row, prog, ref) for row, prog, ref in s.execute(stmt)]

    def stage_counts(self, programme: str | None = None) -> dict[str, dict[Stage, int]]:
        """How many participants stand at each stage, per programme."""
        stmt = select(ParticipantRow.programme, ParticipantRow.stage, func.count()).group_by(
            ParticipantRow.programme, ParticipantRow.stage
        )
        if programme is not None:
            stmt = stmt.where(ParticipantRow.programme == programme)
        counts: dict[str, dict[Stage, int]] = {}
        with self._read() as s:
            for prog, stage, n in s.execute(stmt):
                counts.setdefault(prog, {})[stage] = n
        return counts

    # --- outbox -----------------------------------------------------------------------

    def claim(self, notification: Notification, pathway_id: str, channel: str) -> bool:
        """Record a notification about to be sent; False when its key was already sent."""
        with self.engine.begin() as conn:
            return outbox.claim(conn, notification, pathway_id, channel, self._clock())

    def mark_sent(self, key: str) -> None:
        with self.engine.begin() as conn:
            outbox.mark_sent(conn, key, self._clock())

    def mark_failed(self, key: str, error: str, permanent: bool) -> None:
        """Count a failed attempt; a permanent failure leaves the key `failed` until reset."""
        with self.engine.begin() as conn:
            outbox.mark_failed(conn, key, error, permanent)

    def reset_for_retry(self, key: str) -> bool:
        """Make a failed notification pending again; False when it was already sent."""
        with self.engine.begin() as conn:
            return outbox.reset_for_retry(conn, key)

    def restore_failed(self, entry: OutboxEntry) -> bool:
        """Put a notification made pending for a retry back to `failed`, as `entry` held it.

        Only while nothing tried it since (still pending, same count of attempts): a send
        under way or done keeps what it wrote. False when the row had moved on.
        """
        with self.engine.begin() as conn:
            restored = conn.execute(
                update(NotificationRow)
                .where(
                    NotificationRow.key == entry.key,
                    NotificationRow.status == OutboxStatus.PENDING,
                    NotificationRow.attempts == entry.attempts,
                )
                .values(status=OutboxStatus.FAILED, last_error=entry.last_error)
            ).rowcount
            return bool(restored)

    def notifications(
        self, failed_only: bool = False, pathway_id: str | None = None
    ) -> list[OutboxEntry]:
        stmt = select(NotificationRow)
        if failed_only:
            stmt = stmt.where(NotificationRow.status == OutboxStatus.FAILED)
        if pathway_id is not None:
            stmt = stmt.where(NotificationRow.pathway_id == pathway_id)
        stmt = stmt.order_by(NotificationRow.created_at, NotificationRow.key)
        with self._read() as s:
            return [outbox.entry(r) for r in s.scalars(stmt)]

    def get_notification(self, key: str) -> OutboxEntry | None:
        with self._read() as s:
            row = s.get(NotificationRow, key)
            return outbox.entry(row) if row else None

    # --- partners ---------------------------------------------------------------------

    def add_partner(self, partner: Partner) -> None:
        """Add a partner, or replace the one of the same name."""
        if not partner.name or not partner.address:
            raise ValueError("a partner needs a name and an address")
        values = {
            "name": partner.name,
            "kind": partner.kind,
            "channel": partner.channel,
            "address": partner.address,
            "secret": partner.secret,
            "active": partner.active,
        }
        with self.engine.begin() as conn:
            stmt = insert(conn, PartnerRow).values(values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[PartnerRow.name],
                set_={k: stmt.excluded[k] for k in values if k != "name"},
            )
            conn.execute(stmt)

    def list_partners(self, active_only: bool = False) -> list[Partner]:
        stmt = select(PartnerRow).order_by(PartnerRow.kind, PartnerRow.name)
        if active_only:
            stmt = stmt.where(PartnerRow.active.is_(True))
        with self._read() as s:
            return [_partner(r) for r in s.scalars(stmt)]

    def get_partner(self, name: str) -> Partner | None:
        with self._read() as s:
            row = s.get(PartnerRow, name)
            return _partner(row) if row else None

    def partners_of_kind(self, kind: PartnerKind) -> list[Partner]:
        """The active partners of one kind: who hears of an event routed to that kind."""
        stmt = (
            select(PartnerRow)
            .where(PartnerRow.kind == kind, PartnerRow.active.is_(True))
            .order_by(PartnerRow.name)
        )
        with self._read() as s:
            return [_partner(r) for r in s.scalars(stmt)]
