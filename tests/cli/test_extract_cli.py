"""`parcours extract`: one pseudonymised row per pathway, as CSV and Parquet, with a
bilingual data dictionary; no name, contact or free-text reason ever reaches it."""

from __future__ import annotations

import csv
import json
import os
import stat
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from parcours.adapters.settings import Settings
from parcours.cli.exit_codes import ExitCode
from parcours.domain.extract import COLUMNS
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import PERSON, Cli, refer
from tests.polling import eventually_blocking
from tests.support import RECOGNISABLE_NAME

pytestmark = pytest.mark.temporal

WAIVER = "her cousin Philomena hosts her in Pontoise"
EXIT_WHY = "joined the Quillfeather bakery in Lyon"


def ok(cli: Cli, *args: str) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.output


def extract(cli: Cli, out: Path, *extra: str, role: str = "auditor") -> dict[str, object]:
    """Extract as `role`, the config folder (where the key is kept) the test's own."""
    config = {"XDG_CONFIG_HOME": str(out.parent / "config")}
    result = cli(
        "--role", role, "extract", "atp-cergy", "--out", str(out), "--json", *extra, **config
    )
    assert result.exit_code == 0, result.output
    found: dict[str, object] = json.loads(result.stdout)
    return found


def read_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "extract.csv").open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_extract_holds_no_name_and_no_reason(cli: Cli, tmp_path: Path) -> None:
    pid = refer(cli)
    criteria = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
    ok(cli, "intake", "complete", pid, *criteria)
    ok(cli, "barrier", "add", pid, "housing")
    ok(cli, "barrier", "waive", pid, "b1", "--reason", WAIVER)
    ok(cli, "exit", pid, "moved_away", "--reason", EXIT_WHY)
    out = tmp_path / "extract"
    said = extract(cli, out)
    assert said["rows"] == 1
    assert said["key_created"] is True
    key = Path(str(said["key_file"]))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key == tmp_path / "config" / "parcours" / "extract.key"  # with the secrets

    [row] = read_rows(out)
    assert row["age_band"] == "35_44"  # born 1990-04-02, from the encrypted identity
    assert row["barriers"] == "housing:waived"
    assert row["exit_reason"] == "moved_away"
    assert row["exit_positive"] == "False"
    assert len(row["referred_month"]) == 7  # YYYY-MM, never a day
    assert pid not in row["pseudonym"]
    table = pq.read_table(out / "extract.parquet")
    assert table.column_names == [c.name for c in COLUMNS]
    assert table.to_pylist()[0]["pseudonym"] == row["pseudonym"]

    forbidden = [*RECOGNISABLE_NAME.split(), WAIVER, EXIT_WHY, "Philomena", "1990-04-02"]
    forbidden += [PERSON[-1], "precarious part-time work", pid, "zq@example.org"]
    for written in out.iterdir():
        content = written.read_bytes()
        for secret in forbidden:
            assert secret.encode() not in content, (written.name, secret)


def test_the_same_key_links_extracts_and_another_does_not(cli: Cli, tmp_path: Path) -> None:
    refer(cli)

    def first_extract() -> dict[str, object]:  # once the read model has the referral
        return extract(cli, tmp_path / "one", "--replace", role="coordinator")

    first = eventually_blocking(
        first_extract, lambda _: read_rows(tmp_path / "one"), what="the extract has a row"
    )
    again = extract(cli, tmp_path / "two")
    other = extract(cli, tmp_path / "three", "--key-file", str(tmp_path / "other.key"))
    assert first["key_file"] == again["key_file"] != other["key_file"]
    [one], [two], [three] = (read_rows(tmp_path / n) for n in ("one", "two", "three"))
    assert one["pseudonym"] == two["pseudonym"] != three["pseudonym"]


def test_the_dictionary_says_every_column_in_french_and_english(cli: Cli, tmp_path: Path) -> None:
    extract(cli, tmp_path / "out")
    with (tmp_path / "out" / "dictionary.csv").open(encoding="utf-8") as file:
        entries = list(csv.DictReader(file))
    assert [e["column"] for e in entries] == [c.name for c in COLUMNS]
    assert all(e["description_fr"] and e["description_en"] for e in entries)
    assert all(e["description_fr"] != e["description_en"] for e in entries)


