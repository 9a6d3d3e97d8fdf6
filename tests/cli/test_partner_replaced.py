"""A partner's entry is replaced only when asked (`partners add --replace`): a name typed
again with another address would send the next person's data elsewhere; the same entry
typed again changes nothing and says nothing more."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, as_coordinator

FILE_PARTNER = ("partners", "add", "CCAS", "--kind", "referrer", "--channel", "file")


def test_another_address_for_a_known_name_needs_replace(cli: Cli, tmp_path: Path) -> None:
    first, other = str(tmp_path / "ccas"), str(tmp_path / "elsewhere")
    assert as_coordinator(cli, *FILE_PARTNER, "--address", first).exit_code == 0
    again = as_coordinator(cli, *FILE_PARTNER, "--address", first)
    assert again.exit_code == 0, again.output
    assert again.stderr == ""  # the same entry: nothing replaced

    slip = as_coordinator(cli, *FILE_PARTNER, "--address", other)
    assert slip.exit_code == ExitCode.USAGE, slip.output
    said = " ".join(slip.stderr.split())
    assert said == (
        f"The directory already holds CCAS (referrer, file, {first}): to change it, add "
        "--replace (the messages already sent stay where they went)."
    )
    shown = json.loads(cli("partners", "show", "CCAS", "--json").stdout)
    assert shown["address"] == first  # unchanged

    replaced = as_coordinator(cli, *FILE_PARTNER, "--address", other, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert f"CCAS replaces the directory's entry (referrer, file, {first})" in " ".join(
        replaced.stderr.split()
    )
    assert json.loads(cli("partners", "show", "CCAS", "--json").stdout)["address"] == other


@pytest.mark.parametrize("lang", ["fr"])
def test_the_refusal_is_said_in_french(cli: Cli, tmp_path: Path, lang: str) -> None:
    assert as_coordinator(cli, *FILE_PARTNER, "--address", str(tmp_path / "a")).exit_code == 0
    slip = as_coordinator(cli, "--lang", lang, *FILE_PARTNER, "--address", str(tmp_path / "b"))
    assert slip.exit_code == ExitCode.USAGE, slip.output
    assert "L'annuaire contient déjà CCAS (prescripteur, fichier" in " ".join(slip.stderr.split())
