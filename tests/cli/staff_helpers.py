"""Staff credentials in the CLI tests: out of the declared-roles mode, a staff member
whose credential a coordinator issued."""

from __future__ import annotations

from pathlib import Path

from tests.cli.runner import Cli

PROVEN = {"PARCOURS_DECLARED_ROLES": ""}
"""The CLI out of the declared-roles mode the test session turns on: reads are proven."""


def staff_member(coordinator: Cli, config: Path) -> Cli:
    """`parcours` as staff-7f3a, whose credential the coordinator issues into `config`."""
    added = coordinator(
        "staff", "add", "staff-7f3a", "--role", "staff", "--config-file", str(config)
    )
    assert added.exit_code == 0, added.output
    return Cli({**coordinator.env, "PARCOURS_CONFIG": str(config), **PROVEN})
