"""Sending a failed notification again: the protocol between the outbox row and the pathway
(or the job-dating event) that sent it.

The pathway (for a job-dating's messages, the event: its key starts with the event's id)
decides whether it may send (consent, role, a known key) and sends; the
read model's row only says how it went. The row is made pending (the sender skips
failed rows) once the front end is connected, and put back to failed unless the
pathway took the retry and sent something, so a retry that fails leaves it retryable.
"""

from __future__ import annotations

from dataclasses import replace

from parcours.adapters.readmodel import NotificationNotFound, OutboxEntry, OutboxStatus, Store
from parcours.app import jobdating
from parcours.app.client import PathwayClient
from parcours.domain.jobdating import JobDatingEvent
from parcours.domain.records import RequestMeta
from parcours.workflows.jobdating_messages import JOBDATING_PREFIX
from parcours.workflows.retries import RETRY_NOTIFICATION_UPDATE as NAME


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
    try:
        sent = await _ask_owner(pathways, entry, meta)
    except BaseException:
        if made_pending:
            store.restore_failed(entry)
        raise
    if sent == 0 and made_pending:
        store.restore_failed(entry)
    return sent


async def _ask_owner(pathways: PathwayClient, entry: OutboxEntry, meta: RequestMeta) -> int:
    """A job-dating's message (its key starts with the event's id) is sent again by its
    event, with the agency in its key; a pathway's, by the pathway."""
    if entry.key.startswith(JOBDATING_PREFIX):
        event_id = entry.key.partition(":")[0]
        return await jobdating.retry_message(pathways.temporal, event_id, entry.key, meta)
    return await _ask_pathway(pathways, entry.pathway_id, entry.key.rsplit(":", 1)[0], meta)


PARTNER_ANSWER_S = 10.0
"""How long a retry waits for the partner's channel once the pathway has accepted it: a
partner answering 500 is tried again with backoff for minutes, and an outage trial was
told after 30 s that no worker answered, with one running."""


async def _ask_pathway(
    pathways: PathwayClient, pathway_id: str, route_key: str, meta: RequestMeta
) -> int:
    """The pathway's retry (`workflows.retries`), waited for `PARTNER_ANSWER_S` once it is
    accepted; still running then, it is under way, said as sent (1): the row stays pending
    until the partner answers, and `notifications` says how it went."""
    args = [meta, route_key]
    sent = await pathways.update(pathway_id, NAME, args, meta, int, within=PARTNER_ANSWER_S)
    return 1 if sent is None else int(sent)


def still_failing(store: Store, event: JobDatingEvent) -> JobDatingEvent:
    """`event` with the messages a retry has sent since taken off its failures: the event
    keeps every message that failed for good; the outbox says how each went since."""
    failing = []
    for key in event.failures:
        entry = store.get_notification(key)
        if entry is None or entry.status is not OutboxStatus.SENT:
            failing.append(key)
    return replace(event, failures=failing)
