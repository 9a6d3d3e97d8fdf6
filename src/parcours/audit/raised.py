"""Whether parcours itself raised each alert an audit shows open, and when.

`audit at` as it happened raises alerts at their due instants between entries typed after
the fact, as the timers would have raised them had each entry been typed when it happened.
The workflow learnt of those entries only when they were typed: it raised some of those
alerts later, and others never (their condition was met by an entry typed with them). An
auditor reading an open alert must be able to tell an alert staff were shown and left
from one nobody was ever shown: each open alert says which, from the workflow's record
(the alerts its own fold holds, failed notifications' included).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from parcours.domain.alerts import rule_and_subject
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertRule


class AlertOrigin(StrEnum):
    RAISED = "raised"
    """Parcours raised it at or before the instant asked for."""
    RAISED_LATER = "raised_later"
    """Parcours raised it, but only after the instant asked for."""
    NOT_RAISED_BY_END = "not_raised_by_end"
    """Parcours had not raised it when the history ends; the pathway still runs."""
    NEVER_RAISED = "never_raised"
    """Parcours never raised it, and the pathway's run has ended."""
    PROJECTED = "projected"
    """Due after the history ends: what the timers were to raise, not in the history."""


AFTER_THE_FACT = frozenset(
    {AlertOrigin.RAISED_LATER, AlertOrigin.NOT_RAISED_BY_END, AlertOrigin.NEVER_RAISED}
)
"""What only entries typed after the fact make: an alert due that parcours had not raised
by then, though the history had reached then."""


@dataclass(frozen=True)
class AlertOnRecord:
    origin: AlertOrigin
    raised_at: datetime | None = None
    """When parcours first raised it, as recorded; None when it did not (yet)."""

    @property
    def raised_by_then(self) -> bool:
        return self.origin is AlertOrigin.RAISED

    @property
    def after_the_fact(self) -> bool:
        return self.origin in AFTER_THE_FACT


@dataclass(frozen=True)
class Record:
    """What the workflow's record says of alerts: the alerts it raised, until when it runs,
    and whether its pathway still runs there."""

    alerts: Sequence[Alert]
    recorded_until: datetime
    still_open: bool


def episode(alert_id: str) -> str:
    """What names an alert in both folds. Its id, but for an escalation (`alert not
    acknowledged`), the alert it escalates: its id's due instant follows from when that
    alert was raised, which differs between the folds."""
    parts = rule_and_subject(alert_id)
    if parts is not None and parts[0] is AlertRule.ALERT_UNACKNOWLEDGED:
        return f"{parts[0].value}:{parts[1]}"
    return alert_id


def first_raises(alerts: Iterable[Alert], until: datetime) -> dict[str, datetime]:
    """When parcours first raised each alert (by its `episode`), among those raised by
    `until`: the record's alerts carry when the workflow raised them."""
    raises: dict[str, datetime] = {}
    for alert in alerts:
        key = episode(alert.alert_id)
        if alert.raised_at <= until:
            raises[key] = min(raises.get(key, alert.raised_at), alert.raised_at)
    return raises


def alerts_on_record(
    alerts: Sequence[Alert], record: Record, when: datetime
) -> dict[str, AlertOnRecord]:
    """For each alert open at `when`, how the workflow's `record` stands on it."""
    raises = first_raises(record.alerts, record.recorded_until)
    return {alert.alert_id: _on_record(alert, raises, when, record) for alert in alerts}


def _on_record(
    alert: Alert, raises: dict[str, datetime], when: datetime, record: Record
) -> AlertOnRecord:
    raised_at = raises.get(episode(alert.alert_id))
    if raised_at is not None:
        origin = AlertOrigin.RAISED if raised_at <= when else AlertOrigin.RAISED_LATER
        return AlertOnRecord(origin, raised_at)
    if not record.still_open:
        return AlertOnRecord(AlertOrigin.NEVER_RAISED)
    if alert.raised_at > record.recorded_until:
        return AlertOnRecord(AlertOrigin.PROJECTED)
    return AlertOnRecord(AlertOrigin.NOT_RAISED_BY_END)
