"""The read model: a SQL projection of the pathways, the notification outbox and partners.

It never holds who a participant is: only opaque pathway ids, stages, staff ids, dates,
event kinds and alert rules.
"""

from __future__ import annotations

from parcours.adapters.readmodel.dialects import UnsupportedDatabase, create_readmodel_engine
from parcours.adapters.readmodel.migrate import ReadModelAhead, migrate, open_store
from parcours.adapters.readmodel.outbox import NotificationNotFound
from parcours.adapters.readmodel.person_keys import StoredPersonKey
from parcours.adapters.readmodel.read_log import Read, ReadEntry
from parcours.adapters.readmodel.store import Store
from parcours.adapters.readmodel.tables import OutboxStatus
from parcours.adapters.readmodel.views import (
    AlertView,
    OutboxEntry,
    ParticipantView,
    Partner,
    TimelineEntry,
)

__all__ = [
    "AlertView",
    "NotificationNotFound",
    "OutboxEntry",
    "OutboxStatus",
    "ParticipantView",
    "Partner",
    "Read",
    "ReadEntry",
    "ReadModelAhead",
    "Store",
    "StoredPersonKey",
    "TimelineEntry",
    "UnsupportedDatabase",
    "create_readmodel_engine",
    "migrate",
    "open_store",
]
