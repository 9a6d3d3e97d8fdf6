"""A refused action never reaches history, so the CLI keeps its trace: rule, actor, no person."""

from __future__ import annotations

import json
from pathlib import Path

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, refer


def test_a_refused_action_is_logged_with_the_rule_that_refused_it(cli: Cli) -> None:
    pathway_id = refer(cli)
    refused = cli("contract", "sign", pathway_id)
    assert refused.exit_code == ExitCode.REFUSED
    log_file = Path(cli.env["PARCOURS_DATA_DIR"]) / "logs" / "parcours-cli.log"
    lines = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    (entry,) = [e for e in lines if e.get("event") == "action refused"]
    assert entry["pathway_id"] == pathway_id
    assert entry["command"] == "sign_contract"
    assert entry["rule"] == "stage"
    assert (entry["actor_id"], entry["role"]) == ("staff-7f3a", "staff")
    text = log_file.read_text(encoding="utf-8")
    for personal in ("Zephyrine", "Quillfeather", "1990-04-02"):
        assert personal not in text
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]
