"""What staff tools ask of pathways, over the Temporal client: start, update, query, list.

Writes go through workflow updates only; refusals come back as `RequestRefused` carrying
the rule that refused and the moves allowed now.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from parcours.domain.commands import Command, Refer
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.workflows import search_attributes as sa
from parcours.workflows.messages import (
    WORKFLOW_TYPE,
    Participant,
    PathwayInput,
    PathwayStatus,
    UpdateResult,
    update_name,
)
from parcours.workflows.pathway import RETRY_NOTIFICATION_UPDATE, search_attributes_at_start
from parcours.workflows.registry import (
    ReferralRegistry,
    RegistryInput,
    Reservation,
    ReservationResult,
    registry_id,
)


class RequestRefused(Exception):
    """The pathway refused the request: `rule` refused it, `allowed` may be done now.

    `code` names the refusal's sentence and `values` what it says, for saying it in the
    reader's language; both are empty when the workflow sent none (an older worker).
    """

    def __init__(
        self,
        message: str,
        rule: str,
        allowed: list[str],
        code: str = "",
        values: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.rule, self.allowed = message, rule, allowed
        self.code, self.values = code, dict(values or {})


class PathwayNotFound(LookupError):
    """No pathway with that id."""


class DuplicateReferral(Exception):
    """The person already has an open pathway in this programme: `pathway_id`."""

    def __init__(self, pathway_id: str) -> None:
        super().__init__(pathway_id)
        self.pathway_id = pathway_id


class AmbiguousReference(LookupError):
    """A short reference that more than one pathway id starts with."""

    def __init__(self, reference: str, candidates: list[str]) -> None:
        super().__init__(reference)
        self.reference, self.candidates = reference, candidates


PATHWAY_ID = re.compile(r"pathway-[0-9a-f]{16}")
SHORT_REFERENCE = re.compile(r"(?:pathway-)?(?P<prefix>[0-9a-f]{4,16})")


def new_pathway_id() -> str:
    """Opaque and random: never derived from who the person is."""
    return f"pathway-{secrets.token_hex(8)}"


@dataclass(frozen=True)
class PathwaySummary:
    pathway_id: str
    programme: str
    stage: str
    referent: str
    next_alert_at: datetime | None
    running: bool


class PathwayClient:
    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    @property
    def temporal(self) -> Client:
        return self._client

    async def refer(
        self,
        programme: ProgrammeDefinition,
        participant: Participant,
        referral: Refer,
        meta: RequestMeta,
        *,
        pathway_id: str | None = None,
    ) -> str:
        pathway_id = pathway_id or new_pathway_id()
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

    async def refer_once(
        self,
        programme: ProgrammeDefinition,
        participant: Participant,
        referral: Refer,
        meta: RequestMeta,
        fingerprints: list[str],
    ) -> str:
        """Refer a person unless they already have an open pathway in this programme.

        The programme's referral registry reserves the new id first (update-with-start),
        so two concurrent referrals of one person cannot both create a pathway.
        """
        proposed = new_pathway_id()
        reservation = await self._reserve(programme.name, fingerprints, proposed, meta, "")
        if not reservation.existing:
            return await self.refer(programme, participant, referral, meta, pathway_id=proposed)
        known = reservation.pathway_id
        running = await self._running(known)
        if running is None:
            # A reservation whose pathway never started (the client stopped in between).
            try:
                return await self.refer(programme, participant, referral, meta, pathway_id=known)
            except WorkflowAlreadyStartedError:
                raise DuplicateReferral(known) from None
        if running:
            raise DuplicateReferral(known)
        replaced = await self._reserve(programme.name, fingerprints, proposed, meta, known)
        if replaced.existing:
            raise DuplicateReferral(replaced.pathway_id)
        return await self.refer(programme, participant, referral, meta, pathway_id=proposed)

    async def _reserve(
        self,
        programme: str,
        fingerprints: list[str],
        pathway_id: str,
        meta: RequestMeta,
        replaces: str,
    ) -> ReservationResult:
        result = await self._client.execute_update_with_start_workflow(
            ReferralRegistry.reserve,
            Reservation(fingerprints=fingerprints, pathway_id=pathway_id, replaces=replaces),
            id=f"{meta.request_id}-{'replace' if replaces else 'reserve'}",
            start_workflow_operation=WithStartWorkflowOperation(
                ReferralRegistry.run,
                RegistryInput(),
                id=registry_id(programme, self._task_queue),
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                task_queue=self._task_queue,
            ),
        )
        return result

    async def _running(self, pathway_id: str) -> bool | None:
        """True while the pathway runs, False once finished, None if it never started."""
        try:
            described = await self._handle(pathway_id).describe()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        return described.status == WorkflowExecutionStatus.RUNNING

    async def resolve(self, reference: str) -> str:
        """The full pathway id for an id or a short, unambiguous prefix of it."""
        reference = reference.strip().lower()
        if PATHWAY_ID.fullmatch(reference):
            return reference
        match = SHORT_REFERENCE.fullmatch(reference)
        if match is None:
            raise PathwayNotFound(reference)
        prefix = f"pathway-{match.group('prefix')}"
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
        result = await self._update(
            pathway_id, update_name(type(command)), [meta, command], meta, UpdateResult
        )
        return cast(UpdateResult, result)

    async def _update(
        self, pathway_id: str, name: str, args: list[Any], meta: RequestMeta, result_type: Any
    ) -> Any:
        """Send one update; a refusal becomes `RequestRefused`, an unknown id `PathwayNotFound`."""
        try:
            return await self._handle(pathway_id).execute_update(
                name, args=args, id=meta.request_id, result_type=result_type
            )
        except WorkflowUpdateFailedError as err:
            raise _refusal(err.cause) from None
        except RPCError as err:
            raise _not_found(err, pathway_id) from None

    async def status(self, pathway_id: str) -> PathwayStatus:
        return cast(PathwayStatus, await self._query(pathway_id, "status", PathwayStatus))

    async def timeline(self, pathway_id: str) -> list[PathwayEvent]:
        return cast(
            list[PathwayEvent], await self._query(pathway_id, "timeline", list[PathwayEvent])
        )

    async def state(self, pathway_id: str) -> PathwayState:
        return cast(PathwayState, await self._query(pathway_id, "state", PathwayState))

    async def participant(self, pathway_id: str) -> Participant:
        return cast(Participant, await self._query(pathway_id, "participant", Participant))

    async def _query(self, pathway_id: str, name: str, result_type: Any) -> Any:
        try:
            return await self._handle(pathway_id).query(name, result_type=result_type)
        except RPCError as err:
            raise _not_found(err, pathway_id) from None

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
            yield PathwaySummary(
                pathway_id=execution.id,
                programme=attrs.get(sa.PROGRAMME) or "",
                stage=attrs.get(sa.STAGE) or "",
                referent=attrs.get(sa.REFERENT) or "",
                next_alert_at=attrs.get(sa.NEXT_ALERT_AT),
                running=execution.status == WorkflowExecutionStatus.RUNNING,
            )

    async def exists(self, pathway_id: str) -> bool:
        """Whether the service still has this pathway, open or closed."""
        return await self._running(pathway_id) is not None

    async def retry_notification(self, pathway_id: str, key: str, meta: RequestMeta) -> int:
        """Ask the pathway to send again what event and partner kind `key` names.

        The pathway's validator refuses a role that may not, an unknown key, or a key
        whose partner kind the participant no longer consents to: `RequestRefused`.
        Returns how many messages were handed to the partners' channels.
        """
        result = await self._update(pathway_id, RETRY_NOTIFICATION_UPDATE, [meta, key], meta, int)
        return cast(int, result)


def _refusal(cause: BaseException | None) -> RequestRefused:
    if isinstance(cause, ApplicationError):
        details = cause.details[0] if cause.details else {}
        rule = (
            str(details.get("rule", cause.type or "refused")) if isinstance(details, dict) else ""
        )
        allowed = list(details.get("allowed", [])) if isinstance(details, dict) else []
        code = str(details.get("code") or "") if isinstance(details, dict) else ""
        values = details.get("values") if isinstance(details, dict) else None
        said = {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}
        return RequestRefused(cause.message, rule, allowed, code, said)
    return RequestRefused(str(cause), "refused", [])


def _not_found(err: RPCError, pathway_id: str) -> Exception:
    if err.status == RPCStatusCode.NOT_FOUND:
        return PathwayNotFound(f"no pathway {pathway_id}")
    return err
