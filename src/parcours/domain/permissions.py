"""Which role may fire which trigger: checked by the workflow validators, whatever the client."""

from __future__ import annotations

from parcours.domain.commands import SPECS
from parcours.domain.errors import NotPermitted
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import Role, Trigger

PERMISSIONS: dict[Role, frozenset[Trigger]] = {
    role: frozenset(row.trigger for row in SPECS if role in row.roles) for role in Role
}
"""Derived from the command table's `roles` column."""

REASON_REQUIRED = frozenset(row.trigger for row in SPECS if row.reason_required)
"""Moves whose reason is part of the record: refused without one."""


def authorise(role: Role, trigger: str) -> None:
    if trigger not in PERMISSIONS[role]:
        allowed = tuple(sorted(PERMISSIONS[role]))
        raise NotPermitted(
            f"the {role.value} role may not {trigger.replace('_', ' ')}",
            allowed=allowed,
            code="role_may_not",
            values={"role": role.value, "trigger": str(trigger)},
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


PATHWAY_CLOSERS = frozenset({Role.COORDINATOR})
"""Who may close a pathway whose workflow cannot run (`parcours doctor close`): the
programme's coordinators, with a reason kept in the pathway's history."""


def may_close_broken(role: Role) -> bool:
    return role in PATHWAY_CLOSERS


EXTRACT_READERS = frozenset({Role.AUDITOR, Role.COORDINATOR})
"""Who may write the evaluator's pseudonymised extract (`parcours extract`)."""


def may_extract(role: Role) -> bool:
    return role in EXTRACT_READERS


READ_LOG_READERS = frozenset({Role.AUDITOR, Role.COORDINATOR})
"""Who may list the read log (`parcours audit reads`): auditors, whose work it is, and
coordinators, who answer a person asking who opened their file. Staff may not: the log
tells how colleagues work, and they are the ones it watches."""


def may_read_read_log(role: Role) -> bool:
    return role in READ_LOG_READERS


SWEEP_PREVIEWERS = frozenset({Role.AUDITOR, Role.COORDINATOR})
"""Who may list what a retention sweep would erase (`retention sweep --dry-run`):
coordinators, who run it, and auditors, the data-protection officer among them, who check
that records are not kept past their time. It opens no identity; only a coordinator
erases."""


def may_preview_sweep(role: Role) -> bool:
    return role in SWEEP_PREVIEWERS


def coordinator_only(meta: RequestMeta, what: str, *, code: str) -> None:
    """Raise `NotPermitted` (rule `code`) unless a coordinator asks to do `what`."""
    if meta.actor.role is not Role.COORDINATOR:
        raise NotPermitted(
            f"role {meta.actor.role.value} may not {what}: only a coordinator may",
            code=code,
            values={"role": meta.actor.role.value},
        )
