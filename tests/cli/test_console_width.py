"""Commands run one after another in one process (as the tests run them) each print at the
terminal width of their own environment, never at the width of the first one."""

from __future__ import annotations

import pytest

from tests.cli.runner import Cli


def widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", [("60", "400"), ("400", "60")], ids=["wider", "narrower"])
def test_each_command_prints_at_its_own_width(offline_cli: Cli, columns: tuple[str, str]) -> None:
    first, then = (offline_cli("programme", "show", "atp-cergy", COLUMNS=c) for c in columns)
    assert first.exit_code == then.exit_code == 0, first.output + then.output
    narrow, wide = (first, then) if columns[0] == "60" else (then, first)
    assert widest(narrow.stdout) <= 60
    assert widest(wide.stdout) > 60
