"""Sending a notification again on request: the retry updates of the pathway workflow.

A mixin of `ParticipantPathway`. `retry_notification_v2` is the one clients send;
`retry_notification`, its first version, stays registered so that histories which used
it still replay, and refuses every new request.
"""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from parcours.domain.commands.alerts import AlertTrigger
    from parcours.domain.errors import DomainError, NotPermitted
    from parcours.domain.records import RequestMeta
    from parcours.domain.requests import check_reuse, first_use
    from parcours.domain.routing import check_retry, notifications_to_retry, retry_target
    from parcours.domain.vocabulary import Trigger
    from parcours.workflows.errors import refusal
    from parcours.workflows.messages import participant_fields
    from parcours.workflows.patches import RETRY_FAILURES_WAKE_PATCH
    from parcours.workflows.publishing import Publishing

RETRY_NOTIFICATION_UPDATE = "retry_notification_v2"
"""The retry update that names who asks (`RequestMeta`) and is validated by the domain
(`routing.check_retry`). The earlier `retry_notification` stays registered for replay
only; it is a new name rather than a patch because its arguments changed."""


class NotificationRetries(Publishing):
    _retried: dict[str, int]
    """Retries already handled, by request id: how many messages each sent."""
    _changed: bool
    """Set when something happened that the sleeping run loop must publish."""

    @workflow.update(name=RETRY_NOTIFICATION_UPDATE)
    async def retry_notification_v2(self, meta: RequestMeta, key: str) -> int:
        """Send again what an event owed a partner kind (after `parcours notifications retry`).

        Who asks and why travel with the request and stay in the history; the validator
        asked the domain whether that role may, whether the key names a notification of
        this pathway and whether consent still holds now. A retried request id is
        answered from what it did the first time.
        """
        if meta.request_id in self._retried:
            return self._retried[meta.request_id]
        state = self._pathway.state
        try:
            event, kind = retry_target(key, state)
        except DomainError as err:
            raise refusal(err) from None
        participant = participant_fields(self._participant)
        notifications = notifications_to_retry(
            event, state, self._programme, participant, kind=kind, now=workflow.now()
        )
        self._retried[meta.request_id] = len(notifications)
        _log_retry(meta, key, len(notifications))
        failed = await self._notify(notifications)
        if failed and workflow.patched(RETRY_FAILURES_WAKE_PATCH):
            self._changed = True  # wake the run loop: it publishes and alerts them now
        return len(notifications)

    @retry_notification_v2.validator
    def _may_retry_notification(self, meta: RequestMeta, key: str) -> None:
        if self._check_request_id(meta, AlertTrigger.RETRY_NOTIFICATION):
            return
        try:
            check_retry(
                key,
                self._pathway.state,
                self._programme,
                participant_fields(self._participant),
                role=meta.actor.role,
                now=workflow.now(),
            )
        except DomainError as err:
            raise refusal(err) from None

    def _check_request_id(self, meta: RequestMeta, trigger: Trigger) -> bool:
        """Whether this request id was used before (a retry, to answer from memory); refuses
        it when it was used for another command, naming that one (`domain.requests`).

        Asked by validators only: a refusal leaves nothing in history, and validators do
        not run on replay, so no patch is needed for it.
        """
        request_id, retry = meta.request_id, AlertTrigger.RETRY_NOTIFICATION
        first = ""
        if request_id in self._retried:
            first = retry.value
        elif request_id in self._applied:
            first = first_use(self._pathway.state, self._applied[request_id])
        try:
            check_reuse(request_id, first, trigger.value)
        except DomainError as err:
            err.allowed = self._pathway.allowed_triggers(meta.actor.role)
            raise refusal(err) from None
        return request_id in (self._retried if trigger is retry else self._applied)

    @workflow.update(name="retry_notification")
    async def retry_notification(self, key: str) -> int:
        """The first retry update, kept so that histories which used it still replay.

        It named no actor and checked no role: its validator refuses every new request
        (validators do not run on replay), which must use `RETRY_NOTIFICATION_UPDATE`.
        """
        pathway_id, _, rest = key.partition(":")
        seq_text, _, kind = rest.partition(":")
        kind = kind.partition(":")[0]
        state = self._pathway.state
        event = next((e for e in state.timeline if str(e.seq) == seq_text), None)
        if pathway_id != state.pathway_id or event is None:
            raise ApplicationError(f"no notification {key} on this pathway", type="NotFound")
        notifications = [
            n
            for n in self._owed([event])
            if n.partner_kind.value == kind and state.consent_valid(n.partner_kind, workflow.now())
        ]
        await self._notify(notifications)
        return len(notifications)

    @retry_notification.validator
    def _refuse_unsigned_retry(self, key: str) -> None:
        raise refusal(
            NotPermitted(
                f"a retry must say who asks and why: send {RETRY_NOTIFICATION_UPDATE} instead"
            )
        )


def _log_retry(meta: RequestMeta, key: str, count: int) -> None:
    workflow.logger.info(
        "notification retry",
        extra={
            "notification": key,
            "actor_id": meta.actor.actor_id,
            "role": meta.actor.role.value,
            "count": count,
        },
    )
