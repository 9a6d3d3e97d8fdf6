"""Delivering the alerts raised by the durable timers.

The embedded default writes each alert as one JSON file under the outbox folder; the
file name is the alert id, created exclusively, so a retried activity writes nothing twice.
Alerts carry opaque ids, rules and dates only.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import structlog
from temporalio import activity

from parcours.domain.records import Alert
from parcours.workflows.messages import AlertDelivery

log = structlog.stdlib.get_logger("parcours.alerts")


class AlertChannel(Protocol):
    def deliver(self, pathway_id: str, programme: str, referent: str, alert: Alert) -> bool:
        """Deliver one alert; return False when it had already been delivered."""


@dataclass(frozen=True)
class FileAlertChannel:
    folder: Path

    def deliver(self, pathway_id: str, programme: str, referent: str, alert: Alert) -> bool:
        target = self.folder / pathway_id
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{alert.alert_id.replace(':', '_')}.json"
        body = {
            "pathway_id": pathway_id,
            "programme": programme,
            "referent": referent,
            "alert_id": alert.alert_id,
            "rule": alert.rule.value,
            "audience": alert.audience.value,
            "due_at": alert.due_at.isoformat(),
            "raised_at": alert.raised_at.isoformat(),
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out)
        return True


class AlertActivities:
    """Activities that carry out what the timers decided; the channel is injected."""

    def __init__(self, channel: AlertChannel) -> None:
        self._channel = channel

    @activity.defn(name="deliver_alerts")
    def deliver_alerts(self, delivery: AlertDelivery) -> int:
        delivered = 0
        for alert in delivery.alerts:
            if self._channel.deliver(
                delivery.pathway_id, delivery.programme, delivery.referent, alert
            ):
                delivered += 1
                log.info(
                    "alert delivered",
                    pathway_id=delivery.pathway_id,
                    rule=alert.rule.value,
                    audience=alert.audience.value,
                )
        return delivered
