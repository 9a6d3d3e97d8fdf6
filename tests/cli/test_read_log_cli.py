"""Who read what, through the CLI on the dev server: `show`, `timeline`, `extract` and
`report --unmasked` each log exactly one read, holding no name, birth date or phone;
`audit reads` lists them by pathway, reader and date, for auditors and coordinators; and
when the read log cannot be written, nothing is shown."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from parcours.adapters.readmodel import Read, open_store
from parcours.adapters.settings import Settings
from parcours.app.read_log import ReadCommand
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import short
from parcours.domain.vocabulary import Role
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import Cli, as_coordinator, refer
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal

PHONE = "+33 6 12 34 56 78"
IDENTITY = ("Zephyrine", "Quillfeather", "1990-04-02", PHONE, "06 12 34 56 78")
UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/x"


def one_more_read(cli: Cli, url: str, *args: str) -> dict[str, str]:
    """Run `parcours ARGS` (which must succeed) and return the one read it logged."""
    before = read_log_rows(url)
    result = cli(*args)
    assert result.exit_code == 0, result.output
    after = read_log_rows(url)
    assert len(after) == len(before) + 1, after[len(before) :]
    row = after[-1]
    said = " ".join(row.values())
    assert not [word for word in IDENTITY if word in said], row
    return row


def test_each_read_of_a_file_is_logged_once_without_the_person(
    cli: Cli, cli_settings: Settings, tmp_path: Path
) -> None:
    url = cli_settings.readmodel_url
    pid = refer(cli, "--phone", PHONE)
    assert "Quillfeather" in cli("show", pid).stdout  # the control: show does print the name
    shown = read_log_rows(url)[-1]
    assert {k: shown[k] for k in ("actor_id", "role", "command", "pathway_id")} == {
        "actor_id": "staff-7f3a",
        "role": "staff",
        "command": "show",
        "pathway_id": pid,
    }

    timeline = one_more_read(cli, url, "timeline", short(pid))
    extract = one_more_read(
        cli, url, "--as", "aud-01", "--role", "auditor", "extract", "atp-cergy",
        "--out", str(tmp_path / "extract"),
    )  # fmt: skip
    report = one_more_read(cli, url, "--role", "coordinator", "report", "atp-cergy", "--unmasked")
    as_json = one_more_read(cli, url, "show", pid, "--json")

    assert (timeline["command"], timeline["pathway_id"]) == ("timeline", pid)
    assert (extract["command"], extract["pathway_id"], extract["programme"]) == (
        "extract",
        pid,
        "atp-cergy",
    )
    assert (extract["actor_id"], extract["role"]) == ("aud-01", "auditor")
    assert (report["command"], report["pathway_id"], report["programme"]) == (
        "report_unmasked",
        "",
        "atp-cergy",
    )
    assert report["role"] == "coordinator"
    assert as_json["command"] == "show"


def test_a_read_that_cannot_be_logged_shows_nothing(cli: Cli, cli_settings: Settings) -> None:
    pid = refer(cli, "--phone", PHONE)
    for lang, start in (("en", "Nothing is shown"), ("fr", "Rien n'est affiché")):
        for args in (("show", pid), ("show", pid, "--json"), ("timeline", pid)):
            result = cli("--lang", lang, *args, PARCOURS_READMODEL_URL=UNREACHABLE_POSTGRES)
            assert result.exit_code == ExitCode.UNAVAILABLE, result.output
            assert result.stdout == ""
            assert result.stderr.startswith(start), result.stderr
            assert result.stderr.count("\n") == 1
            assert "Quillfeather" not in result.output
    assert read_log_rows(cli_settings.readmodel_url) == []


def reads(cli: Cli, *args: str, role: str = "auditor") -> list[dict[str, str]]:
    result = cli("--role", role, "audit", "reads", *args, "--json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, str]] = json.loads(result.stdout)["reads"]
    return found


def test_audit_reads_lists_them_by_pathway_reader_and_date(cli: Cli) -> None:
    first, second = refer(cli), refer(cli, "--programme", "atp-cergy", "--first-name", "Ada")
    assert cli("show", first).exit_code == 0
    between = datetime.now(UTC).isoformat()
    assert cli("--as", "staff-2b", "show", second).exit_code == 0
    assert cli("--as", "staff-2b", "timeline", first).exit_code == 0
    assert cli("--role", "auditor", "--as", "aud-01", "show", first).exit_code == 0

    everything = reads(cli)
    assert [(r["actor_id"], r["command"], r["pathway_id"]) for r in everything] == [
        ("staff-7f3a", "show", first),
        ("staff-2b", "show", second),
        ("staff-2b", "timeline", first),
        ("aud-01", "show", first),
    ]
    assert [r["actor_id"] for r in reads(cli, short(first))] == ["staff-7f3a", "staff-2b", "aud-01"]
    assert [r["pathway_id"] for r in reads(cli, "--actor", "staff-2b")] == [second, first]
    assert [r["command"] for r in reads(cli, first, "--actor", "staff-2b")] == ["timeline"]
    assert len(reads(cli, "--from", between)) == 3
    assert reads(cli, "--from", "2999-01-01") == []
    assert len(reads(cli, "--from", "2000-01-01", role="coordinator")) == 4
    assert everything[0]["role"] == "staff"
    assert everything[-1]["role"] == "auditor"


def test_audit_reads_in_words_and_refused_to_staff(cli: Cli) -> None:
    pid = refer(cli)
    assert cli("show", pid).exit_code == 0
    english = as_coordinator(cli, "audit", "reads", pid)
    assert english.exit_code == 0, english.output
    assert "Reads of people's files (1)" in english.stdout
    assert "show (the pathway, with the person)" in english.stdout
    assert "staff-7f3a (staff)" in english.stdout
    french = as_coordinator(cli, "--lang", "fr", "audit", "reads", "--actor", "staff-7f3a")
    assert "Lectures de dossiers de personnes (1)" in french.stdout
    assert cli("--as", "aud-01", "--role", "auditor", "show", pid).exit_code == 0
    audited = as_coordinator(cli, "--lang", "fr", "audit", "reads", "--actor", "aud-01")
    assert "show (le parcours, sans la personne)" in audited.stdout  # auditors see no identity
    assert "avec la personne" not in audited.stdout
    nobody = ("audit", "reads", "--actor", "nobody")
    assert as_coordinator(cli, *nobody).stdout == "No read in the read log matches.\n"
    assert "Aucune lecture" in as_coordinator(cli, "--lang", "fr", *nobody).stdout

    for lang, said in (
        ("en", "Only auditors and coordinators may"),
        ("fr", "Seuls les auditeurs et les coordinateurs peuvent"),
    ):
        refused = cli("--lang", lang, "audit", "reads")
        assert refused.exit_code == ExitCode.REFUSED
        assert refused.stderr.startswith(said), refused.stderr
        assert refused.stdout == ""
    bad = cli("--role", "auditor", "audit", "reads", "--from", "yesterday")
    assert bad.exit_code == ExitCode.USAGE
    assert bad.stderr.count("\n") == 1


def test_audit_trail_and_at_log_their_reads_from_the_service_or_a_file(
    cli: Cli, cli_settings: Settings, tmp_path: Path
) -> None:
    url = cli_settings.readmodel_url
    pid = refer(cli, "--phone", PHONE)
    assert cli("next", pid).exit_code == 0  # its first task has run: a history to audit
    auditor = ("--as", "aud-01", "--role", "auditor")
    later = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")

    trail = one_more_read(cli, url, *auditor, "audit", "trail", pid)
    at = one_more_read(cli, url, *auditor, "audit", "at", short(pid), "--when", later)
    exported = tmp_path / "pathway.json"
    assert cli("--role", "auditor", "audit", "export", pid, "--out", str(exported)).exit_code == 0
    from_file = one_more_read(cli, url, *auditor, "audit", "trail", str(exported), "--json")

    assert (trail["command"], trail["pathway_id"], trail["actor_id"]) == (
        "audit_trail",
        pid,
        "aud-01",
    )
    assert (at["command"], at["pathway_id"], at["role"]) == ("audit_at", pid, "auditor")
    assert (from_file["command"], from_file["pathway_id"]) == ("audit_trail", pid)
    listed = reads(cli, pid)
    assert [r["command"] for r in listed] == ["audit_trail", "audit_at", "audit_trail"]
    words = as_coordinator(cli, "audit", "reads", pid).stdout
    assert "audit trail (events and their reasons, from the history)" in words

    for args in (("audit", "trail", pid), ("audit", "at", pid, "--when", later)):
        refused = cli(*auditor, *args, PARCOURS_READMODEL_URL=UNREACHABLE_POSTGRES)
        assert refused.exit_code == ExitCode.UNAVAILABLE, refused.output
        assert refused.stdout == ""
        assert refused.stderr.startswith("Nothing is shown"), refused.stderr


@pytest.mark.postgres
def test_audit_reads_lists_the_reads_logged_in_postgresql(cli: Cli, postgres_url: str) -> None:
    pid = refer(cli)
    on_postgres = {"PARCOURS_READMODEL_URL": postgres_url}
    assert cli("show", pid, **on_postgres).exit_code == 0
    assert cli("--as", "staff-2b", "timeline", short(pid), **on_postgres).exit_code == 0
    before = datetime.now(UTC).isoformat()
    assert (
        cli("--as", "aud-01", "--role", "auditor", "audit", "trail", pid, **on_postgres).exit_code
        == 0
    )

    def listed(*args: str) -> list[tuple[str, str]]:
        result = cli("--role", "auditor", "audit", "reads", *args, "--json", **on_postgres)
        assert result.exit_code == 0, result.output
        return [(r["actor_id"], r["command"]) for r in json.loads(result.stdout)["reads"]]

    assert listed() == [("staff-7f3a", "show"), ("staff-2b", "timeline"), ("aud-01", "audit_trail")]
    assert listed(short(pid), "--actor", "staff-2b") == [("staff-2b", "timeline")]
    assert listed("--from", before) == [("aud-01", "audit_trail")]
    assert reads(cli) == []  # the SQLite log of the same folder holds none of them


def test_audit_reads_names_an_erasure_and_shows_a_later_command_as_it_is(
    cli: Cli, cli_settings: Settings
) -> None:
    """Every command the log names has words (an erasure's last read of the identity), and
    a command a later version logs is shown by its name rather than ending the listing."""
    pid = refer(cli)
    with open_store(cli_settings.readmodel_url) as store:
        store.log_reads(
            [
                Read("coord-01", Role.COORDINATOR, ReadCommand.ERASE.value, pid),
                Read("coord-01", Role.COORDINATOR, "a_later_command", pid),
            ]
        )
    for lang, said in (("en", "erase (the identity opened"), ("fr", "erase (l'identité ouverte")):
        listed = as_coordinator(cli, "--lang", lang, "audit", "reads", pid)
        assert listed.exit_code == 0, listed.output
        assert said in listed.stdout
        assert "a_later_command" in listed.stdout


def test_a_reference_that_names_no_pathway_is_not_answered_no_reads(cli: Cli) -> None:
    """A mistyped reference used to list "no reads", exit 0: an auditor read it as nobody
    having opened the file. It is not found (exit 4), as `audit trail` says; a pathway the
    read model knows and nobody read still answers that no read matches."""
    for typo in ("20x0", "dead", "pathway-2080983ffcdbd201"):
        result = cli("--role", "auditor", "audit", "reads", typo)
        assert result.exit_code == ExitCode.NOT_FOUND, result.output
        assert f"No pathway matches {typo}: the read log holds no read of it" in result.stderr
    pid = refer(cli)
    unread = eventually_blocking(
        lambda: cli("--role", "auditor", "audit", "reads", short(pid)),
        lambda result: result.exit_code == 0,
        what="the referral projected, so the read model knows the pathway",
    )
    assert "No read" in unread.stdout
