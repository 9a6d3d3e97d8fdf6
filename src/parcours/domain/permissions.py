"""Which role may fire which trigger: checked by the workflow validators, whatever the client."""

from __future__ import annotations

from parcours.domain.errors import NotPermitted
from parcours.domain.programme import MOVE_TRIGGERS, RECORD_TRIGGERS
from parcours.domain.vocabulary import Role

_STAFF = (MOVE_TRIGGERS | RECORD_TRIGGERS | {"refer", "resume", "retry_notification"}) - {
    "assign_referent",
    "record_notification_failure",
}
"""`retry_notification` is no move: it sends a failed notification again (personal data),
so partners and auditors may not."""

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
            code="role_may_not",
            values={"role": role.value, "trigger": trigger},
        )


def permitted(role: Role, triggers: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The triggers among `triggers` that `role` may fire, in their order: what to offer."""
    return tuple(trigger for trigger in triggers if trigger in PERMISSIONS[role])


PATHWAY_READERS = frozenset({Role.STAFF, Role.COORDINATOR, Role.AUDITOR})
"""Who may read a pathway (status, timeline, listing, alerts). Partners may not: they are
told only what concerns them, through notifications, under the participant's consent."""

IDENTITY_READERS = frozenset({Role.STAFF, Role.COORDINATOR})
"""Who may see the person behind a pathway. Auditors read pathways pseudonymised."""


def may_read_pathways(role: Role) -> bool:
    return role in PATHWAY_READERS


def may_see_identity(role: Role) -> bool:
    return role in IDENTITY_READERS


PROGRAMME_OVERSEERS = frozenset({Role.COORDINATOR})
"""Who manages the partner directory and sees the alerts of every pathway, not only
their own: the programme's coordinators."""


def may_oversee(role: Role) -> bool:
    return role in PROGRAMME_OVERSEERS
