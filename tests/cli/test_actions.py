"""Every staff action through the CLI, on a real server, in English and French."""

from __future__ import annotations

import json

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.conftest import Cli
from tests.cli.test_refer_and_read import refer

FULL_ATP = [
    (
        "intake",
        "complete",
        "{ref}",
        "--criterion",
        "precarious_worker",
        "--criterion",
        "lives_in_territory",
        "--on",
        "2026-01-05",
    ),
    ("barrier", "add", "{ref}", "housing", "--aid"),
    ("barrier", "work", "{ref}", "b1"),
    ("barrier", "resolve", "{ref}", "b1"),
    ("barrier", "add", "{ref}", "childcare"),
    ("barrier", "waive", "{ref}", "b2", "--reason", "family help with the children"),
    ("consent", "give", "{ref}", "referrer", "--expires", "2027-12-31"),
    ("consent", "withdraw", "{ref}", "referrer"),
    ("french", "assess", "{ref}", "B1"),
    ("contact", "{ref}"),
    ("contract", "sign", "{ref}", "--on", "2026-01-06"),
    ("coaching", "start", "{ref}"),
    (
        "appointment",
        "add",
        "{ref}",
        "--at",
        "2026-12-01T18:30",
        "--kind",
        "individual",
        "--place",
        "mobile_office",
        "--late",
    ),
    ("appointment", "attend", "{ref}", "a1"),
    (
        "appointment",
        "add",
        "{ref}",
        "--at",
        "2026-12-02T10:00",
        "--kind",
        "coaching",
        "--place",
        "office",
    ),
    ("appointment", "miss", "{ref}", "a2"),
    ("jobdating", "outcome", "{ref}", "training", "--agency", "Interim 95"),
    (
        "training",
        "enrol",
        "{ref}",
        "--title",
        "CAP module 1",
        "--provider",
        "GRETA",
        "--start",
        "2026-12-07",
        "--end",
        "2027-02-26",
        "--paid",
        "--diploma-module",
    ),
    ("training", "complete", "{ref}", "--on", "2027-02-26"),
    ("suspend", "{ref}", "--reason", "hospital stay"),
    ("resume", "{ref}"),
    (
        "mission",
        "start",
        "{ref}",
        "--agency",
        "Interim 95",
        "--employer",
        "Logistique Nord",
        "--contract",
        "temp_mission",
        "--hours",
        "35",
        "--start",
        "2027-03-01",
        "--end",
        "2027-03-31",
    ),
    ("mission", "end", "{ref}", "--on", "2027-03-31"),
    ("dropout", "{ref}", "--reason", "no news for two months"),
    ("reenter", "{ref}", "--session", "2027-09", "--reason", "came back through the CCAS"),
    ("exit", "{ref}", "moved_away", "--reason", "moved to Lyon"),
]


def test_a_whole_pathway_through_the_cli(cli: Cli) -> None:
    pathway_id = refer(cli)
    for step in FULL_ATP:
        args = [part.format(ref=pathway_id) for part in step]
        result = cli(*args, "--json")
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.stdout)["pathway_id"] == pathway_id
    shown = json.loads(cli("show", pathway_id, "--json").stdout)
    assert shown["status"]["stage"] == "exited"
    assert shown["status"]["outcome"]["reason"] == "moved_away"
    events = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert len([e for e in events if e["kind"] != "alert_raised"]) == len(FULL_ATP) + 1
    waived = next(e for e in events if e["kind"] == "barrier_waived")
    assert waived["reason"] == "family help with the children"
    assert waived["actor_id"] == "staff-7f3a"


