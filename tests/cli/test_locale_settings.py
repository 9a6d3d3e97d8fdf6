"""Local time and language: dates read back as typed; an unknown zone or language is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from parcours.cli.app import build_app
from parcours.cli.exit_codes import ExitCode
from parcours.cli.render import when
from parcours.cli.runtime import open_session, parse_instant


def test_a_typed_date_reads_back_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCOURS_TIMEZONE", "Europe/Paris")
    session = open_session("en", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    typed = parse_instant("2027-01-04", session, "--start")
    assert typed == datetime(2027, 1, 3, 23, 0, tzinfo=UTC)
    assert when(typed) == "2027-01-04 00:00"
    summer = parse_instant("2027-07-01T14:30", session, "--at")
    assert when(summer) == "2027-07-01 14:30"


@pytest.mark.parametrize(("lang", "said"), [("en", "does not exist"), ("fr", "n'existe pas")])
def test_an_unknown_time_zone_is_one_sentence_and_exit_2(lang: str, said: str) -> None:
    result = CliRunner().invoke(
        build_app(lang),
        ["programme", "list"],
        env={"PARCOURS_TIMEZONE": "Mars/Olympus", "PARCOURS_CONFIG": "/nonexistent.toml"},
    )
    assert result.exit_code == ExitCode.USAGE
    assert said in result.stderr
    assert "Mars/Olympus" in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_language_is_a_usage_error() -> None:
    result = CliRunner().invoke(
        build_app("en"),
        ["--lang", "de", "programme", "list"],
        env={"PARCOURS_CONFIG": "/nonexistent.toml"},
    )
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip() == "The language de is not available: use fr / en."
