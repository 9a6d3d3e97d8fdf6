"""Alerts and failed notifications: what the pathway raises, and what staff do about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from parcours.domain.commands.base import (
    NOBODY,
    SYSTEM_ONLY,
    WORKERS,
    Command,
    CommandSpec,
    Context,
    Details,
    Shape,
    iso,
    spec,
)
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.records import Alert, PathwayState
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    EventKind,
    PartnerKind,
    Trigger,
)


@dataclass(frozen=True)
class AcknowledgeAlert(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.ACKNOWLEDGE_ALERT
    alert_id: str


@dataclass(frozen=True)
class SnoozeAlert(Command):
    TRIGGER: ClassVar[Trigger] = Trigger.SNOOZE_ALERT
    alert_id: str
    until: datetime


@dataclass(frozen=True)
class RecordNotificationFailure(Command):
    """The system reports a notification that a partner could never receive."""

    TRIGGER: ClassVar[Trigger] = Trigger.RECORD_NOTIFICATION_FAILURE
    notification_key: str
    partner_kind: PartnerKind
    failed_at: datetime
    error: str = ""
    details: dict[str, str] = field(default_factory=dict)


def find_alert(state: PathwayState, alert_id: str) -> Alert:
    for alert in state.alerts:
        if alert.alert_id == alert_id:
            return alert
    raise UnknownReference(
        f"no alert {alert_id!r} on this pathway",
        code="unknown_alert",
        values={"alert": alert_id},
    )


def open_alert_of(state: PathwayState, cmd: AcknowledgeAlert | SnoozeAlert) -> Alert:
    """The alert the command names, not yet acknowledged: acknowledging is final."""
    alert = find_alert(state, cmd.alert_id)
    if alert.status is AlertStatus.ACKNOWLEDGED:
        raise MoveRefused(
            f"alert {cmd.alert_id} is already acknowledged",
            rule="alert_acknowledged",
            code="alert_acknowledged",
            values={"alert": cmd.alert_id},
        )
    return alert


def _handle(state: PathwayState, cmd: AcknowledgeAlert | SnoozeAlert, ctx: Context) -> Details:
    alert = find_alert(state, cmd.alert_id)
    alert.handled_by, alert.handled_at = ctx.meta.actor.actor_id, ctx.now
    if isinstance(cmd, SnoozeAlert):
        alert.status, alert.snoozed_until = AlertStatus.SNOOZED, cmd.until
        return {"alert_id": alert.alert_id, "until": iso(cmd.until)}
    alert.status, alert.snoozed_until = AlertStatus.ACKNOWLEDGED, None
    return {"alert_id": alert.alert_id, "rule": alert.rule.value}


def _notification_failed(
    state: PathwayState, cmd: RecordNotificationFailure, ctx: Context
) -> Details:
    alert_id = f"{AlertRule.NOTIFICATION_FAILED.value}:{cmd.notification_key}"
    if all(a.alert_id != alert_id for a in state.alerts):
        state.alerts.append(
            Alert(
                alert_id,
                AlertRule.NOTIFICATION_FAILED,
                cmd.partner_kind.value,
                cmd.failed_at,
                ctx.now,
                AlertAudience.COORDINATOR,
            )
        )
    return {"alert_id": alert_id, "partner_kind": cmd.partner_kind.value}


SPECS: tuple[CommandSpec, ...] = (
    spec(
        AcknowledgeAlert,
        EventKind.ALERT_ACKNOWLEDGED,
        Shape.RECORD,
        _handle,
        reference=open_alert_of,
    ),
    spec(SnoozeAlert, EventKind.ALERT_SNOOZED, Shape.RECORD, _handle, reference=open_alert_of),
    spec(
        RecordNotificationFailure,
        EventKind.NOTIFICATION_FAILED,
        Shape.RECORD,
        _notification_failed,
        roles=SYSTEM_ONLY,
    ),
    CommandSpec(Trigger.RAISE_ALERT, EventKind.ALERT_RAISED, Shape.AUTOMATIC, NOBODY),
    CommandSpec(Trigger.REOPEN_ALERT, EventKind.ALERT_REOPENED, Shape.AUTOMATIC, NOBODY),
    CommandSpec(Trigger.RETRY_NOTIFICATION, None, Shape.SERVICE, WORKERS),
)
"""`retry_notification` sends a failed notification again (personal data): workers only,
never partners or auditors. Alerts are raised and reopened by the pathway itself."""
