"""Every read-model test runs twice: on a SQLite file and on PostgreSQL.

PostgreSQL comes from PARCOURS_TEST_POSTGRES_URL (`make test` sets it): without it the
PostgreSQL half is skipped with that reason; with it set but the server unreachable the
tests fail, since a skip there would let a broken database pass CI. Each test gets a
fresh schema (through the connection's search_path) that is dropped afterwards, so runs
never see each other.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

from parcours.adapters.readmodel import Store, open_store

POSTGRES_ENV = "PARCOURS_TEST_POSTGRES_URL"


@cache
def _postgres_unavailable(url: str) -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    engine = create_engine(url, poolclass=pool.NullPool, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure is reported, with its kind
        return f"{POSTGRES_ENV} is set but PostgreSQL is unreachable ({type(exc).__name__})"
    finally:
        engine.dispose()
    return None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL whose connections work in a fresh, private schema."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+psycopg://...)")
    reason = _postgres_unavailable(base)
    if reason:
        pytest.fail(reason)
    schema = f"rm_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, poolclass=pool.NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty read-model database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'readmodel.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened
