"""`parcours report`: small counts hidden, shown to coordinators with the read logged in
the read log; terminal tables with bars, JSON, CSV, French; bad input refused in one
sentence."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import PERSON, Cli, as_coordinator
from tests.polling import eventually_blocking
from tests.projection import projected
from tests.report_pathways import SECOND_SESSION, drive_second_session
from tests.scenarios import drive_full_atp_pathway
from tests.support import RECOGNISABLE_NAME

pytestmark = pytest.mark.temporal


@pytest.mark.asyncio(loop_scope="session")
async def test_small_counts_are_hidden_unless_a_coordinator_asks(
    cli: Cli,
    cli_settings: Settings,
    temporal_env: WorkflowEnvironment,
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    ids = [await drive_full_atp_pathway(pathways), *await drive_second_session(pathways)]
    with open_store(cli_settings.readmodel_url) as store:  # the report reads the projection
        await projected(pathways, store, ids)

    masked = json.loads(cli("report", "atp-cergy", "--json").stdout)
    assert masked["masking"] == {"threshold": 5, "masked": True, "hidden": "<5", "withheld": "x"}
    assert masked["total"]["funnel"]["referred"] == "<5"
    assert masked["total"]["exits"]["rate"] == "<5"  # worked out from hidden counts
    assert masked["total"]["funnel"]["contract"] == "<5"
    # Every count hidden: a table has no bar to draw, so no empty third column either.
    terminal = cli("report", "atp-cergy", COLUMNS="120").stdout
    funnel_rows = [line for line in terminal.splitlines() if line.startswith("│ Referred ")]
    assert funnel_rows, terminal
    assert all(line.count("│") == 3 for line in funnel_rows), funnel_rows  # two cells

    refused = cli("report", "atp-cergy", "--unmasked")
    assert refused.exit_code == 3
    assert "Only coordinators" in refused.stderr

    shown = as_coordinator(cli, "report", "atp-cergy", "--unmasked", "--json")
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.stdout)
    total, second = doc["total"], doc["sessions"][SECOND_SESSION]
    assert total["funnel"]["referred"] == 3
    assert total["exits"] == {
        "exits": 2,
        "positive": 1,
        "rate": 0.5,
        "target": 0.6,
        "denominator": "exits",
    }
    assert second["dropouts_by_stage"] == {"in_employment": 1, "training": 1}
    assert total["partner_referrals"] == {"partner": 2, "total": 3, "share": 0.6667}
    assert second["days_to_first_mission"] == {"median": 44.0, "pathways": 1}
    assert total["intake_by_year"]  # one year, against the target of 60
    assert all(year["target"] == 60 for year in total["intake_by_year"].values())
    [read] = read_log_rows(cli_settings.readmodel_url)  # the refused one is not a read
    assert (read["actor_id"], read["role"]) == ("staff-7f3a", "coordinator")
    assert (read["command"], read["programme"], read["pathway_id"]) == (
        "report_unmasked",
        "atp-cergy",
        "",
    )
    assert RECOGNISABLE_NAME.split()[1] not in json.dumps(read)


@pytest.mark.asyncio(loop_scope="session")
async def test_terminal_csv_and_french(
    cli: Cli, cli_settings: Settings, temporal_env: WorkflowEnvironment
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    ids = await drive_second_session(pathways)
    with open_store(cli_settings.readmodel_url) as store:  # the report reads the projection
        await projected(pathways, store, ids)
    shown = as_coordinator(cli, "report", "atp-cergy", "--unmasked", "--session", SECOND_SESSION)
    assert shown.exit_code == 0, shown.output
    assert "Funnel (pathways that reached each step)" in shown.stdout
    assert "█" in shown.stdout
    assert "Positive exits under the programme's rule: 0 of 1 exits" in shown.stdout
    assert "By session" in shown.stdout

    rows = list(csv.reader(io.StringIO(cli("report", "atp-cergy", "--csv").stdout)))
    assert rows[0] == ["programme", "session", "figure", "value"]
    assert ["atp-cergy", "", "funnel.referred", "<5"] in rows
    assert ["atp-cergy", SECOND_SESSION, "exits.target", "0.6"] in rows

    french = cli("--lang", "fr", "report", "atp-cergy", "--from", "2000-01-01")
    assert french.exit_code == 0, french.output
    assert "Entonnoir" in french.stdout
    assert "masqués" in french.stdout
    assert "60\u00a0%" in french.stdout  # the target, as French writes a percentage
    shown_fr = cli("--lang", "fr", "programme", "show", "atp-cergy")
    assert "60\u00a0%" in shown_fr.stdout  # the programme's target, likewise
    assert "60%" in shown.stdout
    nothing = cli("report", "atp-cergy", "--to", "2000-01-01", "--json")
    assert json.loads(nothing.stdout)["sessions"] == {}

    slip = cli("--lang", "fr", "report", "atp-cergy", "--session", "faute")
    assert slip.exit_code == 4, slip.output  # not a report of zeros for a name mistyped
    assert "le programme atp-cergy n'a pas de session faute" in slip.stderr
    assert slip.stdout == ""


REFERRAL = ("--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "precarious work",
            "--first-name", "Ana", "--last-name", "Lopez")  # fmt: skip
"""A referral typed whole but for its birth date."""


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (("report", "no-such"), 4, "There is no programme named no-such; the programmes are:"),
        (("--lang", "fr", "report", "no-such"), 4, "Aucun programme ne s'appelle no-such ;"),
        (("programme", "show", "atp-cergy", "--version", "9"), 4, "has no version 9; its"),
        # A day written as asked that does not exist: said so, not "write YYYY-MM-DD".
        (("report", "atp-cergy", "--from", "2026-02-30"), 2, "but there is no such day"),
        (("report", "atp-cergy", "--to", "2026-13-01"), 2, "there is no such month"),
        (("report", "atp-cergy", "--from", "March"), 2, "is not a day for --from"),
        (("report", "atp-cergy", "--from", "2026-03-01", "--to", "2026-02-01"), 2, "ends"),
        (("report", "atp-cergy", "--json", "--csv"), 2, "one output at most"),
        # A period that starts after today: its zeros would read as a fact (it was exit 0).
        (("report", "atp-cergy", "--from", "2999-01-01"), 2, "after today: no pathway"),
        (("--lang", "fr", "report", "atp-cergy", "--unmasked"), 3, "votre rôle est personnel."),
        # A misspelt programme filter: not found, rather than an empty table (exit 0).
        (("alerts", "--programme", "nope"), 4, "There is no programme named nope"),
        (("session", "list", "--programme", "nope"), 4, "There is no programme named nope"),
        (("jobdating", "list", "--programme", "nope"), 4, "There is no programme named nope"),
        # Years no one means: refused in a sentence, no longer a crash reported as a bug.
        (("report", "atp-cergy", "--to", "9999-12-31"), 2, "a year from 1900 to 2999"),
        (("report", "atp-cergy", "--from", "0001-01-01"), 2, "a year from 1900 to 2999"),
        (("retention", "list", "--within", "3000000"), 2, "from 0 to 3653 (ten years)"),
        (("audit", "at", "any-ref", "--when", "0001-01-01"), 2, "a year from 1900 to 2999"),
        (("contact", "any-ref", "--on", "9999-12-31"), 2, "a year from 1900 to 2999"),
        (
            ("--lang", "fr", "refer", *REFERRAL, "--birth-date", "1990-01-01T10:00"),
            2,
            "écrivez-la JJ/MM/AAAA ou AAAA-MM-JJ, comme 02/03/1985 ou 1985-03-02",
        ),
    ],
)
def test_bad_input_is_refused_in_one_sentence(
    offline_cli: Cli, args: tuple[str, ...], code: int, said: str
) -> None:
    result = offline_cli(*args)
    assert result.exit_code == code
    assert said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_months_and_days_are_those_of_staff_calendar(cli: Cli) -> None:
    """An intake at 00:30 on 1 November in Paris is November's, as the referral's default
    session is named, although it is still October in UTC; `--from 2025-11-01` takes a
    referral made then. Read in UTC, the same record is October's."""
    paris = {"PARCOURS_TIMEZONE": "Europe/Paris"}
    referred = cli(
        "refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "precarious work",
        *PERSON, "--on", "2025-11-01T00:30", "--json", **paris,
    )  # fmt: skip
    assert referred.exit_code == 0, referred.output
    pathway_id = json.loads(referred.stdout)["pathway_id"]
    criteria = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
    taken = cli("intake", "complete", pathway_id, *criteria, "--on", "2025-11-01T00:40", **paris)
    assert taken.exit_code == 0, taken.output

    def report(*args: str, **env: str) -> dict[str, Any]:
        shown = as_coordinator(cli, "report", "atp-cergy", "--unmasked", "--json", *args, **env)
        assert shown.exit_code == 0, shown.output
        doc: dict[str, Any] = json.loads(shown.stdout)
        return doc

    eventually_blocking(  # the read model has projected the intake
        report,
        lambda doc: doc.get("sessions", {}).get("2025-11", {}).get("intake_by_month"),
        what="the intake projected",
    )
    local = report("--from", "2025-11-01", "--to", "2025-11-30", **paris)
    assert local["selection"]["calendar"] == "Europe/Paris"
    assert local["sessions"]["2025-11"]["intake_by_month"] == {"2025-11": 1}
    in_utc = report()
    assert in_utc["selection"]["calendar"] == "UTC"
    assert in_utc["sessions"]["2025-11"]["intake_by_month"] == {"2025-10": 1}
    assert "2025-11" not in report("--from", "2025-11-01").get("sessions", {})
