"""Signed actors through the CLI, with the worker checking signatures as the real service
does: a coordinator's credential (made as `serve` makes the first one) issues a staff
member's, whose config file then signs every command; a role the credential does not
grant, no credential, or a revoked one is refused (exit 3). On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import stat
import tomllib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from parcours.adapters.secret_file import create_secret_file, read_secret_file
from parcours.adapters.settings import Settings
from parcours.app.staff_access import read_pass
from parcours.cli.exit_codes import ExitCode
from parcours.service import prepare_actors
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import PERSON, Cli, refer
from tests.cli.staff_helpers import PROVEN, staff_member
from tests.polling import eventually_blocking

pytestmark = [pytest.mark.temporal]


def test_credentials_are_issued_used_and_revoked(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    cli, _ = signed_cli
    staff_file = tmp_path / "staff-7f3a.toml"
    added = cli(
        "staff", "add", "staff-7f3a", "--role", "staff", "--config-file", str(staff_file), "--json"
    )
    assert added.exit_code == 0, added.output
    assert stat.S_IMODE(staff_file.stat().st_mode) == 0o600
    held = tomllib.loads(staff_file.read_text())
    assert held["actor"] == "staff-7f3a"
    assert held["role"] == "staff"
    assert held["key_id"] == json.loads(added.stdout)["key_id"]
    listed = json.loads(cli("staff", "list", "--json").stdout)
    assert [c["actor"] for c in listed] == ["coord-21b9", "staff-7f3a"]
    assert held["private_key"] not in cli("staff", "list", "--json").stdout

    again = cli("staff", "add", "staff-7f3a", "--role", "staff", "--config-file", str(staff_file))
    assert again.exit_code == 2, again.output

    staff = Cli({**cli.env, "PARCOURS_CONFIG": str(staff_file)})
    pathway_id = refer(staff)
    assert staff("contact", pathway_id).exit_code == 0
    trail = json.loads(staff("timeline", pathway_id, "--json").stdout)

    as_coordinator = staff("--role", "coordinator", "contact", pathway_id)
    assert as_coordinator.exit_code == 3, as_coordinator.output
    assert "does not grant staff-7f3a the coordinator role" in as_coordinator.output
    assert "--role" not in as_coordinator.output

    unsigned = Cli({**cli.env, "PARCOURS_CONFIG": str(tmp_path / "none.toml")})
    refused = unsigned("--as", "staff-7f3a", "contact", pathway_id)
    assert refused.exit_code == 3, refused.output
    assert "not signed by a staff credential" in refused.output

    not_coordinator = staff("staff", "add", "staff-0000", "--role", "coordinator")
    assert not_coordinator.exit_code == 3, not_coordinator.output
    french = staff("--lang", "fr", "staff", "add", "staff-0000", "--role", "coordinateur")
    assert " ".join(french.stderr.split()).endswith("est celui de staff-7f3a, comme personnel.")

    revoked = cli("staff", "revoke", "staff-7f3a")
    assert revoked.exit_code == 0, revoked.output
    after = staff("contact", pathway_id)
    assert after.exit_code == 3, after.output
    assert "was revoked" in after.output
    referral = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "work")
    referred = staff(*referral, *PERSON)  # said revoked, not as a referent nobody holds
    assert referred.exit_code == 3, referred.output
    assert "was revoked" in referred.output
    assert json.loads(cli("timeline", pathway_id, "--json").stdout) == trail
    assert cli("staff", "revoke", "nobody-at-all").exit_code == 4
    twice = cli("--lang", "fr", "staff", "revoke", "staff-7f3a")
    assert twice.exit_code == 0, twice.output
    assert "étaient déjà révoqués : rien n'a été révoqué maintenant" in twice.stdout

    audited = cli("audit", "trail", pathway_id, "--json")
    assert audited.exit_code == 0, audited.output
    entries = json.loads(audited.stdout)["entries"]
    signed = [(e["key_id"], e["signature"]) for e in entries]
    assert signed == [(held["key_id"], "valid")] * 2  # the referral, the contact
    shown = cli("audit", "trail", pathway_id)
    assert f"staff-7f3a (staff) {held['key_id']} ✓" in shown.stdout


def test_serve_makes_the_first_coordinator_once_and_warns_in_declared_roles(tmp_path: Path) -> None:
    settings = replace(Settings.self_contained(str(tmp_path)), declared_roles=False)
    said: list[str] = []
    config = tmp_path / "config.toml"
    config.write_text('lang = "fr"\n')
    texts = lambda key, **values: f"{key} {values}"  # noqa: E731 - the catalogue's shape
    prepare_actors(settings, said.append, said.append, texts, (config, "coord-21b9"))
    prepare_actors(settings, said.append, said.append, texts, (config, "coord-21b9"))
    assert [line.split()[0] for line in said] == ["serve.coordinator_created"]
    kept = tomllib.loads(config.read_text())
    assert kept["lang"] == "fr"
    assert kept["role"] == "coordinator"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600

    loud: list[str] = []
    prepare_actors(
        replace(settings, declared_roles=True), loud.append, loud.append, texts, (config, None)
    )
    assert [line.split()[0] for line in loud] == ["serve.declared_roles"]


def test_a_read_is_proven_by_the_credential_held_and_logged_with_its_key_id(
    signed_cli: tuple[Cli, Path], tmp_path: Path, db_url: str
) -> None:
    coordinator, coordinator_file = signed_cli
    staff_file = tmp_path / "staff-7f3a.toml"
    staff = staff_member(coordinator, staff_file)
    pathway_id = refer(staff)

    shown = staff("show", pathway_id)
    assert shown.exit_code == 0, shown.output
    assert "Quillfeather" in shown.stdout
    staff_key = tomllib.loads(staff_file.read_text())["key_id"]
    coordinator_key = tomllib.loads(coordinator_file.read_text())["key_id"]
    unmasked = coordinator("report", "atp-cergy", "--unmasked", "--json", **PROVEN)
    assert unmasked.exit_code == 0, unmasked.output
    logged = [(r["actor_id"], r["role"], r["command"], r["key_id"]) for r in read_log_rows(db_url)]
    assert logged == [
        ("staff-7f3a", "staff", "show", staff_key),
        ("coord-21b9", "coordinator", "report_unmasked", coordinator_key),
    ]

    listed = coordinator("audit", "reads", "--json", **PROVEN)
    assert listed.exit_code == 0, listed.output
    assert [r["key_id"] for r in json.loads(listed.stdout)["reads"]] == [staff_key, coordinator_key]
    words = coordinator("audit", "reads", pathway_id, **PROVEN)
    assert staff_key in words.stdout
    assert "Key id" in words.stdout

    erased = coordinator("erase", pathway_id, "--reason", "the person asked", "--yes", **PROVEN)
    assert erased.exit_code == 0, erased.output  # opening the identity one last time: a read
    last = read_log_rows(db_url)[-1]
    assert (last["command"], last["key_id"]) == ("erase", coordinator_key)
    reads = coordinator("audit", "reads", pathway_id, **PROVEN)
    assert reads.exit_code == 0, reads.output
    assert "erase (the identity opened one last time" in reads.stdout
    trail = coordinator("audit", "trail", pathway_id, "--json", **PROVEN)
    assert trail.exit_code == 0, trail.output
    proofs = [(e["event"], e["signature"]) for e in json.loads(trail.stdout)["entries"]]
    assert proofs == [("referred", "valid"), ("person_erased", "valid")]  # signed as sent


def test_a_read_without_a_credential_in_force_for_its_role_shows_and_logs_nothing(
    signed_cli: tuple[Cli, Path], tmp_path: Path, db_url: str
) -> None:
    coordinator, _ = signed_cli
    staff_file = tmp_path / "staff-7f3a.toml"
    staff = staff_member(coordinator, staff_file)
    pathway_id = refer(staff)
    nobody = tmp_path / "no-credential.toml"
    nobody.write_text('actor = "staff-7f3a"\nrole = "staff"\n')

    def refused(cli: Cli, *args: str, **env: str) -> str:
        result = cli(*args, **env)
        assert result.exit_code == ExitCode.REFUSED, result.output
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.output
        return result.stderr

    said = refused(staff, "--role", "coordinator", "show", pathway_id)
    assert said.startswith("Nothing is shown: you read as staff-7f3a (coordinator)"), said
    assert "staff-7f3a's, as staff" in said
    french = refused(staff, "--lang", "fr", "--as", "staff-0000", "timeline", pathway_id)
    assert french.startswith("Rien n'est affiché"), french
    said = refused(staff, "timeline", pathway_id, PARCOURS_CONFIG=str(nobody))
    assert "holds none" in said, said
    as_auditor = ("--role", "auditor", "audit", "trail", pathway_id)
    said = refused(coordinator, *as_auditor, **PROVEN)
    assert "coord-21b9's, as coordinator" in said, said
    erase = ("--as", "coord-0000", "erase", pathway_id, "--reason", "asked", "--yes")
    assert "coord-21b9's, as coordinator" in refused(coordinator, *erase, **PROVEN)
    # The extract proves its reader before it reads a pathway: it used to read them all,
    # its progress bar full, then refuse at the read log.
    out = tmp_path / "extract"
    extract = ("--role", "coordinator", "extract", "atp-cergy", "--out", str(out))
    said = refused(staff, *extract, PARCOURS_CONFIG=str(nobody))
    assert "holds none" in said, said
    assert not out.exists()
    assert read_log_rows(db_url) == []

    assert coordinator("staff", "revoke", "staff-7f3a").exit_code == 0
    for args in (("show", pathway_id), ("show", pathway_id, "--json"), ("timeline", pathway_id)):
        said = refused(staff, *args)
        assert " was revoked on 20" in said, said
    french = refused(staff, "--lang", "fr", "show", pathway_id)
    assert " a été révoqué le 20" in french, french  # which of the three, not all three
    assert read_log_rows(db_url) == []

    declared = staff("show", pathway_id, PARCOURS_DECLARED_ROLES="1", PARCOURS_CONFIG=str(nobody))
    assert declared.exit_code == 0, declared.output  # the declared-roles mode: as before
    assert [(r["actor_id"], r["key_id"]) for r in read_log_rows(db_url)] == [("staff-7f3a", "")]


def test_a_codec_pass_is_issued_for_the_credential_held_not_the_role_typed(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    coordinator, _ = signed_cli
    secret = tmp_path / "config" / "codec-secret"
    create_secret_file(secret)
    staff = staff_member(coordinator, tmp_path / "staff-7f3a.toml")
    staff.env["PARCOURS_CODEC_SECRET_FILE"] = str(secret)

    issued = staff("codec-pass", "--json")
    assert issued.exit_code == 0, issued.output
    found = read_pass(
        read_secret_file(secret), json.loads(issued.stdout)["pass"], datetime.now(UTC)
    )
    assert (found.actor.actor_id, found.actor.role.value) == ("staff-7f3a", "staff")

    as_coordinator = staff("--role", "coordinator", "codec-pass")
    assert as_coordinator.exit_code == ExitCode.REFUSED, as_coordinator.output
    assert as_coordinator.stdout == ""
    said = as_coordinator.stderr
    assert said.startswith("No pass is issued: you ask it as staff-7f3a (coordinator)"), said
    french = staff("--lang", "fr", "--as", "staff-0000", "codec-pass")
    assert french.exit_code == ExitCode.REFUSED
    assert french.stderr.startswith("Aucun laissez-passer n'est délivré"), french.stderr
    nobody = tmp_path / "no-credential.toml"
    nobody.write_text('actor = "staff-7f3a"\nrole = "staff"\n')
    none_held = staff("codec-pass", PARCOURS_CONFIG=str(nobody))
    assert none_held.exit_code == ExitCode.REFUSED
    assert "holds none" in none_held.stderr

    assert coordinator("staff", "revoke", "staff-7f3a").exit_code == 0
    revoked = staff("codec-pass")
    assert revoked.exit_code == ExitCode.REFUSED
    assert "revoked" in revoked.stderr
    declared = staff("--role", "auditor", "codec-pass", PARCOURS_DECLARED_ROLES="1")
    assert declared.exit_code == 0, declared.output  # the declared-roles mode: as before


def test_doctor_close_is_proven_before_anything_is_closed(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    """Closing terminates the workflow, which the worker does not check: the CLI proves the
    coordinator's credential first, so a refusal means nothing was closed."""
    coordinator, _ = signed_cli
    staff = staff_member(coordinator, tmp_path / "staff-7f3a.toml")
    pathway_id = refer(staff)

    close = ("doctor", "close", pathway_id, "--reason", "started by a faulty import")
    as_other = coordinator("--as", "coord-0000", *close, **PROVEN)
    assert as_other.exit_code == ExitCode.REFUSED, as_other.output
    assert as_other.stderr.startswith("Nothing is closed: you act as coord-0000"), as_other.stderr
    french = staff("--lang", "fr", "--role", "coordinator", *close)
    assert french.exit_code == ExitCode.REFUSED, french.output
    said = french.stderr
    assert said.startswith("Rien n'est clos : vous agissez comme staff-7f3a"), said
    assert staff("show", pathway_id).exit_code == 0  # still running, nothing closed
    not_in_trouble = coordinator(*close, **PROVEN)  # proven: the pathway itself is then judged
    assert not_in_trouble.exit_code == ExitCode.REFUSED, not_in_trouble.output
    assert "Nothing is closed" not in not_in_trouble.stderr


