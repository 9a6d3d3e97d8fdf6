"""What staff tools ask of pathways, over the Temporal client: start, update, query, list.

Writes go through workflow updates only; refusals come back as `RequestRefused` carrying
the rule that refused and the moves allowed now.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from parcours import search_attributes as sa
from parcours.domain.commands import Command, Refer
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.workflows.messages import (
    WORKFLOW_TYPE,
    Participant,
    PathwayInput,
    PathwayStatus,
    UpdateResult,
    update_name,
)
from parcours.workflows.pathway import search_attributes_at_start


class RequestRefused(Exception):
    """The pathway refused the request: `rule` refused it, `allowed` may be done now."""

    def __init__(self, message: str, rule: str, allowed: list[str]) -> None:
        super().__init__(message)
        self.message, self.rule, self.allowed = message, rule, allowed


class PathwayNotFound(LookupError):
    """No pathway with that id."""


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

    def _handle(self, pathway_id: str) -> WorkflowHandle[Any, Any]:
        return self._client.get_workflow_handle(pathway_id)

    async def execute(self, pathway_id: str, command: Command, meta: RequestMeta) -> UpdateResult:
        handle = self._handle(pathway_id)
        try:
            result = await handle.execute_update(
                update_name(type(command)),
                args=[meta, command],
                id=meta.request_id,
                result_type=UpdateResult,
            )
            return cast(UpdateResult, result)
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
        base = f"WorkflowType = '{WORKFLOW_TYPE}'"
        found: list[PathwaySummary] = []
        async for execution in self._client.list_workflows(
            f"{base} AND {query}" if query else base, limit=limit
        ):
            attrs = execution.typed_search_attributes
            found.append(
                PathwaySummary(
                    pathway_id=execution.id,
                    programme=attrs.get(sa.PROGRAMME) or "",
                    stage=attrs.get(sa.STAGE) or "",
                    referent=attrs.get(sa.REFERENT) or "",
                    next_alert_at=attrs.get(sa.NEXT_ALERT_AT),
                    running=execution.status == WorkflowExecutionStatus.RUNNING,
                )
            )
        return found


def _refusal(cause: BaseException | None) -> RequestRefused:
    if isinstance(cause, ApplicationError):
        details = cause.details[0] if cause.details else {}
        rule = (
            str(details.get("rule", cause.type or "refused")) if isinstance(details, dict) else ""
        )
        allowed = list(details.get("allowed", [])) if isinstance(details, dict) else []
        return RequestRefused(cause.message, rule, allowed)
    return RequestRefused(str(cause), "refused", [])


def _not_found(err: RPCError, pathway_id: str) -> Exception:
    if err.status == RPCStatusCode.NOT_FOUND:
        return PathwayNotFound(f"no pathway {pathway_id}")
    return err
