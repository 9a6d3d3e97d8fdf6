"""The one place where domain refusals become workflow failures."""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from parcours.domain.errors import DomainError


def refusal(error: DomainError) -> ApplicationError:
    """A non-retryable failure carrying the rule that refused and what is allowed now.

    Its details also name the sentence (`code`) and the values it uses, so a client can
    say the reason in its reader's language; `rule` and `allowed` stay for older clients.
    """
    return ApplicationError(
        error.message,
        {
            "rule": error.rule,
            "allowed": list(error.allowed),
            "code": error.code,
            "values": dict(error.values),
        },
        type=type(error).__name__,
        non_retryable=True,
    )
