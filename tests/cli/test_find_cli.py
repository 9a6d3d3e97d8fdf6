"""`parcours find`: a coordinator finds a person's pathways by name and birth date, as a
request that names a person (an erasure) needs, on a real server; the search is logged,
without the name; other roles are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parcours.adapters.settings import Settings
from parcours.cli.exit_codes import ExitCode
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import PERSON, Cli, as_coordinator, refer
from tests.cli.tables import header
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal

TYPED = ("--first-name", "zéphyrine", "--last-name", "QUILLFEATHER", "--birth-date", "02/04/1990")
"""PERSON as a data-protection officer might type them: another case, an accent, the day first."""


def found(cli: Cli, *args: str) -> list[dict[str, Any]]:
    result = as_coordinator(cli, "find", *args, "--json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_a_person_who_came_back_is_found_in_both_pathways(cli: Cli, cli_settings: Settings) -> None:
    earlier = refer(cli, "--on", "2026-01-02")
    left = cli("exit", earlier, "moved_away", "--reason", "moved to Lyon", "--on", "2026-02-01")
    assert left.exit_code == 0, left.output
    again = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "back")
    back = eventually_blocking(  # the exit lists a moment after it is recorded
        lambda: cli(*again, *PERSON, "--returning", "--json"),
        lambda result: result.exit_code == 0,
        what="the person referred again",
    )
    latest = json.loads(back.stdout)["pathway_id"]

    rows = found(cli, *TYPED)
    assert [(r["programme"], r["pathway_id"], r["running"]) for r in rows] == [
        ("atp-cergy", latest, True),
        ("atp-cergy", earlier, True),
    ]
    assert rows[1]["stage"] == "exited"
    searches = [r for r in read_log_rows(cli_settings.readmodel_url) if r["command"] == "find"]
    assert {r["pathway_id"] for r in searches} == {latest, earlier}
    assert {r["role"] for r in searches} == {"coordinator"}
    logged = json.dumps(searches).casefold()
    for typed in ("quillfeather", "zephyrine", "zéphyrine", "1990-04-02", "02/04/1990"):
        assert typed not in logged, typed

    french = as_coordinator(cli, "--lang", "fr", "find", *TYPED, COLUMNS="200")
    assert french.exit_code == 0, french.output
    assert header(french.stdout) == ["Programme", "Parcours", "Étape"]
    assert "Sorti·e" in french.stdout
    assert found(cli, *TYPED, "--programme", "nouveau-depart") == []

    # The earlier pathway erased: the new one still names it, but nothing of her is there.
    erased = as_coordinator(cli, "erase", earlier, "--reason", "asked by the person", "--yes")
    assert erased.exit_code == 0, erased.output
    assert [r["pathway_id"] for r in found(cli, *TYPED)] == [latest]


def test_nobody_of_that_name_and_the_roles_that_may_not_search(
    cli: Cli, cli_settings: Settings
) -> None:
    refer(cli)
    other = (
        "--first-name",
        "Zephyrine",
        "--last-name",
        "Quillfeather",
        "--birth-date",
        "1990-04-03",
    )
    nobody = as_coordinator(cli, "find", *other)
    assert nobody.exit_code == 0, nobody.output
    assert "No pathway matches a person of that name and birth date" in " ".join(
        nobody.stdout.split()
    )
    [search] = [r for r in read_log_rows(cli_settings.readmodel_url) if r["command"] == "find"]
    assert search["pathway_id"] == ""  # who looked, not for whom
    for role in ("staff", "auditor", "partner"):
        refused = cli("--role", role, "find", *TYPED)
        assert refused.exit_code == ExitCode.REFUSED, (role, refused.output)
        assert "Only a coordinator can find a person by name." in refused.stderr
    unknown = as_coordinator(cli, "find", *TYPED, "--programme", "atp-paris")
    assert unknown.exit_code == ExitCode.NOT_FOUND, unknown.output
