"""The notification outbox: claim before sending, mark after, retry what failed."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, select

from parcours.adapters.readmodel import NotificationNotFound, OutboxStatus, Store
from tests.readmodel.builders import notification
from tests.support import RECOGNISABLE_NAME

KEY = "pathway-0001:5:referrer"


def test_a_new_notification_is_claimed_pending(store: Store) -> None:
    assert store.claim(notification(), "pathway-0001", "email")

    entry = store.get_notification(KEY)
    assert entry is not None
    assert (entry.status, entry.attempts, entry.last_error, entry.sent_at) == (
        OutboxStatus.PENDING,
        0,
        "",
        None,
    )
    assert (entry.pathway_id, entry.partner_name, entry.event_kind, entry.event_seq) == (
        "pathway-0001",
        "Amicale du Nid",
        "contract_signed",
        5,
    )
    assert entry.created_at.tzinfo is not None


def test_a_sent_notification_is_never_claimed_again(store: Store) -> None:
    assert store.claim(notification(), "pathway-0001", "email")
    assert store.claim(notification(), "pathway-0001", "email"), "still pending: may be sent"
    store.mark_sent(KEY)

    assert not store.claim(notification(), "pathway-0001", "webhook")

    entry = store.get_notification(KEY)
    assert entry is not None
    assert (entry.status, entry.attempts, entry.channel) == (OutboxStatus.SENT, 1, "email")
    assert entry.sent_at is not None
    assert len(store.notifications()) == 1


def test_a_temporary_failure_stays_pending_and_counts_the_attempt(store: Store) -> None:
    store.claim(notification(), "pathway-0001", "webhook")
    store.mark_failed(KEY, "webhook answered HTTP 503", permanent=False)
    store.mark_failed(KEY, "webhook unreachable: TimeoutError", permanent=False)

    entry = store.get_notification(KEY)
    assert entry is not None
    assert (entry.status, entry.attempts, entry.last_error) == (
        OutboxStatus.PENDING,
        2,
        "webhook unreachable: TimeoutError",
    )
    assert store.notifications(failed_only=True) == []
    assert store.claim(notification(), "pathway-0001", "webhook")


def test_a_permanent_failure_waits_for_a_reset(store: Store) -> None:
    store.claim(notification(), "pathway-0001", "email")
    store.mark_failed(KEY, "SMTP 550: recipient refused", permanent=True)

    assert [(e.key, e.status) for e in store.notifications(failed_only=True)] == [
        (KEY, OutboxStatus.FAILED)
    ]
    assert store.reset_for_retry(KEY)
    entry = store.get_notification(KEY)
    assert entry is not None
    assert (entry.status, entry.attempts) == (OutboxStatus.PENDING, 1)
    assert store.claim(notification(), "pathway-0001", "email")
    store.mark_sent(KEY)
    assert not store.reset_for_retry(KEY)


def test_nothing_moves_a_sent_notification_back(store: Store) -> None:
    store.claim(notification(), "pathway-0001", "file")
    store.mark_sent(KEY)
    store.mark_sent(KEY)
    store.mark_failed(KEY, "late failure report", permanent=True)

    entry = store.get_notification(KEY)
    assert entry is not None
    assert (entry.status, entry.attempts, entry.last_error) == (OutboxStatus.SENT, 1, "")


def test_errors_are_cut_short(store: Store) -> None:
    store.claim(notification(), "pathway-0001", "email")
    store.mark_failed(KEY, "x" * 5000, permanent=False)

    entry = store.get_notification(KEY)
    assert entry is not None
    assert len(entry.last_error) == 1000


def test_unknown_keys_are_reported(store: Store) -> None:
    assert store.get_notification("nope") is None
    with pytest.raises(NotificationNotFound):
        store.mark_sent("nope")
    with pytest.raises(NotificationNotFound):
        store.mark_failed("nope", "e", permanent=True)
    with pytest.raises(NotificationNotFound):
        store.reset_for_retry("nope")


def test_notifications_list_by_pathway(store: Store) -> None:
    store.claim(notification("p-1:2:referrer"), "p-1", "email")
    store.claim(notification("p-2:2:referrer"), "p-2", "email")

    assert [e.key for e in store.notifications(pathway_id="p-2")] == ["p-2:2:referrer"]
    assert {e.key for e in store.notifications()} == {"p-1:2:referrer", "p-2:2:referrer"}


def test_the_outbox_never_stores_the_participant_fields(store: Store) -> None:
    first, last = RECOGNISABLE_NAME.split()
    store.claim(
        notification(fields={"first_name": first, "last_name": last}), "pathway-0001", "email"
    )
    store.mark_sent(KEY)

    metadata = MetaData()
    metadata.reflect(store.engine)
    with store.engine.connect() as conn:
        stored = " ".join(
            str(row) for table in metadata.sorted_tables for row in conn.execute(select(table))
        )
    assert KEY in stored
    assert first not in stored
    assert last not in stored
