"""Sending a failed notification again: the protocol between the outbox row and the pathway.

The pathway decides whether it may send (consent, role, a known key) and sends; the
read model's row only says how it went. The row is made pending (the sender skips
failed rows) once the front end is connected, and put back to failed unless the
pathway took the retry and sent something, so a retry that fails leaves it retryable.
"""

from __future__ import annotations

from parcours.adapters.readmodel import NotificationNotFound, OutboxEntry, OutboxStatus, Store
from parcours.app.client import PathwayClient
from parcours.domain.records import RequestMeta


class AlreadySent(Exception):
    """The notification was sent already (or is being sent): nothing to retry."""


def retryable(store: Store, key: str) -> OutboxEntry:
    """The outbox row of `key`, if it may be retried; checked before connecting."""
    entry = store.get_notification(key)
    if entry is None:
        raise NotificationNotFound(key)
    if entry.status is OutboxStatus.SENT:
        raise AlreadySent(key)
    return entry


async def retry(
    store: Store, pathways: PathwayClient, entry: OutboxEntry, meta: RequestMeta
) -> int:
    """Ask the pathway to send `entry` again; how many messages went to the channels."""
    if not store.reset_for_retry(entry.key):
        raise AlreadySent(entry.key)
    made_pending = entry.status is OutboxStatus.FAILED
    route_key = entry.key.rsplit(":", 1)[0]
    try:
        sent = await pathways.retry_notification(entry.pathway_id, route_key, meta)
    except BaseException:
        if made_pending:
            store.restore_failed(entry)
        raise
    if sent == 0 and made_pending:
        store.restore_failed(entry)
    return sent
