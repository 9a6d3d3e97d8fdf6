"""Whether parcours itself raised each alert an audit shows open, and when.

`audit at` as it happened raises alerts at their due instants between entries typed after
the fact, as the timers would have raised them had each entry been typed when it happened.
The workflow learnt of those entries only when they were typed: it raised some of those
alerts later, and others never (their condition was met by an entry typed with them). An
auditor reading an open alert must be able to tell an alert staff were shown and left
from one nobody was ever shown: each open alert says which, from the workflow's record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from parcours.domain.commands.alerts import AlertTrigger
from parcours.domain.records import Alert, PathwayEvent


class AlertOrigin(StrEnum):
    RAISED = "raised"
    """Parcours raised it at or before the instant asked for."""
    RAISED_LATER = "raised_later"
    """Parcours raised it, but only after the instant asked for (entries typed later)."""
    NEVER_RAISED = "never_raised"
    """Parcours never raised it: it fell due between entries typed after the fact."""
    PROJECTED = "projected"
    """Due after the history ends: what the timers were to raise, not in the history."""


AFTER_THE_FACT = frozenset({AlertOrigin.RAISED_LATER, AlertOrigin.NEVER_RAISED})
"""What only an entry typed after the fact makes: an alert due that parcours did not raise
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


def first_raises(record: Iterable[PathwayEvent], until: datetime) -> dict[str, datetime]:
    """Each alert's first raise in `record` recorded by `until`: when parcours raised it."""
    raises: dict[str, datetime] = {}
    for event in record:
        alert_id = event.details.get("alert_id", "")
        if event.kind == AlertTrigger.RAISE_ALERT.event and event.recorded <= until:
            raises[alert_id] = min(raises.get(alert_id, event.recorded), event.recorded)
    return raises


def alerts_on_record(
    alerts: Sequence[Alert],
    record: Iterable[PathwayEvent],
    when: datetime,
    recorded_until: datetime,
) -> dict[str, AlertOnRecord]:
    """For each alert open at `when`, how the workflow's `record` stands on it."""
    raises = first_raises(record, recorded_until)
    return {alert.alert_id: _on_record(alert, raises, when, recorded_until) for alert in alerts}


def _on_record(
    alert: Alert, raises: dict[str, datetime], when: datetime, recorded_until: datetime
) -> AlertOnRecord:
    raised_at = raises.get(alert.alert_id)
    if raised_at is not None:
        origin = AlertOrigin.RAISED if raised_at <= when else AlertOrigin.RAISED_LATER
        return AlertOnRecord(origin, raised_at)
    if alert.raised_at > recorded_until:
        return AlertOnRecord(AlertOrigin.PROJECTED)
    return AlertOnRecord(AlertOrigin.NEVER_RAISED)
