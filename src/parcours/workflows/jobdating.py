"""`JobDatingWorkflow`: one durable workflow per job-dating event.

Orchestration only: the rules are `domain.jobdating`'s. The event is started planned
(its day, place, agencies and candidates, checked by the front end against the partner
directory and each candidate's pathway); since `SIGNED_JOBDATING_PATCH` its first step
asks the worker whether the plan proves its sender (`workflows.actors`). `invite` has
the agencies invited and told of each consenting candidate (`send_jobdating_invitations`);
a durable timer reminds them the day before (`send_jobdating_reminders`); `record` hands
each candidate's outcome to their pathway as that pathway's own validated update, under a
request id derived from the event, the recording and the candidate
(`hand_jobdating_outcome`), so a retry applies it once; a refusal comes back with its rule
and holds back no other candidate. The event completes once every outcome is applied, or
`KEPT_AFTER` its day.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from dataclasses import replace
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain.errors import DomainError
    from parcours.domain.jobdating import (
        Candidate,
        JobDatingEvent,
        OutcomeEntry,
        acted_at,
        check_invite,
        check_outcomes,
        check_role,
        entered_after,
        finished,
        invitation_unsent,
        next_wake,
        outcome_command,
        outcome_request_id,
        remind_now,
    )
    from parcours.domain.jobdating_notices import check_resend_before_the_day, message_to_retry
    from parcours.domain.records import RequestMeta
    from parcours.workflows.actors import check_jobdating
    from parcours.workflows.errors import refusal
    from parcours.workflows.jobdating_messages import (
        JOBDATING_TYPE,
        InvitationReport,
        JobDatingInput,
        OutcomeAnswer,
        OutcomeDelivery,
        RecordAnswer,
        ResendRequest,
    )
    from parcours.workflows.patches import (
        HANDED_WITH_SIGNATURE_PATCH,
        JOBDATING_DATED_PATCH,
        JOBDATING_LATE_INVITATION_PATCH,
        SIGNED_JOBDATING_PATCH,
    )
    from parcours.workflows.publishing import ACTIVITY_RETRY, NOTIFY_RETRY

__all__ = ["JobDatingWorkflow"]

SEND_TIMEOUT = timedelta(minutes=2)
HAND_TIMEOUT = timedelta(minutes=1)


@workflow.defn(name=JOBDATING_TYPE)
class JobDatingWorkflow:
    @workflow.init
    def __init__(self, start: JobDatingInput) -> None:
        self._event: JobDatingEvent = start.event
        self._invitation: InvitationReport | None = None
        self._records: dict[str, RecordAnswer] = {}
        self._recording: set[str] = set()
        self._changed = False
        self._retried: dict[str, int] = {}
        self._sent: JobDatingInput | None = None
        if workflow.patched(SIGNED_JOBDATING_PATCH):  # checked first, as it was sent
            self._sent = JobDatingInput(copy.deepcopy(start.event), start.meta)
        self._checked = self._sent is None
        self._dated = workflow.patched(JOBDATING_DATED_PATCH)
        if self._dated and self._event.entered_at is None:
            self._event.entered_at = entered_after(self._event, workflow.now())

    def _at(self, meta: RequestMeta) -> datetime:
        """When the request says it happened (dated events only), else now."""
        if not self._dated:
            return workflow.now()
        return acted_at(meta.effective_at, workflow.now())

    # -- invitations ---------------------------------------------------------------------

    @workflow.update
    async def invite(self, meta: RequestMeta) -> InvitationReport:
        """Invite the agencies once; asked again, the first invitation's report answers."""
        if not self._checked:  # the plan's signature first (`SIGNED_JOBDATING_PATCH`)
            await workflow.wait_condition(lambda: self._checked)
        if self._event.invited_at is not None:
            await workflow.wait_condition(lambda: self._invitation is not None)
            assert self._invitation is not None
            return self._invitation
        self._event.invited_at = self._at(meta)
        report = await self._send_invitations()
        self._event.presented = len(report.presented)
        self._event.failures.extend(report.failures)
        self._invitation = report
        self._changed = True
        said = "job-dating invitations sent" if report.sent else "job-dating invitation recorded"
        workflow.logger.info(said, extra={"agencies": report.agencies, "sent": report.sent})
        return report

    async def _send_invitations(self) -> InvitationReport:
        """The invitations and presentations, sent; after the event's day, recorded only."""
        late = invitation_unsent(self._event, workflow.now())
        if late and workflow.patched(JOBDATING_LATE_INVITATION_PATCH):
            self._event.invited_unsent = True
            return InvitationReport(agencies=0, sent=False)
        report: InvitationReport = await workflow.execute_activity(
            "send_jobdating_invitations",
            self._event,
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=NOTIFY_RETRY,
            result_type=InvitationReport,
        )
        return report

    @invite.validator
    def _may_invite(self, meta: RequestMeta) -> None:
        try:
            check_role(meta.actor.role)
            if self._event.invited_at is None:
                check_invite(self._event, self._at(meta))
        except DomainError as err:
            raise refusal(err) from None

    # -- outcomes ------------------------------------------------------------------------

    @workflow.update
    async def record(self, meta: RequestMeta, entries: list[OutcomeEntry]) -> RecordAnswer:
        """Hand every outcome to its candidate's pathway at once; answer what each said."""
        if not self._checked:
            await workflow.wait_condition(lambda: self._checked)
        request_id = meta.request_id
        if request_id in self._records or request_id in self._recording:
            await workflow.wait_condition(lambda: request_id in self._records)
            return replace(self._records[request_id], duplicate=True)
        try:  # judged again: another recording may have run since the validator
            check_outcomes(self._event, entries, self._at(meta))
        except DomainError as err:
            raise refusal(err) from None
        self._recording.add(request_id)
        for entry in entries:
            self._candidate(entry.pathway_id).pending = True
        answers = await asyncio.gather(*(self._hand(meta, entry) for entry in entries))
        for entry, answer in zip(entries, answers, strict=True):
            self._settle(entry, answer)
        self._records[request_id] = RecordAnswer(list(answers))
        self._recording.discard(request_id)
        self._changed = True
        return self._records[request_id]

    @record.validator
    def _may_record(self, meta: RequestMeta, entries: list[OutcomeEntry]) -> None:
        if meta.request_id in self._records or meta.request_id in self._recording:
            return  # a retried recording: answered from what it did the first time
        try:
            check_role(meta.actor.role)
            check_outcomes(self._event, entries, self._at(meta))
        except DomainError as err:
            raise refusal(err) from None

    async def _hand(self, meta: RequestMeta, entry: OutcomeEntry) -> OutcomeAnswer:
        own = outcome_request_id(self._event.event_id, meta.request_id, entry.pathway_id)
        handed = RequestMeta(own, meta.actor, meta.reason)
        if workflow.patched(HANDED_WITH_SIGNATURE_PATCH):  # the recording's key id, for the record
            # dated by the outcome command itself (the event's day), not by the recording
            handed = replace(meta, request_id=own, effective_at=None)
        delivery = OutcomeDelivery(
            pathway_id=entry.pathway_id,
            meta=handed,
            command=outcome_command(self._event, entry),
        )
        answer: OutcomeAnswer = await workflow.execute_activity(
            "hand_jobdating_outcome",
            delivery,
            start_to_close_timeout=HAND_TIMEOUT,
            retry_policy=ACTIVITY_RETRY,
            result_type=OutcomeAnswer,
        )
        return answer

    def _candidate(self, pathway_id: str) -> Candidate:
        found = self._event.candidate(pathway_id)
        assert found is not None  # checked by check_outcomes
        return found

    def _settle(self, entry: OutcomeEntry, answer: OutcomeAnswer) -> None:
        candidate = self._candidate(entry.pathway_id)
        candidate.pending = False
        candidate.outcome, candidate.agency = entry.outcome, entry.agency
        candidate.seq = answer.seq if answer.applied else 0
        candidate.refused_rule, candidate.refused_code = answer.rule, answer.code
        candidate.refused_values, candidate.refused_message = dict(answer.values), answer.message

    # -- messages sent again -------------------------------------------------------------

    @workflow.update
    async def retry_message(self, meta: RequestMeta, key: str) -> int:
        """Send one of the event's messages again (`notifications retry KEY`); how many went
        to the channels. A retried request id is answered from what it did the first time."""
        if meta.request_id in self._retried:
            return self._retried[meta.request_id]
        try:
            message_to_retry(self._event, key)
        except DomainError as err:
            raise refusal(err) from None
        sent: int = await workflow.execute_activity(
            "resend_jobdating_message",
            ResendRequest(self._event, key),
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=NOTIFY_RETRY,
            result_type=int,
        )
        self._retried[meta.request_id] = sent
        workflow.logger.info("job-dating message retry", extra={"notification": key})
        return sent

    @retry_message.validator
    def _may_retry_message(self, meta: RequestMeta, key: str) -> None:
        if meta.request_id in self._retried:
            return
        try:
            check_role(meta.actor.role)
            check_resend_before_the_day(self._event, workflow.now())
            message_to_retry(self._event, key)
        except DomainError as err:
            raise refusal(err) from None

    # -- queries -------------------------------------------------------------------------

    @workflow.query
    def status(self) -> JobDatingEvent:
        return self._event

    @workflow.query
    def invitation(self) -> InvitationReport | None:
        return self._invitation

    # -- the run loop --------------------------------------------------------------------

    @workflow.run
    async def run(self, start: JobDatingInput) -> JobDatingEvent:
        if self._sent is not None:
            await check_jobdating(self._sent)  # before anything is sent
            self._checked = True
        while not finished(self._event, workflow.now()):
            if remind_now(self._event, workflow.now()):
                await self._remind()
                continue
            await self._sleep()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._event

    async def _remind(self) -> None:
        self._event.reminded_at = workflow.now()
        failures: list[str] = await workflow.execute_activity(
            "send_jobdating_reminders",
            self._event,
            start_to_close_timeout=SEND_TIMEOUT,
            retry_policy=NOTIFY_RETRY,
            result_type=list[str],
        )
        self._event.failures.extend(failures)

    async def _sleep(self) -> None:
        now = workflow.now()
        timeout = max(next_wake(self._event, now) - now, timedelta(seconds=1))
        self._changed = False
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(
                lambda: self._changed, timeout=timeout, timeout_summary="reminder or end"
            )
