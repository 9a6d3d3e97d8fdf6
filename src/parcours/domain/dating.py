"""The two instants a pathway gives the event it records (`domain.instants` says why)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parcours.domain.commands import Command
from parcours.domain.instants import effective_instant
from parcours.domain.records import RequestMeta


@dataclass(frozen=True)
class Instants:
    """When an event happened, and when it was recorded (None: at the same instant)."""

    effective: datetime
    recorded: datetime | None

    @classmethod
    def of(cls, command: Command, meta: RequestMeta, now: datetime, dated: bool) -> Instants:
        if not dated:
            return cls(now, None)
        return cls(effective_instant(command, meta, now), now)
