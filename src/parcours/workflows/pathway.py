"""`ParticipantPathway`: one durable workflow per participant and programme.

Orchestration only: every decision is asked of `parcours.domain.Pathway`. Staff commands
arrive as updates, one per command type, whose validators ask the domain, so a refused
move never reaches history. The workflow sleeps until the next alert the domain says is
due, raises it, and hands new events to activities. It continues as new when the server
suggests it, carrying the whole state and the request ids already applied.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from parcours.domain.alerts import failure_alert_ids, timer_alert_ids
    from parcours.domain.commands import STAFF_COMMANDS, Command, RecordNotificationFailure
    from parcours.domain.errors import DomainError, NotPermitted
    from parcours.domain.guards import accompaniment_deadline
    from parcours.domain.pathway import SYSTEM, Pathway
    from parcours.domain.programme import ProgrammeDefinition
    from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
    from parcours.domain.routing import (
        NotificationIntent,
        check_retry,
        notifications_for,
        notifications_to_retry,
        retry_target,
    )
    from parcours.domain.vocabulary import AlertStatus, Stage
    from parcours.workflows import search_attributes as sa
    from parcours.workflows.errors import refusal
    from parcours.workflows.messages import (
        WORKFLOW_TYPE,
        AlertDelivery,
        Notification,
        NotificationBatch,
        NotificationFailure,
        Participant,
        PathwayInput,
        PathwayResult,
        PathwayStatus,
        ProjectionBatch,
        UpdateResult,
        participant_fields,
        update_name,
    )

READ_MODEL_PATCH = "read-model-and-partner-notifications"
"""Histories recorded before it have no projection or notification activities."""

RETRY_NOTIFICATION_UPDATE = "retry_notification_v2"
"""The retry update that names who asks (`RequestMeta`) and is validated by the domain
(`routing.check_retry`). The earlier `retry_notification` stays registered for replay
only; it is a new name rather than a patch because its arguments changed."""

FAILURE_ALERTS_PATCH = "deliver-notification-failure-alerts"
"""Before it, the coordinator's alert for a notification that failed for good was kept in
the pathway but never handed to the alert channel."""

DUE_BEFORE_SLEEP_PATCH = "raise-what-fell-due-while-publishing"
"""Before it, an update accepted while activities ran could make an alert due at once and
the workflow still slept until the next future alert, leaving that one unraised."""

NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=30),
)

ACTIVITY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)


@workflow.defn(name=WORKFLOW_TYPE)
class ParticipantPathway:
    @workflow.init
    def __init__(self, start: PathwayInput) -> None:
        self._programme = ProgrammeDefinition.model_validate(start.programme)
        self._participant: Participant = start.participant
        self._applied: dict[str, int] = dict(start.applied_requests)
        self._published_seq = start.published_seq
        self._retried: dict[str, int] = dict(start.retried_requests)
        if start.state is None:
            self._pathway = Pathway.refer(
                self._programme, start.pathway_id, start.referral, start.meta, workflow.now()
            )
            self._applied[start.meta.request_id] = self._pathway.state.next_seq - 1
        else:
            self._pathway = Pathway(self._programme, start.state)
        self._start = start
        self._changed = False
        for command_type in STAFF_COMMANDS:
            self._register(command_type)

    # -- updates -------------------------------------------------------------------------

    def _register(self, command_type: type[Command]) -> None:
        def validate(meta: RequestMeta, command: Command) -> None:
            if meta.request_id in self._applied:
                return  # a retried request: accepted, answered from what it did the first time
            try:
                self._pathway.check(command, meta)
            except DomainError as err:
                raise refusal(err) from None

        def handle(meta: RequestMeta, command: Command) -> UpdateResult:
            if meta.request_id in self._applied:
                return self._result(self._applied[meta.request_id], duplicate=True)
            try:
                event = self._pathway.execute(command, meta, workflow.now())
            except DomainError as err:  # the state changed between validation and handling
                raise refusal(err) from None
            self._applied[meta.request_id] = event.seq
            self._changed = True
            workflow.logger.info(
                "command applied",
                extra={"pathway_event": event.kind, "seq": event.seq, "stage": event.stage.value},
            )
            return self._result(event.seq)

        for fn in (validate, handle):
            fn.__annotations__ = {"meta": RequestMeta, "command": command_type}
        handle.__annotations__["return"] = UpdateResult
        validate.__annotations__["return"] = None
        workflow.set_update_handler(update_name(command_type), handle, validator=validate)

    def _result(self, seq: int, *, duplicate: bool = False) -> UpdateResult:
        event = next((e for e in self._pathway.state.timeline if e.seq == seq), None)
        return UpdateResult(
            seq=seq,
            event=event.kind if event else "",
            stage=self._pathway.state.stage,
            allowed=list(self._pathway.allowed_triggers()),
            duplicate=duplicate,
        )

    # -- queries -------------------------------------------------------------------------

    @workflow.query
    def status(self) -> PathwayStatus:
        state = self._pathway.state
        now = workflow.now()
        return PathwayStatus(
            pathway_id=state.pathway_id,
            programme=state.programme,
            programme_version=state.programme_version,
            stage=state.stage,
            stage_since=state.stage_since,
            referent=state.referent,
            session=state.session,
            referred_at=state.referred_at,
            contract_signed_at=state.contract_signed_at,
            accompaniment_ends_at=accompaniment_deadline(state, self._programme),
            barriers=list(state.barriers),
            consents=list(state.consents),
            open_alerts=[a for a in state.alerts if a.status is not AlertStatus.ACKNOWLEDGED],
            next_alert_at=self._pathway.next_alert_at(now),
            allowed=list(self._pathway.allowed_triggers()),
            outcome=state.outcome,
            last_event_seq=state.next_seq - 1,
            as_of=now,
        )

    @workflow.query
    def timeline(self) -> list[PathwayEvent]:
        return list(self._pathway.state.timeline)

    @workflow.query
    def state(self) -> PathwayState:
        return self._pathway.state

    @workflow.query
    def participant(self) -> Participant:
        return self._participant

    # -- the run loop --------------------------------------------------------------------

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        while True:
            await self._publish(self._pathway.raise_due_alerts(workflow.now()))
            if self._pathway.state.stage is Stage.EXITED:
                await workflow.wait_condition(workflow.all_handlers_finished)
                await self._publish([])
                return PathwayResult(state=self._pathway.state)
            if workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(workflow.all_handlers_finished)
                await self._publish([])
                workflow.continue_as_new(self._carried())
            await self._sleep_until_next_alert()

    async def _sleep_until_next_alert(self) -> None:
        now = workflow.now()
        if self._pathway.something_due(now) and workflow.patched(DUE_BEFORE_SLEEP_PATCH):
            return  # raise it first: the run loop comes straight back
        next_at = self._pathway.next_alert_at(now)
        timeout = None if next_at is None else max(next_at - now, timedelta(seconds=1))
        self._changed = False
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._changed, timeout=timeout, timeout_summary="next alert due"
            )

    async def _publish(self, alert_events: list[PathwayEvent]) -> None:
        """Hand every event not yet published to the activities, until none is left.

        Alerts go to the alert channel; since the `READ_MODEL_PATCH`, every change is also
        projected to the read model and routed to the partners concerned, and events that
        arrive while the activities run are published before the workflow sleeps. A
        permanent notification failure is recorded as an event, published in turn.
        """
        while True:
            state = self._pathway.state
            new_events = [e for e in state.timeline if e.seq > self._published_seq]
            if not new_events:
                return
            raised = timer_alert_ids(new_events)
            by_failure = failure_alert_ids(new_events)
            if by_failure and workflow.patched(FAILURE_ALERTS_PATCH):
                raised |= by_failure
            alerts = [a for a in state.alerts if a.alert_id in raised]
            if alerts:
                await self._deliver(
                    AlertDelivery(state.pathway_id, state.programme, state.referent, alerts)
                )
            self._published_seq = new_events[-1].seq
            patched = workflow.patched(READ_MODEL_PATCH)
            if patched:
                await self._project(new_events)
                await self._notify(
                    notifications_for(
                        new_events, state, self._programme, participant_fields(self._participant)
                    )
                )
            self._upsert_search_attributes()
            if not patched:
                return  # histories before the patch published once per wake-up

    async def _project(self, events: list[PathwayEvent]) -> None:
        state = self._pathway.state
        batch = ProjectionBatch(
            pathway_id=state.pathway_id,
            programme=state.programme,
            programme_version=state.programme_version,
            stage=state.stage,
            stage_since=state.stage_since,
            referent=state.referent,
            session=state.session,
            referred_at=state.referred_at,
            contract_signed_at=state.contract_signed_at,
            accompaniment_ends_at=accompaniment_deadline(state, self._programme),
            next_alert_at=self._pathway.next_alert_at(workflow.now()),
            outcome=state.outcome,
            last_seq=state.next_seq - 1,
            events=events,
            alerts=list(state.alerts),
        )
        await workflow.execute_activity(
            "project_pathway",
            batch,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=ACTIVITY_RETRY,
        )

    async def _notify(self, intents: list[NotificationIntent]) -> None:
        if not intents:
            return
        state = self._pathway.state
        batch = NotificationBatch(
            pathway_id=state.pathway_id,
            programme=state.programme,
            notifications=[Notification(**vars(intent)) for intent in intents],
        )
        failures: list[NotificationFailure] = await workflow.execute_activity(
            "send_notifications",
            batch,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=NOTIFY_RETRY,
            result_type=list[NotificationFailure],
        )
        for failure in failures:
            command = RecordNotificationFailure(
                notification_key=failure.key,
                partner_kind=failure.partner_kind,
                failed_at=workflow.now(),
                error=failure.error[:200],
            )
            meta = RequestMeta(f"notification-failed:{failure.key}", SYSTEM)
            if meta.request_id not in self._applied and self._pathway.may(command, meta):
                event = self._pathway.execute(command, meta, workflow.now())
                self._applied[meta.request_id] = event.seq

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
        intents = notifications_to_retry(
            event,
            state,
            self._programme,
            participant_fields(self._participant),
            kind=kind,
            now=workflow.now(),
        )
        self._retried[meta.request_id] = len(intents)
        workflow.logger.info(
            "notification retry",
            extra={
                "notification": key,
                "actor_id": meta.actor.actor_id,
                "role": meta.actor.role.value,
                "count": len(intents),
            },
        )
        await self._notify(intents)
        return len(intents)

    @retry_notification_v2.validator
    def _may_retry_notification(self, meta: RequestMeta, key: str) -> None:
        if meta.request_id in self._retried:
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

    @workflow.update(name="retry_notification")
    async def retry_notification(self, key: str) -> int:
        """The first retry update, kept so that histories which used it still replay.

        It named no actor and checked no role: its validator refuses every new request
        (validators do not run on replay), which must use `RETRY_NOTIFICATION_UPDATE`.
        """
        pathway_id, _, rest = key.partition(":")
        seq_text, _, kind = rest.partition(":")
        kind = kind.partition(":")[0]
        event = next((e for e in self._pathway.state.timeline if str(e.seq) == seq_text), None)
        if pathway_id != self._pathway.state.pathway_id or event is None:
            raise ApplicationError(f"no notification {key} on this pathway", type="NotFound")
        intents = [
            intent
            for intent in notifications_for(
                [event], self._pathway.state, self._programme, participant_fields(self._participant)
            )
            if intent.partner_kind.value == kind
            and self._pathway.state.consent_valid(intent.partner_kind, workflow.now())
        ]
        await self._notify(intents)
        return len(intents)

    @retry_notification.validator
    def _refuse_unsigned_retry(self, key: str) -> None:
        raise refusal(
            NotPermitted(
                f"a retry must say who asks and why: send {RETRY_NOTIFICATION_UPDATE} instead"
            )
        )

    async def _deliver(self, delivery: AlertDelivery) -> None:
        await workflow.execute_activity(
            "deliver_alerts",
            delivery,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=ACTIVITY_RETRY,
        )

    def _upsert_search_attributes(self) -> None:
        state = self._pathway.state
        next_at = self._pathway.next_alert_at(workflow.now())
        workflow.upsert_search_attributes(
            [
                sa.PROGRAMME.value_set(state.programme),
                sa.STAGE.value_set(state.stage.value),
                sa.REFERENT.value_set(state.referent),
                sa.NEXT_ALERT_AT.value_set(next_at)
                if next_at is not None
                else sa.NEXT_ALERT_AT.value_unset(),
            ]
        )

    def _carried(self) -> PathwayInput:
        return PathwayInput(
            pathway_id=self._start.pathway_id,
            programme=self._start.programme,
            participant=self._participant,
            referral=self._start.referral,
            meta=self._start.meta,
            state=self._pathway.state,
            applied_requests=dict(self._applied),
            published_seq=self._published_seq,
            retried_requests=dict(self._retried),
        )


def search_attributes_at_start(
    programme: str, stage: Stage, referent: str
) -> TypedSearchAttributes:
    """The attributes a pathway is started with, so it lists before its first task runs."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(sa.PROGRAMME, programme),
            SearchAttributePair(sa.STAGE, stage.value),
            SearchAttributePair(sa.REFERENT, referent),
        ]
    )
