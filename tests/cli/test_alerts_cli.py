"""`parcours alerts`: listing the alerts due, acknowledging and snoozing one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, refer
from tests.polling import eventually_blocking

pytestmark = [pytest.mark.temporal]


def test_alerts_list_ack_and_snooze(cli: Cli) -> None:
    pathway_id = refer(cli, "--on", "2026-01-05")  # intake long overdue: the alert is due now

    def alerts() -> list[dict[str, Any]]:
        listed = cli("alerts", "--json")
        assert listed.exit_code == 0, listed.output
        found: list[dict[str, Any]] = json.loads(listed.stdout)
        return found

    mine = eventually_blocking(
        alerts,
        lambda rows: any(row["pathway_id"] == pathway_id for row in rows),
        what=f"the intake alert of {pathway_id} was listed",
    )
    alert_id = next(r["alert"]["alert_id"] for r in mine if r["pathway_id"] == pathway_id)
    assert alert_id.startswith("intake_overdue")
    everyone = cli("alerts", "--all")
    assert everyone.exit_code == ExitCode.REFUSED
    assert cli("--role", "coordinator", "alerts", "--all").exit_code == 0
    snoozed = cli("alerts", "snooze", pathway_id, alert_id, "--until", "2099-01-01")
    assert snoozed.exit_code == 0, snoozed.output
    acked = cli("alerts", "ack", pathway_id, alert_id, "--json")
    assert acked.exit_code == 0, acked.output
    status = json.loads(cli("show", pathway_id, "--json").stdout)["status"]
    assert all(a["alert_id"] != alert_id for a in status["open_alerts"])


@pytest.mark.parametrize(
    "command",
    [("ack",), ("snooze", "--until", "2099-01-01")],
    ids=["ack", "snooze"],
)
def test_an_unknown_alert_is_not_found(cli: Cli, command: tuple[str, ...]) -> None:
    """The README's exit 4 covers an alert the pathway does not have, as it does a pathway."""
    pathway_id = refer(cli)
    verb, *options = command
    result = cli("alerts", verb, pathway_id, "intake_overdue:nonsense", *options)
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    assert "intake_overdue:nonsense" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
