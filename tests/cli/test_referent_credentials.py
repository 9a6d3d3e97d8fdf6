"""A referent is someone who reads the pathway's alerts: a staff member or a coordinator
holding a credential in force. Named otherwise (`refer --referent`, `referent assign`),
the command is refused before anything is sent, in one sentence: a staff id nobody holds
is not found (exit 4), another role's is refused (exit 3). With the worker checking
signatures, as the real service does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, refer

pytestmark = [pytest.mark.temporal]

PROVEN = {"PARCOURS_DECLARED_ROLES": ""}
"""The CLI out of the declared-roles mode the test session turns on."""


def issue(coordinator: Cli, staff_id: str, role: str, folder: Path) -> None:
    config = folder / f"{staff_id}.toml"
    added = coordinator("staff", "add", staff_id, "--role", role, "--config-file", str(config))
    assert added.exit_code == 0, added.output


def test_a_referent_holds_a_staff_or_coordinator_credential_in_force(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    cli, _ = signed_cli
    coordinator = Cli({**cli.env, **PROVEN})
    issue(coordinator, "staff-7f3a", "staff", tmp_path)
    issue(coordinator, "aud-0001", "auditor", tmp_path)

    nobody = coordinator("refer", "--programme", "atp-cergy", "--referent", "staf-anna",
                         "--referrer", "CCAS", "--reason", "r", "--first-name", "Ada",
                         "--last-name", "Quillfeather", "--birth-date", "1990-04-02")  # fmt: skip
    assert nobody.exit_code == ExitCode.NOT_FOUND, nobody.output
    (said,) = nobody.stderr.strip().splitlines()
    assert "staf-anna" in said
    assert "parcours staff list" in said
    assert json.loads(coordinator("list", "--json").stdout) == []  # nobody referred

    pathway_id = refer(coordinator, "--referent", "staff-7f3a")
    shown = json.loads(coordinator("show", pathway_id, "--json").stdout)
    assert shown["status"]["referent"] == "staff-7f3a"

    auditor = coordinator("referent", "assign", pathway_id, "aud-0001")
    assert auditor.exit_code == ExitCode.REFUSED, auditor.output
    assert "referent_role" in auditor.stderr
    assert "auditor" in auditor.stderr
    revoked = coordinator("staff", "revoke", "staff-7f3a")
    assert revoked.exit_code == 0, revoked.output
    french = coordinator("--lang", "fr", "referent", "assign", pathway_id, "staff-7f3a")
    assert french.exit_code == ExitCode.NOT_FOUND, french.output
    (said,) = french.stderr.strip().splitlines()
    assert "personne ne détient d'identifiant du personnel en vigueur" in said
    assert coordinator("referent", "assign", pathway_id, "coord-21b9").exit_code == 0
    trail = json.loads(coordinator("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in trail].count("referent_assigned") == 1


def test_a_partner_who_refers_is_not_made_the_referent(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    """Partners may refer; without --referent the referent would be the partner, who reads
    no alerts: refused (exit 3), as when named, and a blank --referent names nobody (exit
    2). Staff referring for themselves are proven by their own signature."""
    cli, _ = signed_cli
    coordinator = Cli({**cli.env, **PROVEN})
    issue(coordinator, "part-0001", "partner", tmp_path)
    partner = Cli({**cli.env, **PROVEN, "PARCOURS_CONFIG": str(tmp_path / "part-0001.toml")})
    typed = (
        *("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "r"),
        *("--first-name", "Ada", "--last-name", "Quillfeather", "--birth-date", "1990-04-02"),
    )
    refused = partner(*typed)
    assert refused.exit_code == ExitCode.REFUSED, refused.output
    assert "referent_role" in refused.stderr
    blank = coordinator(*typed, "--referent", " ")
    assert blank.exit_code == ExitCode.USAGE, blank.output
    assert "--referent names nobody" in blank.stderr
    assert json.loads(coordinator("list", "--json").stdout) == []


def test_where_roles_are_declared_any_staff_id_may_be_named(cli: Cli) -> None:
    """Tests and demos keep no credentials: the referent is not checked there."""
    pathway_id = refer(cli, "--referent", "staf-anna")
    assert (
        cli("--role", "coordinator", "referent", "assign", pathway_id, "staff-0042").exit_code == 0
    )


def test_assigning_the_current_referent_again_is_refused_and_records_nothing(cli: Cli) -> None:
    """A handover to whoever already holds the pathway would show one that never happened."""
    pathway_id = refer(cli, "--referent", "staff-0042")
    coordinator = ("--role", "coordinator", "--lang", "fr")
    again = cli(*coordinator, "referent", "assign", pathway_id, "staff-0042")
    assert again.exit_code == ExitCode.REFUSED, again.output
    assert "staff-0042 est déjà le référent de ce parcours" in again.stderr
    assert "Traceback" not in again.output
    trail = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert "referent_assigned" not in [e["kind"] for e in trail]
    assert cli(*coordinator, "referent", "assign", pathway_id, "staff-0043").exit_code == 0
