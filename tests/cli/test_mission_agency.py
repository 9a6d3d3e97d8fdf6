"""A mission's agency that is no temp agency of the directory is warned of: a trial typed
"A21" for "A2I", and the report's missions by agency counted it apart, unnoticed. The
mission is still recorded (the programme may work with an agency it never listed)."""

from __future__ import annotations

import pytest

from tests.cli.jobdating_runs import AGENCY, add_agency, in_coaching
from tests.cli.runner import Cli
from tests.receivers import HttpReceiver

pytestmark = pytest.mark.temporal

HIRED = ("--employer", "Leroy", "--contract", "temp_mission", "--hours", "35")


def test_an_agency_outside_the_directory_is_warned_of(
    cli: Cli, http_receiver: HttpReceiver
) -> None:
    add_agency(cli, http_receiver)
    listed, typo = in_coaching(cli, "Ada"), in_coaching(cli, "Berthe")
    started = cli("mission", "start", listed, *HIRED, "--agency", AGENCY)
    assert started.exit_code == 0, started.output
    assert "Warning" not in started.stderr  # a listed agency: nothing to say
    warned = cli("--lang", "fr", "mission", "start", typo, *HIRED, "--agency", "Interim 59")
    assert warned.exit_code == 0, warned.output  # recorded all the same
    said = " ".join(warned.stderr.split())
    assert said.startswith("Attention : Interim 59 n'est pas une agence d'intérim de l'annuaire")
