"""What French staff type, taken as they type it: hours with a decimal comma, a role in
the feminine, a programme's name with its accent, a job-dating outcome by its French name
(`test_jobdating_cli.py`). A French trial had each of them refused."""

from __future__ import annotations

import json

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.jobdating_runs import in_coaching
from tests.cli.programme_runs import open_session
from tests.cli.runner import PERSON, Cli, as_coordinator, refer

pytestmark = pytest.mark.temporal

HIRED = ("--employer", "Leroy", "--contract", "permanent")
FIND = (*PERSON[:4], "--birth-date", "1990-04-02")


def test_hours_take_a_decimal_comma_and_are_bounded_in_the_readers_words(cli: Cli) -> None:
    pid = in_coaching(cli, "Ada")
    started = cli("--lang", "fr", "mission", "start", pid, *HIRED, "--hours", "17,5", "--json")
    assert started.exit_code == 0, started.output
    [mission] = json.loads(cli("show", pid, "--json").stdout)["status"]["missions"]
    assert mission["weekly_hours"] == 17.5
    assert "17,5 h" in cli("--lang", "fr", "show", pid).stdout  # shown as it was typed
    for typed in ("60", "trois", "nan", "-1", "1_5", "1e1", "inf"):
        refused = cli("--lang", "fr", "mission", "start", pid, *HIRED, "--hours", typed)
        assert refused.exit_code == ExitCode.USAGE, refused.output
        said = " ".join(refused.stderr.replace("│", " ").split())
        assert f"{typed} n'est pas un nombre de 0,5 à 48 (--hours)" in said, said


@pytest.mark.parametrize("role", ["auditrice", "coordinatrice", "Coordinatrice"])
def test_a_role_is_taken_in_the_feminine(cli: Cli, role: str) -> None:
    pid = refer(cli)
    shown = cli("--lang", "fr", "--role", role, "show", pid, "--json")
    assert shown.exit_code == 0, shown.output
    masked = json.loads(shown.stdout)["participant"] is None
    assert masked is (role == "auditrice")  # an auditor sees no identity


def test_a_programme_is_named_with_its_accent_or_capitals(cli: Cli) -> None:
    for typed in ("Nouveau-Départ", "nouveau départ"):
        listed = cli("--lang", "fr", "list", "--programme", typed, "--json")
        assert listed.exit_code == 0, listed.output
        shown = cli("--lang", "fr", "programme", "show", typed, "--json")
        assert shown.exit_code == 0, shown.output
    unknown = cli("--lang", "fr", "list", "--programme", "Nouveau-Depart-2")
    assert unknown.exit_code == ExitCode.NOT_FOUND, unknown.output
    # Where --programme must be given too (a trial had these refused, exit 4).
    assert refer(cli, programme="ATP-Cergy").startswith("pathway-")
    open_session(cli, "2026-03", programme="Nouveau Départ")
    found = as_coordinator(cli, "find", *FIND, "--programme", "ATP-CERGY", "--json")
    assert found.exit_code == 0, found.output


def test_criteria_are_named_by_their_label_in_either_language(cli: Cli) -> None:
    """A criterion by its key, its label whole, or its label up to its parenthesis, in
    either language, whatever the accents and the inclusive ending."""
    first = refer(cli)
    typed = ("--criterion", "salariee precaire", "--criterion", "Réside sur le territoire du PLIE")
    done = cli("--lang", "fr", "intake", "complete", first, *typed, "--json")
    assert done.exit_code == 0, done.output
    shown = json.loads(cli("show", first, "--json").stdout)["status"]
    assert shown["eligibility_criteria_met"] == ["precarious_worker", "lives_in_territory"]
    second = refer(cli, "--first-name", "Ondine")
    english = ("--criterion", "PRECARIOUS WORKER", "--criterion", "lives_in_territory")
    assert cli("intake", "complete", second, *english).exit_code == 0
    third = refer(cli, "--first-name", "Berthe")
    unknown = cli("--lang", "fr", "intake", "complete", third, "--criterion", "chômeuse")
    assert unknown.exit_code == ExitCode.REFUSED, unknown.output
    assert "chômeuse" in unknown.stderr
    # The programme's criteria by their names, the keys beside them (a trial read keys only).
    assert "Réside sur le territoire du PLIE (lives_in_territory)" in unknown.stderr
    missing = cli(
        "--lang", "fr", "intake", "complete", third, "--criterion", "precarious_worker"
    )  # fmt: skip
    assert missing.exit_code == ExitCode.REFUSED, missing.output
    assert "non remplis : Réside sur le territoire du PLIE (lives_in_territory)" in missing.stderr
    helped = " ".join(cli("--lang", "fr", "intake", "complete", "--help").stdout.split())
    assert "Réside sur le territoire du PLIE (lives_in_territory)" in helped
