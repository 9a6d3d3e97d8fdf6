"""The partner-notification outbox: one row per idempotency key, its delivery state.

A notification is claimed before it is sent and marked after, so a retried activity
does not send again what was already sent. A claim is a record, not a lock: two
workers claiming the same key at once may both send, which the channels' idempotency
keys (Message-ID, webhook header, exclusive file) let the partner detect.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from parcours.adapters.readmodel.database import Database, where_given
from parcours.adapters.readmodel.dialects import insert
from parcours.adapters.readmodel.rows import column_values
from parcours.adapters.readmodel.tables import NotificationRow, OutboxStatus
from parcours.adapters.readmodel.views import OutboxEntry
from parcours.workflows.messages import Notification

ERROR_LENGTH = 1000
"""Errors are cut short: they describe a failure, never carry a message body."""


class NotificationNotFound(LookupError):
    """No notification with that idempotency key in the outbox."""


def _status(conn: Connection, key: str) -> OutboxStatus:
    status = conn.scalar(select(NotificationRow.status).where(NotificationRow.key == key))
    if status is None:
        raise NotificationNotFound(key)
    return status


def _set(conn: Connection, key: str, **values: object) -> None:
    conn.execute(update(NotificationRow).where(NotificationRow.key == key).values(**values))


class Outbox(Database):
    """The store's outbox: claim before sending, mark after, reset for a retry."""

    def claim(
        self, notification: Notification, pathway_id: str, channel: str, address: str = ""
    ) -> bool:
        """Record a notification about to be sent through `channel` to `address`; False
        when its key was already sent. A message sent again (a retry) takes the channel and
        address it now goes to."""
        values = column_values(
            NotificationRow,
            notification,
            pathway_id=pathway_id,
            channel=channel,
            partner_address=address,
            status=OutboxStatus.PENDING,
            attempts=0,
            last_error="",
            created_at=self._clock(),
            sent_at=None,
        )
        with self.engine.begin() as conn:
            stmt = insert(conn, NotificationRow).values(values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[NotificationRow.key],
                set_={
                    "channel": stmt.excluded.channel,
                    "partner_address": stmt.excluded.partner_address,
                },
                where=NotificationRow.status != OutboxStatus.SENT,
            )
            conn.execute(stmt)
            return _status(conn, notification.key) is not OutboxStatus.SENT

    def mark_sent(self, key: str) -> None:
        self._count_attempt(key, status=OutboxStatus.SENT, sent_at=self._clock(), last_error="")

    def mark_failed(self, key: str, error: str, permanent: bool) -> None:
        """Count a failed attempt; a permanent failure leaves the key `failed` until reset."""
        self._count_attempt(
            key,
            status=OutboxStatus.FAILED if permanent else OutboxStatus.PENDING,
            last_error=error[:ERROR_LENGTH],
        )

    def _count_attempt(self, key: str, **values: object) -> None:
        """Count one more attempt with its result, unless the key was sent: then it stays."""
        with self.engine.begin() as conn:
            if _status(conn, key) is not OutboxStatus.SENT:
                _set(conn, key, attempts=NotificationRow.attempts + 1, **values)

    def reset_for_retry(self, key: str) -> bool:
        """Make a failed notification pending again; False when it was already sent."""
        with self.engine.begin() as conn:
            status = _status(conn, key)
            if status is OutboxStatus.FAILED:
                _set(conn, key, status=OutboxStatus.PENDING)
            return status is not OutboxStatus.SENT

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
        stmt = where_given(
            select(NotificationRow),
            (NotificationRow.status, OutboxStatus.FAILED if failed_only else None),
            (NotificationRow.pathway_id, pathway_id),
        ).order_by(NotificationRow.created_at, NotificationRow.key)
        return self._views(OutboxEntry, stmt)

    def get_notification(self, key: str) -> OutboxEntry | None:
        return self._view(OutboxEntry, NotificationRow, key)
