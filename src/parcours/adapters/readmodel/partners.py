"""The partner directory: who hears of which events, and through which channel."""

from __future__ import annotations

from sqlalchemy import select

from parcours.adapters.readmodel.database import Database
from parcours.adapters.readmodel.dialects import insert
from parcours.adapters.readmodel.rows import column_values
from parcours.adapters.readmodel.tables import PartnerRow
from parcours.adapters.readmodel.views import Partner
from parcours.domain.vocabulary import PartnerKind


class PartnerDirectory(Database):
    """The store's partner directory; configuration, kept by every rebuild of the projection."""

    def add_partner(self, partner: Partner) -> None:
        """Add a partner, or replace the one of the same name."""
        if not partner.name or not partner.address:
            raise ValueError("a partner needs a name and an address")
        values = column_values(PartnerRow, partner)
        with self.engine.begin() as conn:
            stmt = insert(conn, PartnerRow).values(values)
            stmt = stmt.on_conflict_do_update(
                index_elements=[PartnerRow.name],
                set_={k: stmt.excluded[k] for k in values if k != "name"},
            )
            conn.execute(stmt)

    def list_partners(self, active_only: bool = False) -> list[Partner]:
        stmt = select(PartnerRow).order_by(PartnerRow.kind, PartnerRow.name)
        if active_only:
            stmt = stmt.where(PartnerRow.active.is_(True))
        return self._views(Partner, stmt)

    def get_partner(self, name: str) -> Partner | None:
        return self._view(Partner, PartnerRow, name)

    def partners_of_kind(self, kind: PartnerKind) -> list[Partner]:
        """The active partners of one kind: who hears of an event routed to that kind."""
        stmt = (
            select(PartnerRow)
            .where(PartnerRow.kind == kind, PartnerRow.active.is_(True))
            .order_by(PartnerRow.name)
        )
        return self._views(Partner, stmt)
