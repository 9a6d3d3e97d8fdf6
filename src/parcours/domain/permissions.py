"""Which role may fire which trigger: checked by the workflow validators, whatever the client."""

from __future__ import annotations

from parcours.domain.errors import NotPermitted
from parcours.domain.programme import MOVE_TRIGGERS, RECORD_TRIGGERS
from parcours.domain.vocabulary import Role

_STAFF = (MOVE_TRIGGERS | RECORD_TRIGGERS | {"refer", "resume"}) - {
    "assign_referent",
    "record_notification_failure",
}

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.STAFF: frozenset(_STAFF),
    Role.COORDINATOR: frozenset(_STAFF | {"assign_referent"}),
    Role.PARTNER: frozenset({"refer", "record_contact", "start_mission", "end_mission"}),
    Role.AUDITOR: frozenset(),
    Role.SYSTEM: frozenset({"record_notification_failure"}),
}

REASON_REQUIRED = frozenset({"waive_barrier", "suspend", "drop_out", "exit", "reenter"})
"""Moves whose reason is part of the record: refused without one."""


def authorise(role: Role, trigger: str) -> None:
    if trigger not in PERMISSIONS[role]:
        allowed = tuple(sorted(PERMISSIONS[role]))
        raise NotPermitted(
            f"the {role.value} role may not {trigger.replace('_', ' ')}",
            allowed=allowed,
        )


def permitted(role: Role, triggers: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The triggers among `triggers` that `role` may fire, in their order: what to offer."""
    return tuple(trigger for trigger in triggers if trigger in PERMISSIONS[role])
