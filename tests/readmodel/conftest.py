"""Every read-model test runs twice: on a SQLite file and on PostgreSQL.

The `db_url` fixture (tests/conftest.py, shared with the partner and rebuild tests) gives
an empty database of each kind; on PostgreSQL each test gets a fresh schema (through the
connection's search_path) that is dropped afterwards, so runs never see each other.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parcours.adapters.readmodel import Store, open_store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with open_store(db_url) as opened:
        yield opened
