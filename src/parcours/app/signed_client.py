"""A Temporal client that signs every request it sends with a staff credential.

One client interceptor, so that no front end can forget to sign: each update whose first
argument is a `RequestMeta` (every staff action, notification retry, job-dating
invitation and recording) or a reservation's `Claim` carrying the referral's (its claim
and release), each pathway's start (its referral) and each job-dating's start (its plan)
leaves with the request signed over the update's or workflow's name, the workflow id and
its content (`domain.signing`). The worker checks it (`app.actor_check`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from temporalio.client import (
    Client,
    OutboundInterceptor,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    StartWorkflowUpdateWithStartInput,
    WorkflowHandle,
    WorkflowUpdateHandle,
)

from parcours.app.credentials import SigningKey, sign
from parcours.app.outbound import with_outbound
from parcours.workflows.actors import (
    jobdating_content,
    referral_content,
    staff_request,
    with_request,
)
from parcours.workflows.jobdating_messages import JobDatingInput
from parcours.workflows.messages import PathwayInput


def signed_client(client: Client, key: SigningKey) -> Client:
    """`client`, with every request it sends signed with `key`."""
    return with_outbound(client, partial(_SigningOutbound, key=key))


class _SigningOutbound(OutboundInterceptor):
    def __init__(self, next: OutboundInterceptor, key: SigningKey) -> None:
        super().__init__(next)
        self._key = key

    async def start_workflow(self, input: StartWorkflowInput) -> WorkflowHandle[Any, Any]:
        first = input.args[0] if input.args else None
        if isinstance(first, PathwayInput):
            content = referral_content(first.programme, first.referral)
            meta = sign(self._key, input.workflow, input.id, first.meta, content)
            input.args = [replace(first, meta=meta), *input.args[1:]]
        elif isinstance(first, JobDatingInput):
            content = jobdating_content(first.event)
            meta = sign(self._key, input.workflow, input.id, first.meta, content)
            input.args = [replace(first, meta=meta), *input.args[1:]]
        return await super().start_workflow(input)

    async def start_workflow_update(
        self, input: StartWorkflowUpdateInput
    ) -> WorkflowUpdateHandle[Any]:
        input.args = self._signed(input.update, input.id, input.args)
        return await super().start_workflow_update(input)

    async def start_update_with_start_workflow(
        self, input: StartWorkflowUpdateWithStartInput
    ) -> WorkflowUpdateHandle[Any]:
        """A reservation's claim, which starts the reservation if need be."""
        update = input.update_workflow_input
        update.args = self._signed(update.update, input.start_workflow_input.id, update.args)
        return await super().start_update_with_start_workflow(input)

    def _signed(self, update: str, target: str, args: Sequence[Any]) -> list[Any]:
        meta, content = staff_request(args) or (None, [])
        if meta is None:
            return list(args)
        return with_request(args, sign(self._key, update, target, meta, content))
