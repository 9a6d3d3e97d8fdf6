"""Local time and language: dates read back as typed; an unknown zone or language is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner, Result

from parcours.cli.app import build_app
from parcours.cli.dates import parse_instant
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import choose_language
from parcours.cli.render import when
from parcours.cli.runtime import open_session


def test_a_typed_date_reads_back_as_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCOURS_TIMEZONE", "Europe/Paris")
    session = open_session("en", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    typed = parse_instant("2027-01-04", session, "--start")
    assert typed == datetime(2027, 1, 3, 23, 0, tzinfo=UTC)
    assert when(typed) == "2027-01-04 00:00"
    summer = parse_instant("2027-07-01T14:30", session, "--at")
    assert when(summer) == "2027-07-01 14:30"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12/03/2027", "2027-03-12 00:00"),
        ("1/7/2027", "2027-07-01 00:00"),
        ("12/03/2027 14:30", "2027-03-12 14:30"),
        ("12/03/2027 14h30", "2027-03-12 14:30"),
        (" 01/07/2027T09:05 ", "2027-07-01 09:05"),
        ("10/12/2026 9h", "2026-12-10 09:00"),  # on the hour, as French writes it
        ("10/12/2026 14H", "2026-12-10 14:00"),
        ("2026-12-10 9h", "2026-12-10 09:00"),  # the French hour after a year-first day
        ("2026-12-10T14h30", "2026-12-10 14:30"),
        ("2026-12-10 9:05", "2026-12-10 09:05"),
    ],
)
def test_a_date_written_day_first_is_read_as_french_writes_it(typed: str, read: str) -> None:
    """As the import takes it: DD/MM/YYYY, never the month first."""
    session = open_session("fr", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    assert when(parse_instant(typed, session, "--start")) == read


@pytest.mark.parametrize("typed", ["25/11/2026 10:12:30", "2026-11-25T10:12:30"])
def test_an_instant_may_be_typed_to_the_second(typed: str) -> None:
    """An auditor telling apart an exit and its correction typed in the same minute."""
    session = open_session("fr", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    assert (
        parse_instant(typed, session, "--when").second == 30
    )  # zones differ by minutes, not seconds


def test_a_day_first_without_its_hour_is_refused_where_the_hour_is_needed() -> None:
    session = open_session("fr", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    with pytest.raises(CliError) as refused:
        parse_instant("12/03/2027", session, "--at", hour=True)
    assert "(par exemple 12/03/2027 09:30)" in str(refused.value)


@pytest.mark.parametrize("typed", ["now", " Now ", "maintenant", "MAINTENANT"])
def test_now_is_understood_in_either_language(typed: str) -> None:
    session = open_session("fr", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    before = datetime.now(UTC)
    assert before <= parse_instant(typed, session, "--when") <= datetime.now(UTC)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "write YYYY-MM-DD or YYYY-MM-DDTHH:MM (or DD/MM/YYYY, DD/MM/YYYY HH:MM), or now."),
        (
            "fr",
            "écrivez JJ/MM/AAAA ou JJ/MM/AAAA HH:MM (ou AAAA-MM-JJ, AAAA-MM-JJTHH:MM), "
            "ou maintenant.",
        ),
    ],
)
def test_a_word_that_is_no_date_is_refused_saying_what_to_write(lang: str, said: str) -> None:
    session = open_session(lang, "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    with pytest.raises(CliError) as refused:
        parse_instant("tomorrow", session, "--when")
    assert refused.value.code == ExitCode.USAGE
    assert said in str(refused.value)


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
    assert result.stderr.strip() == 'The language "de" is not available: use fr / en.'


def test_an_unknown_language_is_refused_in_the_language_the_reader_set() -> None:
    """Before: `--lang de` under PARCOURS_LANG=fr was refused in English."""
    argv = ["--lang", "de", "programme", "list"]
    env = {"PARCOURS_LANG": "fr", "PARCOURS_CONFIG": "/nonexistent.toml"}
    result = CliRunner().invoke(build_app(choose_language(argv, env)), argv, env=env)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip() == "La langue « de » n'est pas disponible : utilisez fr / en."


def _programme_list(lang: str, **env: str) -> Result:
    return CliRunner().invoke(
        build_app(lang), ["programme", "list"], env={"PARCOURS_CONFIG": "/nonexistent.toml", **env}
    )


@pytest.mark.parametrize("value", ["de", "klingon"])
def test_an_unknown_language_variable_is_refused_like_the_option(value: str) -> None:
    """PARCOURS_LANG=de used to fall back to English without a word."""
    result = _programme_list("en", PARCOURS_LANG=value)
    assert result.exit_code == ExitCode.USAGE, result.output
    said = result.stderr.strip()
    assert len(said.splitlines()) == 1
    assert "PARCOURS_LANG" in said
    assert value in said
    assert "fr / en" in said


@pytest.mark.parametrize(("lang", "words"), [("en", "positive number"), ("fr", "nombre positif")])
@pytest.mark.parametrize("value", ["abc", "0", "-5", "nan", "inf"])
def test_an_answer_timeout_that_is_not_a_positive_number_is_refused(
    lang: str, words: str, value: str
) -> None:
    """A timeout of 'abc' used to become 30 s, and 0 or -5 made every command time out."""
    result = _programme_list(lang, PARCOURS_ANSWER_TIMEOUT=value)
    assert result.exit_code == ExitCode.USAGE, result.output
    said = result.stderr.strip()
    assert len(said.splitlines()) == 1
    assert "PARCOURS_ANSWER_TIMEOUT" in said
    assert value in said
    assert words in said


def test_a_fractional_answer_timeout_is_accepted() -> None:
    assert _programme_list("en", PARCOURS_ANSWER_TIMEOUT="2.5").exit_code == 0


@pytest.mark.parametrize(
    ("lang", "typed", "said"),
    [
        ("en", "2026-11-31", "there is no such day or hour"),
        ("fr", "2026-02-29T09:00", "ce jour ou cette heure n'existe pas"),
        ("en", "2026-11-30T25:00", "there is no such day or hour"),
        ("fr", "31/02/2026", "31/02/2026 est bien écrit comme une date"),
        ("fr", "30/11/2026 25h00", "ce jour ou cette heure n'existe pas"),
        ("fr", "2026-13-45", "ce mois n'existe pas : un mois va de 01 à 12"),
        ("en", "12/31/2026", "there is no such month"),  # written month first
    ],
)
def test_a_day_that_does_not_exist_is_said_so(lang: str, typed: str, said: str) -> None:
    """Before, it was told to write YYYY-MM-DD, which it had."""
    session = open_session(lang, "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    with pytest.raises(CliError) as refused:
        parse_instant(typed, session, "--on")
    assert refused.value.code == ExitCode.USAGE
    assert said in str(refused.value)


@pytest.mark.parametrize("typed", ["02/03/1985", "1985-03-02", " 2/3/1985 "])
def test_a_birth_date_is_taken_day_first_too(typed: str) -> None:
    from parcours.cli.referral_input import typed_person

    session = open_session("fr", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    person = typed_person(session, ("Awa", "Diallo"), typed, ("", "", "", ""), None, None)
    assert person.birth_date == "1985-03-02"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("31/02/1980", "31/02/1980 est bien écrit comme un jour pour --birth-date, mais ce jour"),
        ("1980-13-02", "ce mois n'existe pas"),
        ("le 2 mars", "La date de naissance le 2 mars n'est pas une date : écrivez-la"),
    ],
)
def test_a_birth_date_that_does_not_exist_is_said_so(typed: str, said: str) -> None:
    """A French trial typed 31/02/1980 and was told to write JJ/MM/AAAA, which it had."""
    from parcours.cli.referral_input import typed_person

    session = open_session("fr", "staff-1", None, {"PARCOURS_CONFIG": "/nonexistent.toml"})
    with pytest.raises(CliError) as refused:
        typed_person(session, ("Awa", "Diallo"), typed, ("", "", "", ""), None, None)
    assert refused.value.code == ExitCode.USAGE
    assert said in str(refused.value)
