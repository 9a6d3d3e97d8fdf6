"""An imported pathway is the pathway a coordinator enters by hand, command by command with
`--on`: the same timeline, the same `show`, the same `audit at`, and no stale alert.

The person is the generated caseload's fourth (`tests/caseloads.py`, shape "trained, two
temp missions, exit"): imported from its two files, then typed as `parcours` commands
under another name (a second referral of the same person would be refused).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.import_helpers import COORDINATOR, essence, one_person, open_sessions, run_import
from tests.cli.runner import Cli
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal
REFERRER = "Services sociaux du département"

HAND = [
    ("consent", "give", "referrer", "--expires", "2028-07-22", "--on", "2023-02-01"),
    (
        "intake",
        "complete",
        "--criterion",
        "precarious_worker",
        "--criterion",
        "lives_in_territory",
        "--on",
        "2023-02-04",
    ),
    ("barrier", "add", "housing", "--aid", "--on", "2023-02-05"),
    ("french", "assess", "A2", "--on", "2023-02-05"),
    ("barrier", "add", "health", "--on", "2023-02-06"),
    ("barrier", "work", "b1", "--on", "2023-02-19"),
    ("barrier", "resolve", "b1", "--on", "2023-03-01"),
    ("barrier", "waive", "b2", "--reason", "followed by the health centre", "--on", "2023-03-02"),
    ("contract", "sign", "--on", "2023-03-03"),
    ("coaching", "start", "--on", "2023-03-06"),
    (
        "appointment",
        "add",
        "--at",
        "2023-03-11T18:30",
        "--kind",
        "coaching",
        "--place",
        "mobile_office",
        "--late",
        "--on",
        "2023-03-07",
    ),
    ("appointment", "attend", "a1", "--on", "2023-03-12"),
    ("jobdating", "outcome", "training", "--agency", "Adecco", "--on", "2023-03-16"),
    (
        "training",
        "enrol",
        "--title",
        "Employé libre-service",
        "--provider",
        "Muse",
        "--start",
        "2023-03-26",
        "--end",
        "2023-06-09",
        "--paid",
        "--on",
        "2023-03-21",
    ),
    ("training", "complete", "--on", "2023-06-09"),
    (
        "mission",
        "start",
        "--employer",
        "Entrepôt du Sud",
        "--contract",
        "temp_mission",
        "--hours",
        "35",
        "--agency",
        "Domino",
        "--end",
        "2023-07-19",
        "--on",
        "2023-06-19",
    ),
    ("mission", "end", "--on", "2023-07-19"),
    (
        "mission",
        "start",
        "--employer",
        "Entrepôt du Sud",
        "--contract",
        "temp_mission",
        "--hours",
        "35",
        "--agency",
        "Domino",
        "--end",
        "2023-10-17",
        "--on",
        "2023-07-29",
    ),
    ("exit", "employment", "--reason", "regular temp missions", "--on", "2023-10-17"),
]
"""The person's events file and dated columns, as a coordinator types them."""


def by_hand(cli: Cli) -> str:
    """The person typed command by command (session 2023-01 is open: see the test)."""
    referred = cli(
        "--role",
        "coordinator",
        "--as",
        COORDINATOR,
        "refer",
        "--programme",
        "atp-cergy",
        "--referrer",
        "Services sociaux du département",
        "--reason",
        "referred by the partner association",
        "--first-name",
        "Manuel",
        "--last-name",
        "Saisie",
        "--birth-date",
        "1963-11-24",
        "--session",
        "2023-01",
        "--on",
        "2023-01-30",
        "--json",
    )
    assert referred.exit_code == 0, referred.output
    pathway_id: str = json.loads(referred.stdout)["pathway_id"]
    for command in HAND:
        group, rest = command[0], command[1:]
        args = (
            (group, rest[0], pathway_id, *rest[1:])
            if group not in ("exit",)
            else (group, pathway_id, *rest)
        )
        done = cli("--role", "coordinator", "--as", COORDINATOR, *args)
        assert done.exit_code == 0, (command, done.output)
    return pathway_id


def shown(cli: Cli, pathway_id: str) -> dict[str, Any]:
    result = cli("show", pathway_id, "--json")
    assert result.exit_code == 0, result.output
    status: dict[str, Any] = json.loads(result.stdout)["status"]
    for varying in ("pathway_id", "as_of"):
        status.pop(varying, None)
    return status


def audit_at(cli: Cli, pathway_id: str, when: str) -> dict[str, Any]:
    result = cli("--role", "auditor", "audit", "at", pathway_id, "--when", when, "--json")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    for varying in ("pathway_id", "participant", "recorded_until", "as_of"):
        found.pop(varying, None)
    for varying in ("request_id", "recorded_at"):  # which request, and when it was typed
        found["last_event"].pop(varying, None)
    return found


def settled(cli: Cli, pathway_id: str) -> dict[str, Any]:
    """`show` with `closed_at`, `closes_at`, `retention_due_at` and `next_alert_at` read as
    whether they are
    set: the last contact (2023-10-17) is more than 24 months ago, so each pathway warns
    the coordinator an hour after its last entry, then anonymises its person the warning
    period later (README, Retention): not the same instants for the two pathways.
    Everything else (`allowed`, `last_event_seq`) is compared as it is."""
    status = shown(cli, pathway_id)
    status["closed_at"] = status.get("closed_at") is not None
    status["next_alert_at"] = status.get("next_alert_at") is not None
    status["closes_at"] = status.get("closes_at") is not None
    status["retention_due_at"] = status.get("retention_due_at") is not None
    return status


def test_an_imported_pathway_is_the_one_entered_by_hand(cli: Cli, tmp_path: Path) -> None:
    """The referrer is in the partner directory, so that what the pathway records itself
    (no failed message to it) is the same both ways too. The two are compared once what
    runs beside each workflow (projection, partner messages, alerts) has settled: until
    then `show` may differ for a moment, never for good."""
    added = cli(
        "--role",
        "coordinator",
        "partners",
        "add",
        REFERRER,
        "--kind",
        "referrer",
        "--channel",
        "file",
        "--address",
        str(tmp_path / "outbox"),
    )
    assert added.exit_code == 0, added.output
    # `refer --session` and the import check the session is open (README "Sessions").
    open_sessions(cli, "atp-cergy", ["2023-01"])
    people, events = one_person(tmp_path, "atp-cergy", 3)
    report = run_import(cli, "atp-cergy", str(people), "--events", str(events))
    imported = report["outcomes"][0]["pathway_id"]
    typed = by_hand(cli)
    assert essence(cli, imported) == essence(cli, typed)
    both = eventually_blocking(
        lambda: (settled(cli, imported), settled(cli, typed)),
        lambda pair: pair[0] == pair[1],
        what="the imported pathway shown as the typed one, once both settled",
    )
    assert both[0]["stage"] == "exited"
    assert both[0]["closed_at"] is False, "kept open until the person is anonymised"
    for when in ("2023-03-04", "2023-07-20", "2024-01-01"):
        assert audit_at(cli, imported, when) == audit_at(cli, typed, when)
    assert shown(cli, imported)["open_alerts"] == []
