"""Alerts and failed notifications: what the pathway raises, and what staff do about it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from datetime import datetime
from operator import attrgetter

from parcours.domain.commands.base import (
    Command,
    CommandSpec,
    Context,
    Details,
    Shape,
    Subject,
    record,
)
from parcours.domain.commands.editing import find_by_id, iso
from parcours.domain.commands.roles import NOBODY, SYSTEM_ONLY, WORKERS
from parcours.domain.errors import MoveRefused
from parcours.domain.records import Alert, PathwayState
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    PartnerKind,
    Trigger,
)


class AlertTrigger(Trigger):
    ACKNOWLEDGE_ALERT = "acknowledge_alert", "alert_acknowledged"
    SNOOZE_ALERT = "snooze_alert", "alert_snoozed"
    RECORD_NOTIFICATION_FAILURE = "record_notification_failure", "notification_failed"
    RAISE_ALERT = "raise_alert", "alert_raised"
    REOPEN_ALERT = "reopen_alert", "alert_reopened"
    RESOLVE_ALERT = "resolve_alert", "alert_resolved"
    RETRY_NOTIFICATION = "retry_notification"


class AcknowledgeAlert(Command, trigger=AlertTrigger.ACKNOWLEDGE_ALERT):
    alert_id: str


class SnoozeAlert(Command, trigger=AlertTrigger.SNOOZE_ALERT):
    alert_id: str
    until: datetime


class RecordNotificationFailure(Command, trigger=AlertTrigger.RECORD_NOTIFICATION_FAILURE):
    """The system reports a notification that a partner could never receive."""

    notification_key: str
    partner_kind: PartnerKind
    failed_at: datetime
    error: str = ""
    details: dict[str, str] = field(default_factory=dict)


def pending(alerts: Iterable[Alert]) -> list[Alert]:
    """The alerts someone still has to deal with: open or snoozed (not acknowledged, nor
    resolved, nor closed with the pathway)."""
    return [a for a in alerts if a.status in (AlertStatus.OPEN, AlertStatus.SNOOZED)]


def designated(alerts: Iterable[Alert], typed: str, rule: AlertRule | None) -> list[Alert]:
    """The alerts staff designate by what they typed, when it is not an alert's id: those
    of the `rule` it names, else those whose id begins with it; of them, the ones still to
    deal with (open or snoozed), or when none is, the latest, whatever its status (the
    pathway then answers a retried request as one, and says an alert handled is so).
    Nothing when it is an id: the pathway judges that one itself."""
    alerts = list(alerts)
    if not typed or any(a.alert_id == typed for a in alerts):
        return []
    if rule is not None:
        named = [a for a in alerts if a.rule is rule]
    else:
        named = [a for a in alerts if a.alert_id.startswith(typed)]
    return pending(named) or named[-1:]


def find_alert(state: PathwayState, alert_id: str) -> Alert:
    return find_by_id(state.alerts, attrgetter("alert_id"), alert_id, "alert", list_known=False)


def open_alert_of(state: PathwayState, cmd: AcknowledgeAlert | SnoozeAlert) -> Alert:
    """The alert the command names, neither acknowledged nor resolved: both are final."""
    alert = find_alert(state, cmd.alert_id)
    if alert.status is AlertStatus.ACKNOWLEDGED:
        raise MoveRefused.for_rule(
            "alert_acknowledged",
            f"alert {cmd.alert_id} is already acknowledged",
            alert=cmd.alert_id,
        )
    if alert.status is AlertStatus.RESOLVED:
        raise MoveRefused.for_rule(
            "alert_resolved",
            f"alert {cmd.alert_id} was resolved by the pathway: its condition no longer holds",
            alert=cmd.alert_id,
        )
    return alert


STILL_TO_HANDLE = (AlertStatus.OPEN, AlertStatus.SNOOZED)
OPEN_ALERT = Subject(open_alert_of, lambda s: any(a.status in STILL_TO_HANDLE for a in s.alerts))


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


SPECS = (
    record(AcknowledgeAlert, _handle, reference=OPEN_ALERT),
    record(SnoozeAlert, _handle, reference=OPEN_ALERT),
    record(RecordNotificationFailure, _notification_failed, roles=SYSTEM_ONLY),
    CommandSpec(AlertTrigger.RAISE_ALERT, Shape.AUTOMATIC, NOBODY),
    CommandSpec(AlertTrigger.REOPEN_ALERT, Shape.AUTOMATIC, NOBODY),
    CommandSpec(AlertTrigger.RESOLVE_ALERT, Shape.AUTOMATIC, NOBODY),
    CommandSpec(AlertTrigger.RETRY_NOTIFICATION, Shape.SERVICE, WORKERS),
)
"""`retry_notification` sends a failed notification again (personal data): workers only,
never partners or auditors. Alerts are raised, reopened and resolved by the pathway
itself."""
