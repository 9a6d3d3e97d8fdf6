"""What staff tools ask of pathways, over the Temporal client: start, update, query, list.

Writes go through workflow updates only; refusals come back as `RequestRefused` carrying
the rule that refused and the moves allowed now.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateStage,
)
from temporalio.service import RPCError, RPCStatusCode

from parcours.app.closing import closed_refusal
from parcours.app.errors import (
    PathwayNotFound,
    not_found,
    refusal_of,
)
from parcours.app.health import ensure_runs, explain
from parcours.app.references import AmbiguousReference, new_pathway_id, typed_prefix
from parcours.app.sending import abandon, answered_within, update_id
from parcours.domain.commands import Command, Refer
from parcours.domain.inputs import reason_too_long
from parcours.domain.records import PATHWAY_ID, ExitOutcome, PathwayEvent, PathwayState, RequestMeta
from parcours.workflows import search_attributes as sa
from parcours.workflows.messages import (
    WORKFLOW_TYPE,
    Participant,
    PathwayInput,
    UpdateResult,
    update_name,
)
from parcours.workflows.search_attributes import search_attributes_at_start
from parcours.workflows.summaries import PathwayStatus

if TYPE_CHECKING:
    from parcours.domain.programme import ProgrammeDefinition

if TYPE_CHECKING:  # it imports cryptography, which a workflow sandbox must never import
    from parcours.activities.person_keys import PersonSealer


@dataclass(frozen=True)
class PathwaySummary:
    pathway_id: str
    programme: str
    stage: str
    referent: str
    next_alert_at: datetime | None
    running: bool


class PathwayClient:
    """With a `sealer`, identities and reasons go sealed under each person's own key."""

    def __init__(self, client: Client, task_queue: str, sealer: PersonSealer | None = None) -> None:
        self._client, self._task_queue, self.sealer = client, task_queue, sealer

    @property
    def temporal(self) -> Client:
        return self._client

    @property
    def task_queue(self) -> str:
        return self._task_queue

    async def refer(
        self,
        programme: ProgrammeDefinition,
        participant: Participant,
        referral: Refer,
        meta: RequestMeta,
        *,
        pathway_id: str | None = None,
    ) -> str:
        """Start a pathway; its input is checked first (`app.inputs`), since the start runs
        no validator: `ReferralRejected` names the first field typed wrong."""
        from parcours.app.inputs import check_referral  # noqa: PLC0415 - the programme models

        check_referral(participant, referral, meta)
        pathway_id = pathway_id or new_pathway_id()
        if self.sealer is not None:
            sealing = self.sealer.seal_referral
            participant, meta = await asyncio.to_thread(sealing, pathway_id, participant, meta)
        await self._client.start_workflow(
            WORKFLOW_TYPE,
            PathwayInput(
                pathway_id=pathway_id,
                programme=programme.model_dump(mode="json"),
                participant=participant,
                referral=referral,
                meta=meta,
            ),
            id=pathway_id,
            task_queue=self._task_queue,
            search_attributes=search_attributes_at_start(
                programme.name, programme.initial_stage, referral.referent
            ),
        )
        return pathway_id

    async def running(self, pathway_id: str) -> bool | None:
        """True while the pathway runs, False once finished, None if it never started."""
        described = await self._described(pathway_id)
        return None if described is None else described.status == WorkflowExecutionStatus.RUNNING

    async def listed_stage(self, pathway_id: str) -> str:
        """The stage the pathway lists under (its search attribute, a moment behind its
        last move); empty if the service does not have it."""
        described = await self._described(pathway_id)
        return "" if described is None else described.typed_search_attributes.get(sa.STAGE) or ""

    async def _described(self, pathway_id: str) -> WorkflowExecutionDescription | None:
        try:
            return await self._handle(pathway_id).describe()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return None
            raise

    async def resolve(self, reference: str) -> str:
        """The full pathway id for an id or a short, unambiguous prefix of it."""
        reference = reference.strip().lower()
        if PATHWAY_ID.fullmatch(reference):
            return reference
        prefix = typed_prefix(reference)
        if prefix is None:
            raise PathwayNotFound(reference)
        found = [
            summary.pathway_id
            for summary in await self.list(f"WorkflowId STARTS_WITH '{prefix}'", limit=10)
        ]
        if not found:
            raise PathwayNotFound(reference)
        if len(found) > 1:
            raise AmbiguousReference(reference, sorted(found))
        return found[0]

    def _handle(self, pathway_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(pathway_id)

    async def execute(self, pathway_id: str, command: Command, meta: RequestMeta) -> UpdateResult:
        if (refused := reason_too_long(meta.reason)) is not None:
            raise refused  # said here: once sealed, the reason no longer has its typed length
        if self.sealer is not None and meta.reason.strip():  # it may name the person: sealed
            meta = await asyncio.to_thread(self.sealer.seal_reason, pathway_id, meta)
        result = await self.update(
            pathway_id, update_name(type(command)), [meta, command], meta, UpdateResult
        )
        return cast(UpdateResult, result)

    async def update(
        self, pathway_id: str, name: str, args: list[Any], meta: RequestMeta, result_type: Any,
        *, within: float | None = None,
    ) -> Any:  # fmt: skip
        """Send one update; a refusal becomes `RequestRefused`, an unknown id `PathwayNotFound`.

        Whether the pathway can run is asked while the update travels, so that a pathway
        that cannot run is said so at once (`PathwayCannotRun`) without delaying the others.
        `within`: once the pathway has accepted it, its answer is waited for that long, then
        None (it runs on: a partner slow to answer a retry).
        """
        sent = self._send(pathway_id, name, args, meta, result_type, within=within)
        sending = asyncio.ensure_future(sent)
        try:
            await ensure_runs(self._client, pathway_id)
        except BaseException:
            abandon(sending)
            raise
        return await sending

    async def _send(
        self, pathway_id: str, name: str, args: list[Any], meta: RequestMeta, result_type: Any,
        *, within: float | None,
    ) -> Any:  # fmt: skip
        named = {"args": args, "id": update_id(meta.request_id, name), "result_type": result_type}
        try:
            if within is None:
                return await self._handle(pathway_id).execute_update(name, **named)
            accepted = await self._handle(pathway_id).start_update(
                name, wait_for_stage=WorkflowUpdateStage.ACCEPTED, **named
            )
            return await answered_within(accepted.result(), within)
        except WorkflowUpdateFailedError as err:
            raise refusal_of(err.cause) from None
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND and await self.running(pathway_id) is False:
                raise await closed_refusal(pathway_id, lambda: self.state(pathway_id)) from None
            raise not_found(err, pathway_id) from None

    async def status(self, pathway_id: str) -> PathwayStatus:
        return cast(PathwayStatus, await self._opened(pathway_id, "status", PathwayStatus))

    async def timeline(self, pathway_id: str) -> list[PathwayEvent]:
        return cast(
            list[PathwayEvent], await self._opened(pathway_id, "timeline", list[PathwayEvent])
        )

    async def state(self, pathway_id: str) -> PathwayState:
        return cast(PathwayState, await self._opened(pathway_id, "state", PathwayState))

    async def outcome(self, pathway_id: str) -> ExitOutcome | None:
        """How the pathway exited (None while it has not), read from its status as stored:
        nothing sealed is opened for it, so asking is no read of the person's file."""
        status = cast(PathwayStatus, await self._query(pathway_id, "status", PathwayStatus))
        return status.outcome

    async def state_as_stored(self, pathway_id: str) -> PathwayState:
        """The state with staff's reasons still sealed, as the read model must keep them."""
        return cast(PathwayState, await self._query(pathway_id, "state", PathwayState))

    async def _opened(self, pathway_id: str, name: str, result_type: Any) -> Any:
        """A query's answer with the reasons staff typed opened (`[erased]` once erased)."""
        found, sealer = await self._query(pathway_id, name, result_type), self.sealer
        return found if sealer is None else await asyncio.to_thread(sealer.open, found)

    async def participant(self, pathway_id: str) -> Participant:
        return cast(Participant, await self._opened(pathway_id, "participant", Participant))

    async def participant_as_stored(self, pathway_id: str) -> Participant:
        return cast(Participant, await self._query(pathway_id, "participant", Participant))

    async def _query(self, pathway_id: str, name: str, result_type: Any) -> Any:
        """Ask the pathway; one that cannot run is said so (`PathwayCannotRun`) at once."""
        await ensure_runs(self._client, pathway_id)
        try:
            return await self._handle(pathway_id).query(name, result_type=result_type)
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise PathwayNotFound(pathway_id) from None
            raise await explain(self._client, pathway_id, err) from None
        except WorkflowQueryFailedError as err:
            raise await explain(self._client, pathway_id, err) from None

    async def list(self, query: str = "", *, limit: int = 1000) -> list[PathwaySummary]:
        """One summary per pathway matching `query`, open or closed, in visibility order.

        Should an id come back twice (started again after it closed), its running run,
        else the first listed (the latest), is kept.
        """
        found: dict[str, PathwaySummary] = {}
        async for summary in self._summaries(query, limit):
            known = found.get(summary.pathway_id)
            if known is None or (summary.running and not known.running):
                found[summary.pathway_id] = summary
        return list(found.values())

    async def pathway_ids(self, query: str = "", *, limit: int = 100_000) -> AsyncIterator[str]:
        """The id of every pathway matching `query`, each once, page by page."""
        seen: set[str] = set()
        async for summary in self._summaries(query, limit):
            if summary.pathway_id not in seen:
                seen.add(summary.pathway_id)
                yield summary.pathway_id

    async def _summaries(self, query: str, limit: int) -> AsyncIterator[PathwaySummary]:
        """Visibility rows, one per run: runs that continued as new are left out."""
        base = f"WorkflowType = '{WORKFLOW_TYPE}' AND ExecutionStatus != 'ContinuedAsNew'"
        async for execution in self._client.list_workflows(
            f"{base} AND {query}" if query else base, limit=limit
        ):
            attrs = execution.typed_search_attributes
            running = execution.status == WorkflowExecutionStatus.RUNNING
            yield PathwaySummary(
                pathway_id=execution.id,
                programme=attrs.get(sa.PROGRAMME) or "",
                stage=attrs.get(sa.STAGE) or "",
                referent=attrs.get(sa.REFERENT) or "",
                # a run that has ended raises no alert: its last indexed one is not next
                next_alert_at=attrs.get(sa.NEXT_ALERT_AT) if running else None,
                running=running,
            )

    async def exists(self, pathway_id: str) -> bool:
        """Whether the service still has this pathway, open or closed."""
        return await self.running(pathway_id) is not None

    async def retry_notification(self, pathway_id: str, key: str, meta: RequestMeta) -> int:
        """Ask the pathway to send again what `key` (event and partner kind) names; how many
        messages went to the channels. `RequestRefused`: a role that may not, an unknown
        key, or a partner kind the participant no longer consents to."""
        from parcours.workflows.retries import RETRY_NOTIFICATION_UPDATE  # noqa: PLC0415

        result = await self.update(pathway_id, RETRY_NOTIFICATION_UPDATE, [meta, key], meta, int)
        return cast(int, result)
