"""`ParticipantPathway`: one durable workflow per participant and programme.

Orchestration only: every decision is asked of `parcours.domain.Pathway`. Staff commands
arrive as updates, one per command type, whose validators ask the domain, so a refused
move never reaches history. The workflow sleeps until the next alert the domain says is
due, raises it, and hands new events to activities (`publishing`). It continues as new
when the server suggests it, carrying the whole state and the request ids already
applied. Notification retries are updates of their own (`retries`); every patch id is
listed in `patches`.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain import consent_notice
    from parcours.domain.alerts import follow_pathway, follows_pathway
    from parcours.domain.commands import STAFF_COMMANDS, Command
    from parcours.domain.errors import DomainError
    from parcours.domain.pathway import Pathway
    from parcours.domain.programme import ProgrammeDefinition, shared_definition
    from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
    from parcours.domain.retention import retention_over
    from parcours.domain.vocabulary import Stage
    from parcours.workflows.actors import check_referral
    from parcours.workflows.erasure import ERASED_PARTICIPANT, PersonErasure
    from parcours.workflows.errors import refusal
    from parcours.workflows.messages import (
        WORKFLOW_TYPE,
        Participant,
        PathwayInput,
        PathwayResult,
        UpdateResult,
        update_name,
    )
    from parcours.workflows.patches import (
        AFTER_EXIT_PATCH,
        ALERTS_FOLLOW_PATHWAY_PATCH,
        CHANGES_DURING_PUBLISH_PATCH,
        CONSENT_NOTICE_PATCH,
        DECOUPLED_PUBLISH_PATCH,
        DUE_BEFORE_SLEEP_PATCH,
        EFFECTIVE_INSTANTS_PATCH,
        HANDLERS_AFTER_LAST_PUBLISH_PATCH,
        REFUSED_START_FAILS_PATCH,
        SIGNED_REFERRAL_PATCH,
    )
    from parcours.workflows.publishing import ACTIVITY_RETRY, NOTIFY_RETRY
    from parcours.workflows.retention import PathwayRetention
    from parcours.workflows.retries import RETRY_NOTIFICATION_UPDATE, NotificationRetries
    from parcours.workflows.returning import PathwayReturn
    from parcours.workflows.search_attributes import search_attributes_at_start
    from parcours.workflows.summaries import PathwayStatus

__all__ = [
    "ACTIVITY_RETRY",
    "NOTIFY_RETRY",
    "RETRY_NOTIFICATION_UPDATE",
    "ParticipantPathway",
    "search_attributes_at_start",
]


@workflow.defn(name=WORKFLOW_TYPE)
class ParticipantPathway(NotificationRetries, PersonErasure, PathwayRetention, PathwayReturn):
    @workflow.init
    def __init__(self, start: PathwayInput) -> None:
        self._start_failure: Exception | None = None
        try:
            self._begin(start)
        except Exception as err:  # noqa: BLE001 - raised again by `run`, see `_begin`
            self._start_failure = err

    def _begin(self, start: PathwayInput) -> None:
        """What the start sets up. What it raises is raised again by `run`, not by
        `__init__`: the SDK has made `run`'s coroutine by then, and one never awaited is
        reported (by the garbage collector, at any later moment) on every failed attempt.
        The same failure, in the same first workflow task, with the same commands."""
        # Equal data, one copy per worker; set on the input itself, which the SDK keeps for
        # the whole run (its arguments to `run`), so the run's decoded copy is let go.
        self._programme, start.programme = shared_definition(start.programme)
        self._participant: Participant = start.participant
        self._applied: dict[str, int] = dict(start.applied_requests)
        self._published_seq = start.published_seq
        self._retried: dict[str, int] = dict(start.retried_requests)
        self._dated = workflow.patched(EFFECTIVE_INSTANTS_PATCH)  # decided once per run
        self._decoupled = workflow.patched(DECOUPLED_PUBLISH_PATCH)  # likewise
        self._deliveries, self._delivering, self._ending = {}, {}, False
        if start.state is None:
            self._pathway = _referred(self._programme, start, dated=self._dated)
            self._applied[start.meta.request_id] = self._pathway.state.next_seq - 1
        else:
            self._pathway = Pathway(self._programme, start.state)
        state = self._pathway.state
        _adopt_alert_rules(state)
        self._adopt_retention()
        self._start = start
        self._changed = False
        self._finished = False
        self._close_waits = False  # the retention ended while an update ran
        for command_type in STAFF_COMMANDS:
            self._register(command_type)

    # -- updates -------------------------------------------------------------------------

    def _register(self, command_type: type[Command]) -> None:
        def validate(meta: RequestMeta, command: Command) -> None:
            if self._check_request_id(meta, command.trigger):
                return  # a retried request: accepted, answered from what it did the first time
            try:
                self._pathway.check(command, meta, workflow.now())
            except DomainError as err:
                raise refusal(err) from None

        def handle(meta: RequestMeta, command: Command) -> UpdateResult:
            if meta.request_id in self._applied:
                return self._result(self._applied[meta.request_id], duplicate=True)
            try:
                event = self._pathway.execute(command, meta, workflow.now(), dated=self._dated)
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
            details=dict(event.details) if event else {},
        )

    # -- queries -------------------------------------------------------------------------

    @workflow.query
    def status(self) -> PathwayStatus:
        now = workflow.now()
        allowed: list[str] = [] if self._finished else list(self._pathway.allowed_triggers())
        return PathwayStatus.of(self._pathway.summary(now), self._pathway.state, allowed, now)

    @workflow.query
    def timeline(self) -> list[PathwayEvent]:
        return list(self._pathway.state.timeline)

    @workflow.query
    def state(self) -> PathwayState:
        return self._pathway.state

    @workflow.query
    def participant(self) -> Participant:
        erased = self._pathway.state.erased_at is not None  # a sealed identity stays sealed
        clear = not self._participant.last_name.startswith("sealed:")
        return ERASED_PARTICIPANT if erased and clear else self._participant

    # -- the run loop --------------------------------------------------------------------

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        if self._start_failure is not None:
            raise self._start_failure
        if start.state is None and workflow.patched(SIGNED_REFERRAL_PATCH):
            await check_referral(start)  # before anything is published
        for pending in start.deliveries:  # carried: under way when the last run ended
            self._resume_delivery(pending)
        while True:
            self._changed = False  # a change from here on makes the loop turn again
            self._pathway.raise_due_alerts(workflow.now())
            if self._kept_after_exit():
                self._close_if_retention_over()
            self._anonymise_if_due()
            await self._publish()
            ended = self._pathway.state.stage is Stage.EXITED and not self._still_open()
            if ended or self._erased():
                await self._finish_handlers(ending=True)
                await self._destroy_person()
                self._finished = True  # a finished run offers nothing (status query)
                return PathwayResult(state=self._pathway.state)
            if workflow.info().is_continue_as_new_suggested():
                await self._finish_handlers()
                workflow.continue_as_new(self._carried())
            await self._sleep_until_next_alert()

    def _kept_after_exit(self) -> bool:
        """Whether the pathway has exited and, since `AFTER_EXIT_PATCH`, stays open until its
        retention period ends (before it, the run completed at exit)."""
        return self._pathway.state.stage is Stage.EXITED and workflow.patched(AFTER_EXIT_PATCH)

    def _close_if_retention_over(self) -> None:
        """Close for good once the retention period has ended, but not while an update
        runs (a notification retry waiting on its partner): what it records must land
        before the end. The run loop then sleeps until the updates have finished."""
        over = retention_over(self._pathway.state, self._programme, workflow.now())
        self._close_waits = over and not workflow.all_handlers_finished()
        if over and not self._close_waits:
            self._pathway.close_if_retention_over(workflow.now())

    def _still_open(self) -> bool:
        """An exited pathway kept after exit and not yet closed for good."""
        return self._kept_after_exit() and self._pathway.state.closed_at is None

    async def _finish_handlers(self, *, ending: bool = False) -> None:
        """Let every update handler finish and publish what it recorded: the run then ends.

        Since `HANDLERS_AFTER_LAST_PUBLISH_PATCH`, a handler that started during the last
        publish is waited for in turn, and the caller returns or continues as new with no
        await between the last check and the end, so no handler is abandoned. A run that
        `ending` also waits for its partner messages to go or be reported undelivered
        (`DECOUPLED_PUBLISH_PATCH`); one continued as new carries them instead.
        """
        self._ending = ending
        await workflow.wait_condition(lambda: self._settled(ending))
        await self._publish()
        while (
            not workflow.all_handlers_finished()
            or self._unpublished()
            or (ending and self._deliveries_to_wait_for())
        ) and workflow.patched(HANDLERS_AFTER_LAST_PUBLISH_PATCH):
            await workflow.wait_condition(lambda: self._settled(ending))
            await self._publish()

    def _settled(self, ending: bool) -> bool:
        """No update handler running, nor, when the run ends, a partner message under way."""
        return workflow.all_handlers_finished() and not (ending and self._deliveries_to_wait_for())

    async def _sleep_until_next_alert(self) -> None:
        now = workflow.now()
        if self._pathway.something_due(now) and workflow.patched(DUE_BEFORE_SLEEP_PATCH):
            return  # raise it first: the run loop comes straight back
        if self._changed and workflow.patched(CHANGES_DURING_PUBLISH_PATCH):
            return  # an update landed during this turn (while publishing): act on it first
        next_at = self._pathway.next_alert_at(now)
        timeout = None if next_at is None else max(next_at - now, timedelta(seconds=1))
        self._changed = False
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._changed or (self._close_waits and workflow.all_handlers_finished()),
                timeout=timeout,
                timeout_summary="next alert due",
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
            deliveries=self._deliveries_under_way(),
        )


def _referred(programme: ProgrammeDefinition, start: PathwayInput, *, dated: bool) -> Pathway:
    """The new pathway of a referral. Front ends check a referral before starting it
    (`app.referral`), but a start runs no validator: since `REFUSED_START_FAILS_PATCH`, a
    referral the domain refuses fails the workflow with the refusal, closed for good,
    rather than failing its first task again and again."""
    try:
        return Pathway.refer(
            programme, start.pathway_id, start.referral, start.meta, workflow.now(), dated=dated
        )
    except DomainError as err:
        if workflow.patched(REFUSED_START_FAILS_PATCH):
            raise refusal(err) from None
        raise


def _adopt_alert_rules(state: PathwayState) -> None:
    """Decided once per run, when it starts: the alert rules that follow the pathway
    (`ALERTS_FOLLOW_PATHWAY_PATCH`), then, for a pathway that follows them, a consent's
    notice never due before the consent (`CONSENT_NOTICE_PATCH`)."""
    if not follows_pathway(state) and workflow.patched(ALERTS_FOLLOW_PATHWAY_PATCH):
        follow_pathway(state, workflow.now())
    if (
        follows_pathway(state)
        and not consent_notice.notice_within_consent(state)
        and workflow.patched(CONSENT_NOTICE_PATCH)
    ):
        consent_notice.adopt(state)
