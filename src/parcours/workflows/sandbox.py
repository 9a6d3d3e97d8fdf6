"""How workflow code runs: in Temporal's sandbox, with the pure modules passed through.

Shared by the worker and by replay, so a history is replayed exactly as it was run; kept
apart from `worker` so that replaying or auditing does not load the adapters.
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

PASSED_THROUGH = (
    "parcours.domain",
    "parcours.adapters.temporal.json_types",
    "transitions",
    "pydantic",
    "pydantic_core",
)
"""Pure modules shared with the sandbox instead of reloaded for every workflow run."""


def workflow_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSED_THROUGH)
    )
