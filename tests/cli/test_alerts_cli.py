"""`parcours alerts`: listing the alerts due, acknowledging and snoozing one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, refer
from tests.polling import eventually_blocking

pytestmark = [pytest.mark.temporal]


IN_A_MONTH = (date.today() + timedelta(days=30)).isoformat()
"""A snooze's end: within its 90 days, whatever day the suite runs."""
ATP_CRITERIA_ARGS = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")


def failed_alert(cli: Cli, *person: str) -> tuple[str, str]:
    """A pathway with an alert raised at once: telling its referrer, absent from the
    partner directory, of the intake fails for good. (An intake overdue since a referral
    entered `--on` months back waits for the entries to settle: README "Alerts".) `person`
    names someone else than the runner's PERSON (its last `--first-name` wins)."""
    pathway_id = refer(cli, "--on", "2026-01-05", *person)
    assert cli("consent", "give", pathway_id, "referrer").exit_code == 0
    assert cli("intake", "complete", pathway_id, *ATP_CRITERIA_ARGS).exit_code == 0

    def alerts() -> list[dict[str, Any]]:
        listed = cli("alerts", "--json")
        assert listed.exit_code == 0, listed.output
        found: list[dict[str, Any]] = json.loads(listed.stdout)
        return found

    mine = eventually_blocking(
        alerts,
        lambda rows: any(row["pathway_id"] == pathway_id for row in rows),
        what=f"the failure alert of {pathway_id} was listed",
    )
    alert_id = next(r["alert"]["alert_id"] for r in mine if r["pathway_id"] == pathway_id)
    assert alert_id.startswith("notification_failed")
    assert all(r["alert"]["rule"] != "intake_overdue" for r in mine)
    return pathway_id, alert_id


def test_alerts_list_ack_and_snooze(cli: Cli) -> None:
    pathway_id, alert_id = failed_alert(cli)
    everyone = cli("alerts", "--all")
    assert everyone.exit_code == ExitCode.REFUSED
    assert cli("--role", "coordinator", "alerts", "--all").exit_code == 0
    snoozed = cli("alerts", "snooze", pathway_id, alert_id, "--until", IN_A_MONTH)
    assert snoozed.exit_code == 0, snoozed.output
    acked = cli("alerts", "ack", pathway_id, alert_id, "--json")
    assert acked.exit_code == 0, acked.output
    status = json.loads(cli("show", pathway_id, "--json").stdout)["status"]
    assert all(a["alert_id"] != alert_id for a in status["open_alerts"])


def test_handled_alerts_are_listed_on_request_and_named_in_the_timeline(cli: Cli) -> None:
    pathway_id, alert_id = failed_alert(cli)
    acked = cli("alerts", "ack", pathway_id, alert_id)
    assert acked.exit_code == 0, acked.output
    assert "Alert acknowledged: notification failed" in acked.stdout
    assert alert_id not in cli("alerts").stdout
    chosen = cli("alerts", "--status", "acknowledged", "--status", "resolved", "--json")
    assert chosen.exit_code == 0, chosen.output
    [row] = [r for r in json.loads(chosen.stdout) if r["pathway_id"] == pathway_id]
    assert (row["alert"]["alert_id"], row["alert"]["status"]) == (alert_id, "acknowledged")
    table = cli("alerts", "--status", "acknowledged")
    assert table.stdout.splitlines()[0].startswith("Alerts (")
    assert "acknowledged" in table.stdout
    assert cli("alerts", "--status", "resolved", "--json").stdout.strip() == "[]"
    as_shown = cli("--lang", "fr", "alerts", "--status", "Prise en compte", "--json")
    assert as_shown.exit_code == 0, as_shown.output
    assert [r["alert"]["alert_id"] for r in json.loads(as_shown.stdout)] == [alert_id]
    wrong = cli("alerts", "--status", "gone")
    assert wrong.exit_code == ExitCode.USAGE
    assert "resolved" in wrong.output

    english = cli("timeline", pathway_id).stdout
    assert "Alert acknowledged: notification failed" in english, english
    french = cli("--lang", "fr", "timeline", pathway_id).stdout
    assert "Alerte prise en compte : notification en échec" in french, french
    assert "(personnel)" in french  # the role in French words
    assert "(staff)" not in french
    assert "(staff)" in english


