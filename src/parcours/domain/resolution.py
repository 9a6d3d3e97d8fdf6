"""Alerts that close by themselves once their condition stops holding.

Under the rules that follow the pathway (`alerts.FOLLOWS_PATHWAY`), after every entry the
pathway asks each open or snoozed alert whether its rule, applied to the pathway as it is
now, still implies that very alert (same rule, subject and due instant). One that is no
longer implied is resolved, with the event that closed it: an intake completed closes
`intake_overdue`, a contact moves the no-contact clock and closes `no_contact`, an
appointment's outcome closes its reminder and `appointment_unrecorded`, a renewed or
withdrawn consent closes its expiry alerts. A suspension pauses the pathway: its alerts
are judged as in the stage it left. An exit resolves nothing: what was open then stays
open after it, to be acknowledged or closed with the pathway, except, from
`anonymisation.WARNING_FOLLOWS` on, the coordinator's retention warning of a due date that
an entry or an extension has moved (`follow_extension`). A failed notification is a fact
nothing later undoes: only staff close it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from parcours.domain.alerts import candidate_alerts, follows_pathway
from parcours.domain.anonymisation import warning_follows
from parcours.domain.commands.alerts import AlertTrigger
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Actor, Alert, PathwayEvent, PathwayState, RequestMeta
from parcours.domain.vocabulary import AlertRule, AlertStatus, EventKind, Role, Stage

FACTS = frozenset({AlertRule.NOTIFICATION_FAILED})
"""Alerts about something that happened once: they never resolve by themselves."""

RESOLVER = "parcours"
"""Who handled a resolved alert: the pathway itself."""

BY_ITSELF = RequestMeta(request_id="", actor=Actor(RESOLVER, Role.SYSTEM))
"""Who records `alert_resolved`: the pathway itself, as it records `alert_raised`."""


Recorder = Callable[
    [EventKind, RequestMeta, datetime, dict[str, str], datetime | None], PathwayEvent
]
"""Appends an event to the timeline (`Pathway._record`): kind, who, when it happened, its
details and, for a dated entry, when it was recorded."""


def follow_entry(
    state: PathwayState,
    programme: ProgrammeDefinition,
    event: PathwayEvent,
    meta: RequestMeta,
    record: Recorder,
) -> PathwayEvent:
    """`event`, just recorded, under the rules that follow the pathway: note when a
    person's entry was recorded, and resolve the alerts it made untrue, each with an
    `alert_resolved` dated as `event` (see `close_stale`)."""
    if follows_pathway(state) and meta.actor.role is not Role.SYSTEM:
        state.last_entry_at = event.recorded
    for details in close_stale(state, programme, event):
        record(AlertTrigger.RESOLVE_ALERT.event, BY_ITSELF, event.at, details, event.recorded_at)
    return event


def _as_judged(state: PathwayState) -> PathwayState:
    """A suspended pathway is judged as in the stage it left: a pause settles nothing."""
    if state.stage is Stage.SUSPENDED and state.suspended_from is not None:
        return dataclasses.replace(state, stage=state.suspended_from)
    return state


def no_longer_holding(state: PathwayState, programme: ProgrammeDefinition) -> list[Alert]:
    """Open or snoozed alerts that the pathway as it is now no longer implies (none under
    the first rules, where alerts stay open until acknowledged; once the pathway has
    exited, only a retention warning whose date moved, from `WARNING_FOLLOWS` on: what
    else was open then stays open until acknowledged or closed with it)."""
    if not follows_pathway(state):
        return []
    exited = state.stage is Stage.EXITED
    if exited and not warning_follows(state):
        return []
    implied = {a.alert_id for a in candidate_alerts(_as_judged(state), programme)}
    return [
        a
        for a in state.alerts
        if a.status in (AlertStatus.OPEN, AlertStatus.SNOOZED)
        and a.rule not in FACTS
        and a.alert_id not in implied
        and (not exited or a.rule is AlertRule.RETENTION_DUE)
    ]


def follow_extension(
    state: PathwayState, programme: ProgrammeDefinition, event: PathwayEvent, record: Recorder
) -> PathwayEvent:
    """`event`, a coordinator's extension just recorded: from `WARNING_FOLLOWS` on, the
    warning of the due date it moved is resolved, as an entry resolves what it made untrue
    (before, it stayed open beside the new date's)."""
    if warning_follows(state):
        for details in close_stale(state, programme, event):
            record(
                AlertTrigger.RESOLVE_ALERT.event, BY_ITSELF, event.at, details, event.recorded_at
            )
    return event


def close_stale(
    state: PathwayState, programme: ProgrammeDefinition, closing: PathwayEvent
) -> list[dict[str, str]]:
    """Resolve every alert no longer holding once `closing` is recorded, in order (an
    escalation whose alert closed closes in turn): the details of each `alert_resolved`."""
    closed: list[dict[str, str]] = []
    while stale := no_longer_holding(state, programme):
        for alert in stale:
            alert.status, alert.snoozed_until = AlertStatus.RESOLVED, None
            alert.handled_by, alert.handled_at = RESOLVER, closing.at
            rule, seq = alert.rule.value, str(closing.seq)
            closed.append({"alert_id": alert.alert_id, "rule": rule, "closed_by": seq})
    return closed
