"""`parcours programme list|show|validate|diagram`, in both languages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parcours.cli.exit_codes import ExitCode
from parcours.domain.programme import ProgrammeDefinition
from parcours.locale import catalogue
from parcours.programmes import get_programme
from tests.cli.runner import Cli


@pytest.fixture
def local(offline_cli: Cli) -> Cli:
    """Programme commands need no server."""
    return offline_cli


def test_list_in_both_languages(local: Cli) -> None:
    english = local("programme", "list")
    assert english.exit_code == 0
    assert "atp-cergy" in english.stdout
    assert "60 intakes a year" in english.stdout
    french = local("--lang", "fr", "programme", "list")
    assert "60 entrées par an" in french.stdout
    rows = json.loads(local("programme", "list", "--json").stdout)
    assert {r["name"] for r in rows} == {"atp-cergy", "nouveau-depart"}


def test_show_lists_moves_and_guards(local: Cli) -> None:
    shown = local("programme", "show", "atp-cergy", COLUMNS="300")
    assert shown.exit_code == 0
    assert "blocking_barriers_cleared" in shown.stdout  # a guard, as refusals name it
    # Actions and stages in words, as `next` and `show` say them.
    assert "│ sign the contract " in shown.stdout
    assert "│ Barrier work " in shown.stdout
    french = local("--lang", "fr", "programme", "show", "atp-cergy", COLUMNS="300").stdout
    assert "│ signer le contrat " in french
    assert "sign_contract" not in french
    as_json = json.loads(local("programme", "show", "nouveau-depart", "--json").stdout)
    assert as_json["name"] == "nouveau-depart"
    missing = local("programme", "show", "unknown-programme")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert "atp-cergy" in missing.stderr


@pytest.mark.parametrize("name", ["atp-cergy", "nouveau-depart"])
def test_diagram_shows_every_stage_in_both_languages(local: Cli, name: str) -> None:
    result = local("programme", "diagram", name)
    assert result.exit_code == 0
    assert result.stdout.startswith("stateDiagram-v2")
    for stage in get_programme(name).stages:
        french, english = (catalogue(lang)[f"stage.{stage.value}"] for lang in ("fr", "en"))
        assert f"as {stage.value}" in result.stdout
        assert french in result.stdout
        assert english in result.stdout
    dot = local("programme", "diagram", name, "--format", "dot")
    assert dot.stdout.startswith("digraph")


def test_svg_needs_graphviz(local: Cli, tmp_path: Path) -> None:
    out = tmp_path / "atp.svg"
    result = local("programme", "diagram", "atp-cergy", "--format", "svg", "--out", str(out))
    if shutil.which("dot") is None:
        assert result.exit_code == ExitCode.UNAVAILABLE
        assert "Graphviz" in result.stderr
        assert not out.exists()
    else:
        assert result.exit_code == 0
        assert "<svg" in out.read_text()


def test_validate_accepts_a_shipped_file_and_refuses_a_broken_one(
    local: Cli, tmp_path: Path
) -> None:
    shipped = Path(__file__).parents[2] / "src/parcours/programmes/atp-cergy.v1.toml"
    assert local("programme", "validate", str(shipped)).exit_code == 0
    broken = tmp_path / "broken.toml"
    broken.write_text(shipped.read_text().replace("version = 1", 'version = "one"'))
    result = local("programme", "validate", str(broken))
    assert result.exit_code == ExitCode.INVALID_FILE
    assert result.stderr == (
        f"{broken}: version: Input should be a valid integer, "
        "unable to parse string as an integer\n"
    )


def test_validate_refuses_a_cross_field_fault_at_its_key_path(local: Cli, tmp_path: Path) -> None:
    shipped = Path(__file__).parents[2] / "src/parcours/programmes/atp-cergy.v1.toml"
    broken = tmp_path / "broken.toml"
    broken.write_text(shipped.read_text().replace('source = ["@active"]', 'source = ["@busy"]', 1))
    result = local("programme", "validate", str(broken))
    assert result.exit_code == ExitCode.INVALID_FILE
    assert result.stderr == (
        f"{broken}: moves[11].source[0]: move 'suspend' names unknown stage group '@busy'\n"
    )


def test_validate_refuses_a_copy_left_at_the_old_version(local: Cli, tmp_path: Path) -> None:
    shipped = Path(__file__).parents[2] / "src/parcours/programmes/atp-cergy.v1.toml"
    copy = tmp_path / "atp-cergy.v2.toml"
    copy.write_text(shipped.read_text())
    result = local("programme", "validate", str(copy))
    assert result.exit_code == ExitCode.INVALID_FILE
    assert result.stderr == (
        f"{copy}: version: is 1 but the file name says 2; "
        "set version = 2 or name the file atp-cergy.v1.toml\n"
    )
    copy.write_text(shipped.read_text().replace("version = 1", "version = 2", 1))
    assert local("programme", "validate", str(copy)).exit_code == 0


@pytest.mark.parametrize("name", ["atp-cergy", "nouveau-depart"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_show_prints_every_part_of_the_file(local: Cli, name: str, lang: str) -> None:
    """Before: criteria, routes, partner fields, exit criteria, referrers, named partners,
    the accompaniment and the description were left out."""
    found = get_programme(name)
    shown = local("--lang", lang, "programme", "show", name, COLUMNS="400")
    assert shown.exit_code == 0, shown.output
    out = shown.stdout
    said = catalogue(lang)
    expected = [
        found.title.fr if lang == "fr" else found.title.en,
        found.description.fr if lang == "fr" else found.description.en,
        *(c.key for c in found.eligibility),
        *((c.label.fr if lang == "fr" else c.label.en) for c in found.eligibility),
        *((c.label.fr if lang == "fr" else c.label.en) for c in found.outcome.positive_if_any),
        *(_route_words(route.event, said) for route in found.routes),
        *found.referrers,
        *(partner for names in found.partners.values() for partner in names),
        *(f"@{group}" for group in found.stage_groups),
        *(said[f"partner_kind.{kind.value}"] for kind in found.partner_fields),
        said["programme.timers.title"],
        said["programme.partner_fields.title"],
    ]
    for key, value in found.timers.model_dump().items():
        shown_value = ", ".join(f"{v:g}" for v in (value if isinstance(value, list) else [value]))
        expected += [said[f"programme.timer.{key}"], key, shown_value]
    assert found.accompaniment is not None
    expected.append(f"{found.accompaniment.months} ")
    for fields in found.partner_fields.values():
        names = [said[f"partner_mail.field.{field}"].lower() for field in fields]
        expected.append(", ".join(names) or said["none"])
    missing = [item for item in expected if item not in out]
    assert missing == []
    # The file's keys are said in words: conditions, events, kinds.
    for key in ("min_weekly_hours=", "strictly_longer", "sector_hiring", "min_months="):
        assert key not in out, key
    if lang == "fr":
        for key in ("housing", "intake_completed", "first_name", "career_advice"):
            assert key not in out, key
    # The accompaniment's start and the exit's contract types in the reader's words.
    assert said[f"programme.start.{found.accompaniment.starts_on}"] in out
    assert f"from {found.accompaniment.starts_on}" not in out
    assert "temp_mission" not in out
    assert "fixed_term" not in out


def test_a_part_with_no_words_yet_is_still_shown() -> None:
    """A key added to the programme format is printed as written until it gets words of
    its own: `programme show` never hides a part of the file."""
    from pydantic import Field

    from parcours.cli.programme_view import SHOWN, _others
    from parcours.domain.programme import ProgrammeDefinition

    class Extended(ProgrammeDefinition):
        retention: dict[str, int] = Field(default_factory=lambda: {"months_after_exit": 36})

    atp = Extended.model_validate(get_programme("atp-cergy").model_dump())
    assert _others(atp) == [("retention", '{"months_after_exit": 36}')]
    assert set(ProgrammeDefinition.model_fields) <= SHOWN


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_intake_complete_help_lists_each_programmes_criteria(local: Cli, lang: str) -> None:
    """Before: `--criterion` said only "an eligibility criterion", and staff guessed keys."""
    helped = local("--lang", lang, "intake", "complete", "--help", COLUMNS="400")
    assert helped.exit_code == 0, helped.output
    line = " ".join(helped.stdout.replace("│", " ").split())  # the panel's lines, joined
    for name, versions in catalogue_of_programmes().items():
        latest = versions[max(versions)]
        keys = ", ".join(f"{getattr(c.label, lang)} ({c.key})" for c in latest.eligibility)
        assert (f"{name}: {keys}" if lang == "en" else f"{name} : {keys}") in line


def test_the_help_reading_of_criteria_agrees_with_the_validated_catalogue() -> None:
    """`intake complete --help` reads the files without pydantic, to stay fast."""
    from parcours.cli.programme_files import criteria_by_programme

    expected = {
        name: [c.key for c in versions[max(versions)].eligibility]
        for name, versions in catalogue_of_programmes().items()
    }
    assert criteria_by_programme() == expected


def catalogue_of_programmes() -> dict[str, dict[int, ProgrammeDefinition]]:
    from parcours.programmes import catalogue as programmes

    return programmes()


def _route_words(event: str, said: dict[str, str]) -> str:
    """How `programme show` names a route's event: every event, an event, an alert's rule."""
    if event == "*":
        return said["programme.every_event"]
    kind, _, rule = event.partition(":")
    return said[f"rule.{rule}"] if rule else said[f"event.{kind}"]
