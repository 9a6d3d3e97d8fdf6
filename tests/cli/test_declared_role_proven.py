"""A role declared on the command line proves nothing: a staff member typing `--role
coordinateur` may not edit the partner directory (and so redirect partner messages),
read the read log, open a session or look a person up by name. Each such command proves
the credential the config file holds, as reads do; a coordinator's goes through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import PERSON, Cli, refer
from tests.cli.staff_helpers import PROVEN, staff_member

pytestmark = pytest.mark.temporal

REDIRECT = ("partners", "add", "CCAS", "--kind", "referrer", "--channel", "file", "--address")
BLUFFED = [
    ("audit", "reads"),
    ("session", "open", "2031-01", "--programme", "atp-cergy", "--start", "2031-01-01"),
    ("find", *PERSON),
]


def test_a_bluffed_coordinator_role_is_refused_and_changes_nothing(
    signed_cli: tuple[Cli, Path], tmp_path: Path, db_url: str
) -> None:
    coordinator, _ = signed_cli
    staff = staff_member(coordinator, tmp_path / "staff-7f3a.toml")
    refer(staff)
    inbox = str(tmp_path / "someone-elses-inbox")
    for role in ("coordinator", "coordinateur"):
        bluff = staff("--role", role, *REDIRECT, inbox)
        assert bluff.exit_code == ExitCode.REFUSED, bluff.output
        said = " ".join(bluff.stderr.split())
        assert said.startswith("Nothing is done: you act as staff-7f3a (coordinator)"), said
        assert "staff-7f3a's, as staff" in said
    listed = json.loads(staff("partners", "list", "--json").stdout)
    assert inbox not in json.dumps(listed)  # the directory is as it was
    for args in BLUFFED:
        refused = staff("--role", "coordinator", *args)
        assert refused.exit_code == ExitCode.REFUSED, (args, refused.output)
    french = staff("--lang", "fr", "--role", "auditeur", "audit", "reads")
    assert french.exit_code == ExitCode.REFUSED, french.output
    assert french.stderr.startswith("Rien n'est fait : vous agissez comme staff-7f3a")
    assert [r for r in read_log_rows(db_url) if r["command"] == "find"] == []

    done = coordinator(*REDIRECT, str(tmp_path / "ccas-inbox"), **PROVEN)
    assert done.exit_code == 0, done.output
    assert coordinator("audit", "reads", **PROVEN).exit_code == 0
