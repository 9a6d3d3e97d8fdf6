"""A Temporal client that signs every request it sends with a staff credential.

One client interceptor, so that no front end can forget to sign: each update whose first
argument is a `RequestMeta` (every staff action, notification retry, job-dating
invitation and recording) and each pathway's start (its referral) leaves with the
request signed over the update's or workflow's name, the workflow id and its content
(`domain.signing`). The worker checks it (`app.actor_check`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from temporalio.client import (
    Client,
    OutboundInterceptor,
    StartWorkflowInput,
    StartWorkflowUpdateInput,
    WorkflowHandle,
    WorkflowUpdateHandle,
)

from parcours.app.credentials import SigningKey, sign
from parcours.app.outbound import with_outbound
from parcours.domain.records import RequestMeta
from parcours.workflows.actors import referral_content
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
        return await super().start_workflow(input)

    async def start_workflow_update(
        self, input: StartWorkflowUpdateInput
    ) -> WorkflowUpdateHandle[Any]:
        first = input.args[0] if input.args else None
        if isinstance(first, RequestMeta):
            meta = sign(self._key, input.update, input.id, first, list(input.args[1:]))
            input.args = [meta, *input.args[1:]]
        return await super().start_workflow_update(input)