def test_an_alert_is_named_by_its_rule_in_either_language_or_its_id_s_start(cli: Cli) -> None:
    pathway_id, alert_id = failed_alert(cli)
    snoozed = cli(
        "--lang", "fr", "alerts", "snooze", pathway_id, "Notification en echec",
        "--until", IN_A_MONTH, "--json",
    )  # fmt: skip
    assert snoozed.exit_code == 0, snoozed.output
    assert json.loads(snoozed.stdout)["details"]["alert_id"] == alert_id
    acked = cli("alerts", "ack", pathway_id, alert_id[:24], "--request-id", "ack-1", "--json")
    assert acked.exit_code == 0, acked.output
    assert json.loads(acked.stdout)["details"]["alert_id"] == alert_id
    retried = cli("alerts", "ack", pathway_id, alert_id[:24], "--request-id", "ack-1", "--json")
    assert retried.exit_code == 0, retried.output
    assert json.loads(retried.stdout)["seq"] == json.loads(acked.stdout)["seq"]  # no new event
    again = cli("alerts", "ack", pathway_id, "notification_failed")  # a new request
    assert again.exit_code == ExitCode.REFUSED, again.output
    assert f"alert {alert_id} is already acknowledged" in again.stderr
    never = cli("alerts", "ack", pathway_id, "consent_expired")
    assert never.exit_code == ExitCode.NOT_FOUND, never.output
    assert never.stderr == (
        f"Pathway {pathway_id[8:16]} has no alert “consent expired”; its open alerts: none (an "
        "alert is named by its id, its rule or the start of its id).\n"
    )
    slip = cli("--lang", "fr", "alerts", "ack", pathway_id, "1")  # a number, as a trial typed
    assert slip.exit_code == ExitCode.NOT_FOUND, slip.output
    assert "n'a pas d'alerte « 1 » ; ses alertes ouvertes : néant" in " ".join(slip.stderr.split())


@pytest.mark.parametrize(
    "command",
    [("ack",), ("snooze", "--until", IN_A_MONTH)],
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


def test_a_coordinator_lists_every_alert_from_the_read_model(cli: Cli) -> None:
    """`--all` reads the read model (once the projection has the alert), soonest due first,
    up to `--limit`, and says on stderr when there are more."""
    coordinator = ("--role", "coordinator", "alerts", "--all")
    first, first_alert = failed_alert(cli)
    second, _ = failed_alert(cli, "--first-name", "Ondine")

    def every() -> list[dict[str, Any]]:
        listed = cli(*coordinator, "--json")
        assert listed.exit_code == 0, listed.output
        found: list[dict[str, Any]] = json.loads(listed.stdout)
        return found

    rows = eventually_blocking(
        every,
        lambda rows: {first, second} <= {row["pathway_id"] for row in rows},
        what="both failure alerts were projected",
    )
    [row] = [r for r in rows if r["pathway_id"] == first]
    assert (row["alert"]["alert_id"], row["alert"]["status"]) == (first_alert, "open")
    assert row["alert"]["programme"] == "atp-cergy"
    dues = [r["alert"]["due_at"] for r in rows]
    assert dues == sorted(dues)

    cut = cli(*coordinator, "--limit", "1")
    assert cut.exit_code == 0, cut.output
    assert cut.stdout.splitlines()[0] == "Open alerts (1)"
    assert cut.stderr.startswith("Only the first 1 are listed")
    assert cli(*coordinator, "--limit", "0").exit_code == ExitCode.USAGE

    assert cli("alerts", "ack", first, first_alert).exit_code == 0
    eventually_blocking(
        every,
        lambda rows: first not in {row["pathway_id"] for row in rows},
        what="the acknowledged alert left the open ones",
    )
    handled = cli(*coordinator, "--status", "acknowledged", "--json")
    assert [r["pathway_id"] for r in json.loads(handled.stdout)] == [first]
