"""A job-dating's outcome on a candidate's pathway is marked in `audit trail` as what it
is, in words: the job-dating's recording, signed by a staff member, handed on by parcours.
A French trial's auditor saw only a key id with no mark, and could not tell it from an
unchecked signature (`--json` said `handed_on`, the table nothing). The job-dating's own
trail says its details in the reader's words too, not as the keys `--json` keeps."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.jobdating_runs import add_agency, in_coaching, plan_event
from tests.cli.programme_runs import add_referrer
from tests.cli.runner import Cli
from tests.receivers import HttpReceiver

pytestmark = pytest.mark.temporal


def test_an_outcome_handed_on_by_parcours_is_said_so(
    signed_cli: tuple[Cli, Path], http_receiver: HttpReceiver
) -> None:
    cli, _ = signed_cli
    add_referrer(cli)
    add_agency(cli, http_receiver)
    candidate = in_coaching(cli, "Ada")
    event_id = plan_event(cli, datetime.now() - timedelta(hours=1), candidate)
    recorded = cli("jobdating", "record", event_id, "--outcome", f"{candidate}=no_match")
    assert recorded.exit_code == 0, recorded.output

    entries = json.loads(cli("audit", "trail", candidate, "--json").stdout)["entries"]
    [handed] = [e for e in entries if e["signature"] == "handed_on"]
    for lang, said in (
        ("en", "↪ (its job-dating's recording, handed on by parcours)"),
        ("fr", "↪ (l'enregistrement de son job-dating, transmis par parcours)"),
    ):
        shown = cli("--lang", lang, "audit", "trail", candidate, COLUMNS="400").stdout
        [row] = [line for line in shown.splitlines() if line.startswith(f"│ {handed['seq']} ")]
        assert f"{handed['key_id']} {said}" in row

    event_trail = cli("--lang", "fr", "audit", "trail", event_id, COLUMNS="400").stdout
    assert "held_at" not in event_trail  # the keys are for --json
    assert "outcomes" not in event_trail
    assert f"issues : {candidate[8:16]} = sans suite" in event_trail
    assert "agences : Interim 95" in event_trail
