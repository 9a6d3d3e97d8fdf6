"""The one small tree of domain errors.

The workflow turns them into `ApplicationError` in one place and the CLI into one
sentence and an exit code. Each carries what is allowed instead.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule said no. `rule` names it; `allowed` lists what may be done now."""

    rule: str = "domain"

    def __init__(self, message: str, *, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.allowed = allowed


class MoveRefused(DomainError):
    """The move is not allowed from the current stage, or a named guard refused it."""

    def __init__(self, message: str, *, rule: str, allowed: tuple[str, ...] = ()) -> None:
        super().__init__(message, allowed=allowed)
        self.rule = rule


class NotPermitted(DomainError):
    """The actor's role may not issue this command."""

    rule = "role_permission"


class UnknownReference(DomainError):
    """The command names a barrier, appointment, training, mission or alert that does not exist."""

    rule = "unknown_reference"


class InvalidProgramme(DomainError):
    """A programme file is malformed: the message names the file, the key path and the fault."""

    rule = "programme_file"