def test_a_refused_move_names_the_rule_and_what_is_allowed(cli: Cli) -> None:
    pathway_id = refer(cli)
    english = cli("contract", "sign", pathway_id)
    assert english.exit_code == ExitCode.REFUSED
    assert "Refused by the rule stage" in english.stderr
    assert "Allowed now: complete the intake, " in english.stderr
    assert english.stderr.count("\n") == 1
    assert "Traceback" not in english.output
    french = cli("--lang", "fr", "contract", "sign", pathway_id)
    assert french.exit_code == ExitCode.REFUSED
    assert "Refusé par la règle stage" in french.stderr
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]  # refusals never reach history


def test_a_guard_refusal_and_a_missing_reason(cli: Cli) -> None:
    pathway_id = refer(cli)
    ineligible = cli("intake", "complete", pathway_id, "--criterion", "precarious_worker")
    assert ineligible.exit_code == ExitCode.REFUSED
    assert "eligibility_met" in ineligible.stderr
    cli(
        "intake",
        "complete",
        pathway_id,
        "--criterion",
        "precarious_worker",
        "--criterion",
        "lives_in_territory",
    )
    no_reason = cli("suspend", pathway_id)
    assert no_reason.exit_code == ExitCode.REFUSED
    assert "reason_required" in no_reason.stderr
    assert "record a barrier" in no_reason.stderr


def test_roles_are_checked_by_the_workflow(cli: Cli) -> None:
    pathway_id = refer(cli)
    auditor = cli("--role", "auditor", "contact", pathway_id)
    assert auditor.exit_code == ExitCode.REFUSED
    assert "auditor role may not record a contact" in auditor.stderr
    staff = cli("referent", "assign", pathway_id, "staff-0042")
    assert staff.exit_code == ExitCode.REFUSED
    coordinator = cli("--role", "coordinator", "referent", "assign", pathway_id, "staff-0042")
    assert coordinator.exit_code == 0, coordinator.output
    unknown_role = cli("--role", "director", "contact", pathway_id)
    assert unknown_role.exit_code == ExitCode.USAGE
    assert "coordinator" in unknown_role.stderr


def test_a_retried_request_applies_once(cli: Cli) -> None:
    pathway_id = refer(cli)
    first = cli("contact", pathway_id, "--request-id", "req-contact-1", "--json")
    again = cli("contact", pathway_id, "--request-id", "req-contact-1", "--json")
    assert first.exit_code == again.exit_code == 0
    assert json.loads(again.stdout)["seq"] == json.loads(first.stdout)["seq"]
    events = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in events].count("contact_recorded") == 1


def test_alerts_list_ack_and_snooze(cli: Cli) -> None:
    pathway_id = refer(cli, "--on", "2026-01-05")  # intake long overdue: the alert is due now
    for _ in range(100):
        listed = cli("alerts", "--json")
        assert listed.exit_code == 0, listed.output
        mine = json.loads(listed.stdout)
        if any(row["pathway_id"] == pathway_id for row in mine):
            break
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
    ("args", "code", "words"),
    [
        (("contract", "sign", "ffff0000"), ExitCode.NOT_FOUND, "No pathway matches"),
        (("barrier", "add", "abcd", "plumbing"), ExitCode.USAGE, "housing"),
        (("contact", "abcd", "--on", "yesterday"), ExitCode.USAGE, "YYYY-MM-DD"),
        (("show",), ExitCode.USAGE, "REF"),
    ],
)
def test_bad_input_gets_one_sentence(
    cli: Cli, args: tuple[str, ...], code: ExitCode, words: str
) -> None:
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_without_an_actor_the_cli_says_how_to_give_one(cli: Cli) -> None:
    result = cli("contact", "abcd", PARCOURS_ACTOR="")
    assert result.exit_code == ExitCode.USAGE
    assert "--as" in result.stderr


def test_an_unavailable_server_is_one_sentence(offline_cli: Cli) -> None:
    for lang, words in (("en", "cannot be reached"), ("fr", "injoignable")):
        result = offline_cli("--lang", lang, "show", "pathway-0123456789abcdef")
        assert result.exit_code == ExitCode.UNAVAILABLE
        assert words in result.stderr
        assert "Traceback" not in result.output
