"""The read model: a SQL projection of the pathways, the notification outbox and partners.

It never holds who a participant is: only opaque pathway ids, stages, staff ids, dates,
event kinds and alert rules.
"""

from __future__ import annotations

from parcours.readmodel.dialects import UnsupportedDatabase
from parcours.readmodel.migrate import migrate, open_store
from parcours.readmodel.outbox import NotificationNotFound
from parcours.readmodel.store import Store, create_readmodel_engine
from parcours.readmodel.tables import OutboxStatus
from parcours.readmodel.views import (
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
    "Store",
    "TimelineEntry",
    "UnsupportedDatabase",
    "create_readmodel_engine",
    "migrate",
    "open_store",
]
