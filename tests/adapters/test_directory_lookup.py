"""The one question `parcours refer` asks the partner directory, through the database's
own driver: on SQLite and PostgreSQL, migrated or not yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import make_url

from parcours.adapters.directory_lookup import POSTGRES_QUERY, SQLITE_QUERY, is_active_partner
from parcours.adapters.readmodel import Partner, open_store
from parcours.adapters.readmodel.tables import PartnerRow
from parcours.domain.vocabulary import ChannelKind, PartnerKind


def is_active_referrer(readmodel_url: str, name: str, timeout: float) -> bool:
    return is_active_partner(readmodel_url, name, PartnerKind.REFERRER, timeout)


def partner(name: str, kind: PartnerKind, *, active: bool = True) -> Partner:
    return Partner(name, kind, ChannelKind.FILE, "/srv/outbox", active=active)


def test_a_database_with_no_directory_yet_holds_no_referrer(db_url: str) -> None:
    assert is_active_referrer(db_url, "CCAS", 1.0) is False
    database = make_url(db_url).database or ""
    if db_url.startswith("sqlite"):
        assert not Path(database).exists()  # read-only: asking created nothing


def test_only_an_active_referrer_of_that_name_is_listed(db_url: str) -> None:
    with open_store(db_url) as store:
        store.add_partner(partner("CCAS", PartnerKind.REFERRER))
        store.add_partner(partner("Amicale du Nid", PartnerKind.REFERRER, active=False))
        store.add_partner(partner("Adecco", PartnerKind.TEMP_AGENCY))
    assert is_active_referrer(db_url, "CCAS", 1.0) is True
    assert is_active_referrer(db_url, "Amicale du Nid", 1.0) is False
    assert is_active_referrer(db_url, "Adecco", 1.0) is False
    assert is_active_referrer(db_url, "Nobody", 1.0) is False


def test_the_query_names_the_directory_table_as_the_read_model_defines_it() -> None:
    columns = set(PartnerRow.__table__.columns.keys())
    assert {"name", "kind", "active"} <= columns
    for query in (SQLITE_QUERY, POSTGRES_QUERY):
        assert f"FROM {PartnerRow.__tablename__} WHERE name" in query


def test_a_read_model_that_cannot_answer_raises() -> None:
    import psycopg

    with pytest.raises(psycopg.OperationalError):
        is_active_referrer("postgresql+psycopg://postgres@127.0.0.1:1/x", "CCAS", 1.0)
    with pytest.raises(ValueError, match="mysql"):
        is_active_referrer("mysql://db/x", "CCAS", 1.0)
