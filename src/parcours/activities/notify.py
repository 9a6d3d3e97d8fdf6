"""Telling partners what the pathways decided: once, under consent, minimised.

The workflow has already applied the programme's routes, the participant's consent and
the field minimisation (`parcours.domain.routing`); this activity finds who the partners
are in the directory and sends through their channel. The outbox decides: a key already
sent is never sent again, so a retried activity sends nothing twice. Passing failures
raise, and Temporal retries the activity with backoff; permanent ones (a rejected
address, a 4xx answer) are recorded and returned, and the workflow raises the
coordinator's alert.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from parcours.adapters.channels import (
    ChannelUnavailable,
    OutgoingMessage,
    PermanentFailure,
    SmtpRelay,
    TemporaryFailure,
    build_channel,
)
from parcours.adapters.readmodel import OutboxStatus, Partner, Store
from parcours.workflows.messages import Notification, NotificationBatch, NotificationFailure

log = structlog.stdlib.get_logger("parcours.notify")

NOT_IN_DIRECTORY = "directory"
"""The outbox's channel for a message whose named partner is not in the directory."""


class NotificationActivities:
    def __init__(self, store: Callable[[], Store], smtp: SmtpRelay | None) -> None:
        self._store, self._smtp = store, smtp

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
                outcome = self._send_once(store, batch.pathway_id, message, partner)
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
        error = (
            f"no active {notification.partner_kind.value} partner named "
            f"{notification.partner_name!r} in the partner directory"
        )
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
        self, store: Store, pathway_id: str, message: Notification, partner: Partner
    ) -> NotificationFailure | str | None:
        """None when sent (now or before); the key when it failed for now; a failure."""
        known = store.get_notification(message.key)
        if known is not None and known.status is OutboxStatus.SENT:
            return None
        if known is not None and known.status is OutboxStatus.FAILED:
            return NotificationFailure(message.key, message.partner_kind, known.last_error)
        store.claim(message, pathway_id, partner.channel.value)
        try:
            channel = build_channel(
                partner.channel, partner.address, partner.secret, smtp=self._smtp
            )
            channel.send(OutgoingMessage.from_notification(message))
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
            store.mark_failed(message.key, str(err), permanent=False)
            log.info("notification failed for now", pathway_id=pathway_id, error=str(err))
            return message.key
        store.mark_sent(message.key)
        log.info(
            "notification sent",
            pathway_id=pathway_id,
            kind=message.partner_kind.value,
            channel=partner.channel.value,
            event_kind=message.event_kind,
        )
        return None