@pytest.mark.parametrize("actor", ["", " ", "bob smith", "a", "staff\u202eana"])
def test_a_staff_id_that_is_none_is_refused_before_anything_is_issued(
    signed_cli: tuple[Cli, Path], tmp_path: Path, actor: str
) -> None:
    """Blank, a name with spaces, one character, invisible controls: exit 2, no file
    written, no credential listed."""
    cli, _ = signed_cli
    target = tmp_path / "new.toml"
    added = cli("staff", "add", actor, "--role", "staff", "--config-file", str(target))
    assert added.exit_code == ExitCode.USAGE, added.output
    assert "is not a staff id" in added.stderr
    assert not target.exists()
    assert [c["actor"] for c in json.loads(cli("staff", "list", "--json").stdout)] == ["coord-21b9"]


def test_a_config_file_that_cannot_be_written_issues_nothing(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    cli, _ = signed_cli
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    target = blocker / "staff.toml"  # under a file: no folder can be made there
    added = cli("--lang", "fr", "staff", "add", "staff-9", "--role", "staff",
                "--config-file", str(target))  # fmt: skip
    assert added.exit_code == ExitCode.USAGE, added.output
    (said,) = added.stderr.strip().splitlines()
    assert "n'a pas pu être écrit" in said
    assert "Traceback" not in added.output
    assert "staff-9" not in cli("staff", "list", "--json").stdout


def test_a_returning_referral_is_signed_over_the_earlier_pathway_it_names(
    signed_cli: tuple[Cli, Path], tmp_path: Path
) -> None:
    """The worker checks the signature of a referral naming an earlier pathway, and the
    audit trail proves it again from the history (it signs `earlier_pathway_id`)."""
    coordinator, _ = signed_cli
    staff = staff_member(coordinator, tmp_path / "staff-7f3a.toml")
    earlier = refer(staff, "--on", "2026-01-02")
    left = staff("exit", earlier, "moved_away", "--reason", "moved", "--on", "2026-02-01")
    assert left.exit_code == 0, left.output
    back = json.loads(refer_json(staff, "--returning", "--on", "2026-06-01"))
    assert back["earlier_pathway_id"] == earlier
    shown = staff("show", back["pathway_id"])  # answered: its first task has run
    assert shown.exit_code == 0, shown.output
    trail = coordinator("audit", "trail", back["pathway_id"], "--json", **PROVEN)
    assert trail.exit_code == 0, trail.output
    referred = json.loads(trail.stdout)["entries"][0]
    assert referred["details"]["earlier_pathway_id"] == earlier
    assert referred["signature"] == "valid"


def refer_json(cli: Cli, *extra: str) -> str:
    """A referral of PERSON by the CCAS, as it is answered in JSON; it must succeed (the
    person's earlier pathway lists at its new stage a moment after its exit)."""
    args = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "back")
    said = eventually_blocking(
        lambda: cli(*args, *PERSON, "--json", *extra),
        lambda r: r.exit_code == 0,
        what="a returning referral accepted",
    )
    return said.stdout
