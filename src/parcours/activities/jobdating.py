"""What a job-dating event asks of the outside world: telling its agencies, and handing
each outcome to the candidate's pathway.

Messages go through the partners' channels and the outbox exactly as a pathway's do
(`NotificationActivities.send_notifications`): a key already sent is never sent again,
so a retried activity sends nothing twice. A candidate's data is read from their pathway
(its `state` and `participant` queries, through the worker's own client) when the
invitations go out, minimised by the domain under their consent, sent, and not kept.
An outcome is the pathway's own update (`record_job_dating`), as a front end sends it:
validated by the pathway, applied once under its request id.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import structlog
from temporalio import activity
from temporalio.client import Client, WorkflowQueryFailedError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from parcours.activities.notify import NotificationActivities
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.temporal.seal import seal
from parcours.domain.commands import RecordJobDating
from parcours.domain.errors import CLOSED_RULE
from parcours.domain.jobdating import JobDatingEvent
from parcours.domain.jobdating_notices import (
    CANDIDATE,
    invitations,
    message_to_retry,
    presentation,
    reminders,
    retried,
)
from parcours.domain.notification import Notification
from parcours.domain.records import PathwayState, RequestMeta
from parcours.programmes import get_programme
from parcours.workflows.jobdating_messages import (
    InvitationReport,
    OutcomeAnswer,
    OutcomeDelivery,
    ResendRequest,
)
from parcours.workflows.messages import (
    NotificationBatch,
    Participant,
    UpdateResult,
    participant_fields,
    update_name,
)

log = structlog.stdlib.get_logger("parcours.jobdating")

OUTCOME_UPDATE = update_name(RecordJobDating)


class JobDatingActivities:
    def __init__(
        self,
        notify: NotificationActivities,
        seals: Callable[[], list[bytes]] | None = None,
        sealer: PersonSealer | None = None,
    ) -> None:
        self._notify = notify
        self._seals = seals
        """The service's seal secrets (`adapters.temporal.seal`): each outcome handed to a
        pathway is sealed, so that the pathway's check knows parcours handed it on after
        checking the recording's signature."""
        self._sealer = sealer
        """Seals the reason typed at the recording under each candidate's own key."""

    @activity.defn(name="send_jobdating_invitations")
    async def send_invitations(self, event: JobDatingEvent) -> InvitationReport:
        """The invitation to every agency, then each candidate who consents to it."""
        report = InvitationReport(agencies=len(event.agencies))
        report.failures += await self._send(event.event_id, event.programme, invitations(event))
        client = activity.client()
        for candidate in event.candidates:
            notices = await _presentation(client, event, candidate.pathway_id)
            if not notices:
                report.without_consent.append(candidate.pathway_id)
                continue
            report.failures += await self._send(candidate.pathway_id, event.programme, notices)
            report.presented.append(candidate.pathway_id)
        log.info(
            "job-dating invitations",
            event_id=event.event_id,
            presented=len(report.presented),
            failures=len(report.failures),
        )
        return report

    @activity.defn(name="send_jobdating_reminders")
    async def send_reminders(self, event: JobDatingEvent) -> list[str]:
        """The reminder to every agency; the keys of those that failed for good."""
        return await self._send(event.event_id, event.programme, reminders(event))

    @activity.defn(name="resend_jobdating_message")
    async def resend(self, request: ResendRequest) -> int:
        """One message again, to its one agency (after `notifications retry`): a candidate
        is presented again only under their consent now. How many went to the channels."""
        event = request.event
        message = message_to_retry(event, request.key)
        owner, notices = event.event_id, retried(event, message)
        if message.kind == CANDIDATE:
            owner = message.pathway_id
            made = await _presentation(activity.client(), event, owner)
            notices = [n for n in made if n.partner_name == message.agency]
        await self._send(owner, event.programme, notices)
        return len(notices)

    async def _send(self, owner: str, programme: str, notices: list[Notification]) -> list[str]:
        """Send through the outbox and the channels, in the worker's thread pool (the
        channels block); the outbox keys that can never be delivered. `run_in_executor`
        rather than `to_thread`: the thread must not inherit this async activity's context,
        where the sender's heartbeats (meant for the synchronous `send_notifications`
        activity) would need an event loop the thread does not have."""
        batch = NotificationBatch(owner, programme, notices)
        loop = asyncio.get_running_loop()
        failures = await loop.run_in_executor(None, self._notify.send_notifications, batch)
        return [f.key for f in failures]

    @activity.defn(name="hand_jobdating_outcome")
    async def hand_outcome(self, delivery: OutcomeDelivery) -> OutcomeAnswer:
        """Send the outcome to the candidate's pathway; its answer, refusals included."""
        pathway_id = delivery.pathway_id
        handle = activity.client().get_workflow_handle(pathway_id)
        meta = self._sealed(await self._reason_sealed(delivery))
        try:
            result: UpdateResult = await handle.execute_update(
                OUTCOME_UPDATE,
                args=[meta, delivery.command],
                id=f"{delivery.meta.request_id}@{OUTCOME_UPDATE}",  # as `app.sending.update_id`
                result_type=UpdateResult,
            )
        except WorkflowUpdateFailedError as err:
            return _refused(pathway_id, err.cause)
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
            return _closed(pathway_id)
        return OutcomeAnswer(
            pathway_id, True, seq=result.seq, duplicate=result.duplicate, stage=result.stage.value
        )

    async def _reason_sealed(self, delivery: OutcomeDelivery) -> OutcomeDelivery:
        """The outcome with the reason typed at the recording sealed under the candidate's
        key, as the CLI seals the reason of every action: erasing the person erases it from
        their pathway (the job-dating's own history keeps it as typed)."""
        if self._sealer is None or not delivery.meta.reason.strip():
            return delivery
        sealing = self._sealer.seal_reason
        meta = await asyncio.to_thread(sealing, delivery.pathway_id, delivery.meta)
        return replace(delivery, meta=meta)

    def _sealed(self, delivery: OutcomeDelivery) -> RequestMeta:
        """The outcome's request, handed by this job-dating and sealed by the service."""
        if self._seals is None:
            return delivery.meta
        handed = replace(delivery.meta, handed_by=activity.info().workflow_id or "", seal="")
        secret = self._seals()[0]
        mark = seal(secret, OUTCOME_UPDATE, delivery.pathway_id, handed, [delivery.command])
        return replace(handed, seal=mark)