def test_who_may_extract_and_with_which_key(cli: Cli, tmp_path: Path) -> None:
    staff = cli("extract", "atp-cergy", "--out", str(tmp_path / "x"))
    assert staff.exit_code == 3
    assert "Only auditors and coordinators may write" in staff.stderr
    shared = tmp_path / "shared.key"
    shared.write_text("00" * 32, encoding="ascii")
    os.chmod(shared, 0o644)
    exposed = cli(
        "--role",
        "auditor",
        "extract",
        "atp-cergy",
        "--out",
        str(tmp_path / "x"),
        "--key-file",
        str(shared),
    )
    assert exposed.exit_code == 7
    assert "chmod 600" in exposed.stderr
    shared.write_text("not a key", encoding="ascii")
    os.chmod(shared, 0o600)
    garbled = cli(
        "--role",
        "auditor",
        "extract",
        "atp-cergy",
        "--out",
        str(tmp_path / "x"),
        "--key-file",
        str(shared),
    )
    assert garbled.exit_code == 7
    unknown = cli("--role", "auditor", "extract", "nope", "--out", str(tmp_path / "x"))
    assert unknown.exit_code == 4
    assert not (tmp_path / "x").exists()


def test_a_folder_that_cannot_take_the_files_is_refused_before_any_read(
    cli: Cli, cli_settings: Settings, tmp_path: Path
) -> None:
    """A file where the folder should be: one sentence in the reader's words (exit 2),
    before any pathway is read, so no read is logged. (A folder without write permission
    is refused the same way, but not for root, whom the tests may run as.)"""
    refer(cli)
    taken = tmp_path / "a-file"
    taken.write_text("")
    refused = cli("--lang", "fr", "--role", "auditor", "extract", "atp-cergy", "--out", str(taken))
    assert refused.exit_code == 2, refused.output
    (said,) = refused.stderr.strip().splitlines()
    assert said.startswith("Impossible d'écrire l'extraction dans"), said
    assert "un fichier de ce nom s'y trouve, pas un dossier" in said
    # A folder that cannot be made, though its parent is there: it was checked by looking
    # (the parent writable), the pathways read and logged, then the files refused.
    nowhere = "/proc/parcours-extract"
    refused = cli("--lang", "fr", "--role", "auditor", "extract", "atp-cergy", "--out", nowhere)
    assert refused.exit_code == 2, refused.output
    assert "on ne peut pas y créer de dossier" in refused.stderr
    assert "n'existe pas" not in refused.stderr
    assert [r for r in read_log_rows(cli_settings.readmodel_url) if r["command"] == "extract"] == []


def test_an_extract_is_not_written_over_unless_asked(cli: Cli, tmp_path: Path) -> None:
    """A second run into the same folder used to write over the first, silently: the
    evaluator may hold it. It is refused (exit 2, nothing read nor logged) unless
    `--replace`."""
    refer(cli)
    out = tmp_path / "extract"
    extract(cli, out)
    before = (out / "extract.csv").read_bytes()
    again = cli("--lang", "fr", "--role", "auditor", "extract", "atp-cergy", "--out", str(out))
    assert again.exit_code == ExitCode.USAGE, again.output
    said = " ".join(again.stderr.split())
    assert "contient déjà une extraction (extract.csv, extract.parquet, dictionary.csv)" in said
    assert (out / "extract.csv").read_bytes() == before
    assert extract(cli, out, "--replace")["rows"] == 1


def test_a_key_an_earlier_parcours_left_in_the_data_folder_is_used_and_said(
    cli: Cli, cli_env: dict[str, str], tmp_path: Path
) -> None:
    """Until it is moved: the pseudonyms stay those the evaluator already holds."""
    refer(cli)
    earlier = Path(cli_env["PARCOURS_DATA_DIR"]) / "extract.key"
    earlier.write_text("ab" * 32, encoding="ascii")
    earlier.chmod(0o600)
    config = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = tmp_path / "extract"
    result = cli("--role", "auditor", "extract", "atp-cergy", "--out", str(out), **config)
    assert result.exit_code == 0, result.output
    assert "The extract key is in the data folder" in result.stderr
    assert f"mv {earlier} {tmp_path / 'config' / 'parcours' / 'extract.key'}" in result.stderr
    assert not (tmp_path / "config" / "parcours" / "extract.key").exists()
    again = extract(cli, tmp_path / "again", "--key-file", str(earlier))
    assert read_rows(out) == read_rows(tmp_path / "again")  # the same key: the same pseudonyms
    assert again["key_created"] is False
    kept = tmp_path / "config" / "parcours" / "extract.key"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text("cd" * 32, encoding="ascii")
    kept.chmod(0o600)
    two = cli("--role", "auditor", "extract", "atp-cergy", "--out", str(tmp_path / "x"), **config)
    assert two.exit_code == ExitCode.KEYS, two.output  # which one made the evaluator's files?
    assert "Two extract keys differ" in two.stderr
    assert not (tmp_path / "x").exists()
