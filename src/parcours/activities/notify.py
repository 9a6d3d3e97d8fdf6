"""Telling partners what the pathways decided: once, under consent, minimised.

The workflow has already applied the programme's routes, the participant's consent and
the field minimisation (`parcours.domain.routing`); this activity finds who the partners
are in the directory and sends through their channel. The outbox decides: a key already
sent is never sent again, so a retried activity sends nothing twice. Passing failures
raise, and Temporal retries the activity with backoff; permanent ones (a rejected
address, a 4xx answer) are recorded and returned, and the workflow raises the
coordinator's alert. A batch that sets `undelivered_after` also returns, as overdue, a
message still failing for now that long after its first attempt: marked failed in the
outbox with its last error, it is sent again by the batches that name it `resumed`.
The activity heartbeats while it sends, so a worker killed mid-send is noticed in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from parcours.activities.heartbeat import heartbeating
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.channels import (
    ChannelUnavailable,
    OutgoingMessage,
    PermanentFailure,
    SmtpRelay,
    TemporaryFailure,
    build_channel,
)
from parcours.adapters.channels.errors import failure_text
from parcours.adapters.readmodel import OutboxEntry, OutboxStatus, Partner, Store
from parcours.domain.vocabulary import PartnerKind
from parcours.workflows.messages import Notification, NotificationBatch, NotificationFailure

log = structlog.stdlib.get_logger("parcours.notify")

NOT_IN_DIRECTORY = "directory"
"""The outbox's channel for a message whose named partner is not in the directory."""


def not_in_directory(kind: PartnerKind, name: str) -> str:
    """The error of a message to a named partner the directory has no active entry for."""
    return failure_text("not_in_directory", kind=kind.value, name=name)


class NotificationActivities:
    def __init__(
        self, store: Callable[[], Store], smtp: SmtpRelay | None, sealer: PersonSealer | None = None
    ) -> None:
        self._store, self._smtp, self._sealer = store, smtp, sealer

    @activity.defn(name="send_notifications")
    def send_notifications(self, batch: NotificationBatch) -> list[NotificationFailure]:
        store = self._store()
        failures: list[NotificationFailure] = []
        passing: list[str] = []
        for notification in batch.notifications:
            recipients = self._recipients(store, notification)
            if recipients is None:
                failures.append(self._not_in_directory(store, batch.pathway_id, notification))
                continue
            for partner in recipients:
                message = replace(
                    notification,
                    key=f"{notification.key}:{partner.name}",
                    partner_name=partner.name,
                )
                with heartbeating():
                    outcome = self._send_once(store, batch, message, partner)
                if isinstance(outcome, NotificationFailure):
                    failures.append(outcome)
                elif outcome is not None:
                    passing.append(outcome)
        if passing:
            raise ApplicationError(
                f"{len(passing)} notification(s) failed for now and will be retried",
                type="NotificationsPending",
            )
        return failures

    def _recipients(self, store: Store, notification: Notification) -> list[Partner] | None:
        """Who receives it: the partner the pathway names, else every partner of the kind.

        None when the pathway names a partner (its referrer, training body, employer) that
        the directory does not hold as an active partner of that kind: the message is never
        handed to another partner of the same kind instead.
        """
        if notification.partner_name:
            named = store.get_partner(notification.partner_name)
            if named is not None and named.active and named.kind is notification.partner_kind:
                return [named]
            return None
        found = store.partners_of_kind(notification.partner_kind)
        if not found:
            log.info("no partner to notify", kind=notification.partner_kind.value)
        return found

    def _not_in_directory(
        self, store: Store, pathway_id: str, notification: Notification
    ) -> NotificationFailure:
        """Record, once, that the named partner cannot be reached: the coordinator is told."""
        message = replace(notification, key=f"{notification.key}:{notification.partner_name}")
        error = not_in_directory(notification.partner_kind, notification.partner_name)
        known = store.get_notification(message.key)
        if known is not None and known.status is OutboxStatus.FAILED:
            return NotificationFailure(message.key, message.partner_kind, known.last_error)
        if known is None or known.status is OutboxStatus.PENDING:
            store.claim(message, pathway_id, NOT_IN_DIRECTORY)
            store.mark_failed(message.key, error, permanent=True)
            log.warning(
                "named partner not in the directory",
                pathway_id=pathway_id,
                kind=notification.partner_kind.value,
            )
        return NotificationFailure(message.key, message.partner_kind, error)

    def _send_once(
        self, store: Store, batch: NotificationBatch, message: Notification, partner: Partner
    ) -> NotificationFailure | str | None:
        """None when sent (now or before); the key when it failed for now; a failure."""
        pathway_id, resumed = batch.pathway_id, message.key in batch.resumed
        known = store.get_notification(message.key)
        if known is not None and known.status is OutboxStatus.SENT:
            return None
        if known is not None and known.status is OutboxStatus.FAILED and not resumed:
            return NotificationFailure(message.key, message.partner_kind, known.last_error)
        store.claim(message, pathway_id, partner.channel.value, partner.address)
        try:
            channel = build_channel(
                partner.channel, partner.address, partner.secret, smtp=self._smtp
            )
            opened = message if self._sealer is None else self._sealer.open(message)
            channel.send(OutgoingMessage.from_notification(opened))
        except (PermanentFailure, ChannelUnavailable) as err:
            store.mark_failed(message.key, str(err), permanent=True)
            log.warning(
                "notification refused for good",
                pathway_id=pathway_id,
                kind=message.partner_kind.value,
                channel=partner.channel.value,
                error=str(err),
            )
            return NotificationFailure(message.key, message.partner_kind, str(err))
        except TemporaryFailure as err:
            return _failed_for_now(store, batch, message, str(err))
        store.mark_sent(message.key)
        log.info(
            "notification sent",
            pathway_id=pathway_id,
            kind=message.partner_kind.value,
            channel=partner.channel.value,
            event_kind=message.event_kind,
        )
        return None


def _failed_for_now(
    store: Store, batch: NotificationBatch, message: Notification, error: str
) -> NotificationFailure | str:
    """The key, to try again; past the batch's threshold, the message undelivered, once.

    An undelivered message is marked failed (listed by `notifications --failed` with its
    last error); a resumed one stays failed, with its newer error, until it goes."""
    resumed = message.key in batch.resumed
    overdue = _overdue(store.get_notification(message.key), batch.undelivered_after)
    store.mark_failed(message.key, error, permanent=overdue or resumed)
    log.info("notification failed for now", pathway_id=batch.pathway_id, error=error)
    if overdue and not resumed:
        log.warning("notification undelivered", pathway_id=batch.pathway_id, error=error)
        return NotificationFailure(message.key, message.partner_kind, error, overdue=True)
    return message.key


def _overdue(entry: OutboxEntry | None, after: float) -> bool:
    """Whether a message failing for now has been tried for `after` seconds (0: never)."""
    if entry is None or after <= 0:
        return False
    created = entry.created_at
    if created.tzinfo is None:  # SQLite keeps no offset: the store writes UTC
        created = created.replace(tzinfo=UTC)
    return datetime.now(UTC) - created >= timedelta(seconds=after)