async def _presentation(
    client: Client, event: JobDatingEvent, pathway_id: str
) -> list[Notification]:
    """The candidate's messages to the agencies; none without consent, or when the pathway
    cannot be read (gone, or unable to run): it is then left out, and said so."""
    handle = client.get_workflow_handle(pathway_id)
    try:
        state = await handle.query("state", result_type=PathwayState)
        person = await handle.query("participant", result_type=Participant)
    except (RPCError, WorkflowQueryFailedError) as err:
        log.warning("candidate not readable", pathway_id=pathway_id, error=type(err).__name__)
        return []
    programme = get_programme(state.programme, state.programme_version)
    now = datetime.now(UTC)
    return presentation(event, state, programme, participant_fields(person), now)


def _refused(pathway_id: str, cause: BaseException | None) -> OutcomeAnswer:
    """The pathway's refusal as its validator sent it: the rule, its sentence and values."""
    if not isinstance(cause, ApplicationError):
        return OutcomeAnswer(pathway_id, False, rule="refused", message=str(cause))
    details = cause.details[0] if cause.details else {}
    details = details if isinstance(details, dict) else {}
    values = details.get("values")
    return OutcomeAnswer(
        pathway_id,
        False,
        rule=str(details.get("rule") or cause.type or "refused"),
        code=str(details.get("code") or ""),
        values={str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {},
        message=cause.message,
    )


def _closed(pathway_id: str) -> OutcomeAnswer:
    return OutcomeAnswer(
        pathway_id,
        False,
        rule=CLOSED_RULE,
        code="pathway_finished",
        values={"pathway": pathway_id},
        message=f"pathway {pathway_id} is closed for good: nothing more can be recorded on it",
    )
