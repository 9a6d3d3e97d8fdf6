"""Job-datings run through the CLI: a candidate in coaching, a temp agency, an event."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from tests.cli.programme_runs import ATP_CRITERIA, act, refer_into
from tests.cli.runner import Cli, as_coordinator
from tests.receivers import SECRET, HttpReceiver

AGENCY = "Interim 95"


def in_coaching(cli: Cli, first: str, *extra: str) -> str:
    """An ATP pathway in coaching since yesterday, consenting to temp agencies hearing of
    it: a job-dating held today comes after its coaching started."""
    yesterday = ("--on", str(date.today() - timedelta(days=1)))
    pathway_id = refer_into(cli, first, *yesterday, *extra, programme="atp-cergy")
    for step in (
        ("intake", "complete", pathway_id, *ATP_CRITERIA),
        ("contract", "sign", pathway_id),
        ("coaching", "start", pathway_id),
        ("consent", "give", pathway_id, "temp_agency"),
    ):
        act(cli, *step, *yesterday)
    return pathway_id


def add_agency(cli: Cli, receiver: HttpReceiver) -> None:
    added = as_coordinator(
        cli, "partners", "add", AGENCY, "--kind", "temp_agency", "--channel", "webhook",
        "--address", receiver.url, "--secret", SECRET,
    )  # fmt: skip
    assert added.exit_code == 0, added.output


def plan_event(cli: Cli, on: datetime, *candidates: str, agency: str = AGENCY) -> str:
    typed = [arg for pathway_id in candidates for arg in ("--candidate", pathway_id)]
    planned = cli(
        "jobdating", "plan", "--programme", "atp-cergy", "--on", on.strftime("%Y-%m-%dT%H:%M"),
        "--place", "Maison de l'emploi", "--agency", agency, *typed, "--json",
    )  # fmt: skip
    assert planned.exit_code == 0, planned.output
    event_id: str = json.loads(planned.stdout)["event_id"]
    return event_id
