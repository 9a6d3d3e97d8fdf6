"""Temporal dev servers for tests: the key they encrypt with, and servers of their own.

The session's shared server is the `temporal_env` fixture (tests/conftest.py); a module
that needs other server settings (time skipping, an early continue-as-new) starts its
own with these functions, so its clock and its histories meet no other test's.
"""

from __future__ import annotations

from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import SQLITE_PRAGMAS, temporal_binary
from parcours.adapters.temporal.keys import Keyring
from parcours.workflows import search_attributes as sa
from tests.receivers import free_port

TEST_KEYRING = Keyring.generate()
"""The key every test server's payloads are encrypted with (a fresh one per session)."""

SUGGEST_AFTER_EVENTS = 48
"""The history length after which `low_threshold_env` suggests continue-as-new. Room for
a pathway's first workflow task (its patch markers, each with its search-attribute upsert,
and the referral's check, `SIGNED_REFERRAL_PATCH`) and the first steps the tests take
before they want the run to continue (`test_continue_as_new.py`: a notification failure
recorded in the first run)."""


def dev_server_path() -> str:
    return str(temporal_binary())


def side_ports() -> list[str]:
    """The dev server's HTTP API and metrics ports, which it would otherwise pick itself:
    taken from `free_port` like its gRPC port, so servers that two pytest-xdist workers
    start at once never race for one port."""
    return ["--http-port", str(free_port()), "--metrics-port", str(free_port())]


async def start_shared_server(database: str) -> WorkflowEnvironment:
    """The session's dev server, keeping its histories in the SQLite file `database`, with
    the SQLite pragmas `parcours serve` uses (without them every commit waits for a full
    sync, and the tests measured a server slower than the one staff run)."""
    pragmas = [arg for pragma in SQLITE_PRAGMAS for arg in ("--sqlite-pragma", pragma)]
    return await WorkflowEnvironment.start_local(
        data_converter=data_converter(TEST_KEYRING),
        dev_server_existing_path=dev_server_path(),
        dev_server_database_filename=database,
        port=free_port(),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.enableUpdateWorkflowExecution=true",
            *pragmas,
            *side_ports(),
        ],
    )


async def start_skipping_server(keyring: Keyring = TEST_KEYRING) -> WorkflowEnvironment:
    """A dev server of its own whose workflows' time the test moves with `fast_forward`.

    Each module that skips time starts one, so their clocks never meet."""
    return await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        data_converter=data_converter(keyring),
        dev_server_existing_path=dev_server_path(),
        port=free_port(),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            "frontend.WorkflowTimeSkippingEnabled=true",
            *side_ports(),
        ],
    )


async def start_low_threshold_server(suggest_after_events: int) -> WorkflowEnvironment:
    """A dev server of its own that suggests continue-as-new after that many events."""
    return await WorkflowEnvironment.start_local(
        data_converter=data_converter(TEST_KEYRING),
        dev_server_existing_path=dev_server_path(),
        port=free_port(),
        search_attributes=sa.ALL,
        dev_server_extra_args=[
            "--dynamic-config-value",
            f"limit.historyCount.suggestContinueAsNew={suggest_after_events}",
            *side_ports(),
        ],
    )
