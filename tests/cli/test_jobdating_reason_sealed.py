"""The reason typed at a job-dating's recording reaches each candidate's pathway sealed
under that candidate's own key, as the reason of every other action: the read model holds
it sealed, readers see it opened, and erasing the person leaves `[erased]` in its place.
Before, it was handed on as typed, and outlived the erasure of the candidate."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from tests.cli.jobdating_runs import AGENCY, add_agency, in_coaching, plan_event
from tests.cli.programme_runs import add_referrer
from tests.cli.runner import Cli, as_coordinator
from tests.polling import eventually_blocking
from tests.receivers import HttpReceiver

pytestmark = [pytest.mark.temporal]

REASON = "asked to be put forward first"


def _reasons(cli: Cli, pathway_id: str, kind: str) -> list[str]:
    shown = cli("timeline", pathway_id, "--json")
    assert shown.exit_code == 0, shown.output
    return [e["reason"] for e in json.loads(shown.stdout) if e["kind"] == kind]


def test_a_recording_reason_is_sealed_under_each_candidates_key(
    cli: Cli, cli_settings: Settings, http_receiver: HttpReceiver
) -> None:
    add_referrer(cli)
    add_agency(cli, http_receiver)
    hired = in_coaching(cli, "Ada")
    event_id = plan_event(cli, datetime.now() - timedelta(hours=1), hired)
    recorded = cli(
        "jobdating", "record", event_id, "--outcome", f"{hired}=hired:{AGENCY}",
        "--reason", REASON,
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert _reasons(cli, hired, "jobdating_hired") == [REASON]

    with open_store(cli_settings.readmodel_url) as store:
        stored = eventually_blocking(
            lambda: [e.reason for e in store.timeline(hired) if e.kind == "jobdating_hired"],
            what="the outcome projected",
        )
    assert stored[0].startswith("sealed:pk-"), stored

    erased = as_coordinator(cli, "erase", hired, "--reason", "asked by the person", "--yes")
    assert erased.exit_code == 0, erased.output
    assert _reasons(cli, hired, "jobdating_hired") == ["[erased]"]
