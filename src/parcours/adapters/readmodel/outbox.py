"""The partner-notification outbox: one row per idempotency key, its delivery state.

A notification is claimed before it is sent and marked after, so a retried activity
does not send again what was already sent. A claim is a record, not a lock: two
workers claiming the same key at once may both send, which the channels' idempotency
keys (Message-ID, webhook header, exclusive file) let the partner detect.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, update

from parcours.adapters.readmodel.dialects import insert
from parcours.adapters.readmodel.tables import NotificationRow, OutboxStatus
from parcours.adapters.readmodel.views import OutboxEntry
from parcours.workflows.messages import Notification

ERROR_LENGTH = 1000
"""Errors are cut short: they describe a failure, never carry a message body."""


class NotificationNotFound(LookupError):
    """No notification with that idempotency key in the outbox."""


def claim(
    conn: Connection, notification: Notification, pathway_id: str, channel: str, now: datetime
) -> bool:
    values = {
        "key": notification.key,
        "pathway_id": pathway_id,
        "partner_kind": notification.partner_kind,
        "partner_name": notification.partner_name,
        "channel": channel,
        "event_kind": notification.event_kind,
        "event_seq": notification.event_seq,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "last_error": "",
        "created_at": now,
        "sent_at": None,
    }
    stmt = insert(conn, NotificationRow).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[NotificationRow.key],
        set_={"channel": stmt.excluded.channel},
        where=NotificationRow.status != OutboxStatus.SENT,
    )
    conn.execute(stmt)
    status = conn.scalar(select(NotificationRow.status).where(NotificationRow.key == values["key"]))
    return status is not OutboxStatus.SENT


def _status(conn: Connection, key: str) -> OutboxStatus:
    status = conn.scalar(select(NotificationRow.status).where(NotificationRow.key == key))
    if status is None:
        raise NotificationNotFound(key)
    return status


def mark_sent(conn: Connection, key: str, now: datetime) -> None:
    if _status(conn, key) is OutboxStatus.SENT:
        return
    conn.execute(
        update(NotificationRow)
        .where(NotificationRow.key == key)
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            attempts=NotificationRow.attempts + 1,
            last_error="",
        )
    )


def mark_failed(conn: Connection, key: str, error: str, permanent: bool) -> None:
    if _status(conn, key) is OutboxStatus.SENT:
        return
    conn.execute(
        update(NotificationRow)
        .where(NotificationRow.key == key)
        .values(
            status=OutboxStatus.FAILED if permanent else OutboxStatus.PENDING,
            attempts=NotificationRow.attempts + 1,
            last_error=error[:ERROR_LENGTH],
        )
    )


def reset_for_retry(conn: Connection, key: str) -> bool:
    status = _status(conn, key)
    if status is OutboxStatus.SENT:
        return False
    if status is OutboxStatus.FAILED:
        conn.execute(
            update(NotificationRow)
            .where(NotificationRow.key == key)
            .values(status=OutboxStatus.PENDING)
        )
    return True


def entry(row: NotificationRow) -> OutboxEntry:
    return OutboxEntry(
        key=row.key,
        pathway_id=row.pathway_id,
        partner_kind=row.partner_kind,
        partner_name=row.partner_name,
        channel=row.channel,
        event_kind=row.event_kind,
        event_seq=row.event_seq,
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )
