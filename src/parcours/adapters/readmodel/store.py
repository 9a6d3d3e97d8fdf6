"""The read model: a SQL projection of every pathway, the outbox and the partner directory.

Staff lists, filters and KPIs read from here instead of querying every workflow. The
same code runs on the embedded SQLite file and on PostgreSQL. Writes are idempotent
(see `projection` and `outbox`), so activities may retry them freely.

`Store` is one object over one engine; its methods live by concern in the modules of
its parts: `projection` (writes), `queries` and `report_queries` (reads), `outbox`, `partners`,
`sessions`, `read_log` (who read what, append-only), `person_keys` (erasure) and
`credentials` (staff credentials).
"""

from __future__ import annotations

from parcours.adapters.readmodel.credentials import StaffCredentials
from parcours.adapters.readmodel.outbox import Outbox
from parcours.adapters.readmodel.partners import PartnerDirectory
from parcours.adapters.readmodel.person_keys import PersonKeys
from parcours.adapters.readmodel.projection import Projection
from parcours.adapters.readmodel.queries import PathwayQueries
from parcours.adapters.readmodel.read_log import ReadLog
from parcours.adapters.readmodel.report_queries import ReportQueries
from parcours.adapters.readmodel.sessions import SessionBook


class Store(
    Projection,
    PathwayQueries,
    ReportQueries,
    Outbox,
    PartnerDirectory,
    SessionBook,
    ReadLog,
    PersonKeys,
    StaffCredentials,
):
    """The read model over one engine; `clock` is injectable for tests."""
