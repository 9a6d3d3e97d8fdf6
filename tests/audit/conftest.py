"""Audit tests: `parcours audit` in-process over committed histories and live dev servers.

The helpers they share (the CLI as an auditor, its JSON) are in tests/audit/helpers.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.audit.helpers import cli_for
from tests.cli.runner import Cli, address_of
from tests.histories.record import KEY_FILE
from tests.servers import TEST_KEYRING


@pytest.fixture
def history_cli(tmp_path: Path) -> Cli:
    """`parcours` with the throwaway key of the committed histories, and no server."""
    return cli_for(tmp_path, KEY_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def live_cli(temporal_env: WorkflowEnvironment, tmp_path: Path) -> Cli:
    """`parcours` against the session's dev server, with the keys its pathways use."""
    return cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(temporal_env))
