"""The one place where domain refusals become workflow failures."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from parcours.domain.errors import DomainError


def refusal(error: DomainError) -> ApplicationError:
    """A non-retryable failure carrying the rule that refused and what is allowed now."""
    return ApplicationError(
        error.message,
        {"rule": error.rule, "allowed": list(error.allowed)},
        type=type(error).__name__,
        non_retryable=True,
    )
