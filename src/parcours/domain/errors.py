"""The one small tree of domain errors.

The workflow turns them into `ApplicationError` in one place and the CLI into one
sentence and an exit code. Each carries what is allowed instead, and a machine `code`
with the `values` its sentence uses, so a reader can be told the reason in their own
language (the English `message` stays what logs and tests read).
"""

from __future__ import annotations

from collections.abc import Mapping

CLOSED_RULE = "pathway_closed"
"""The rule that refuses anything on a pathway closed for good, whatever closed it."""


class DomainError(Exception):
    """A business rule said no. `rule` names it; `allowed` lists what may be done now.

    `code` names the sentence (stable snake_case, one per distinct message; empty when
    there is none) and `values` holds what the sentence says: ids, stages, levels, dates,
    lists joined by ", ".
    """

    rule: str = "domain"

    def __init__(
        self,
        message: str,
        *,
        allowed: tuple[str, ...] = (),
        code: str = "",
        values: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.allowed = allowed
        self.code = code
        self.values: dict[str, str] = dict(values or {})


class MoveRefused(DomainError):
    """The move is not allowed from the current stage, or a named guard refused it."""

    def __init__(
        self,
        message: str,
        *,
        rule: str,
        allowed: tuple[str, ...] = (),
        code: str = "",
        values: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message, allowed=allowed, code=code, values=values)
        self.rule = rule

    @classmethod
    def for_rule(cls, rule: str, message: str, **values: str) -> MoveRefused:
        """A refusal whose sentence is named after its rule, as most rules' are."""
        return cls(message, rule=rule, code=rule, values=values)


class NotPermitted(DomainError):
    """The actor's role may not issue this command."""

    rule = "role_permission"


class UnknownReference(DomainError):
    """The command names a barrier, appointment, training, mission or alert that does not exist."""

    rule = "unknown_reference"


class InvalidProgramme(DomainError):
    """A programme file is malformed: the message names the file, the key path and the fault."""

    rule = "programme_file"
