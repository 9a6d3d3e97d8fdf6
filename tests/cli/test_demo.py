"""`parcours demo`: the seed's stories run for real, and the folder they leave behind.

Each demo starts its own time-skipping dev server and worker; the figures asserted here
are the report's, read from its `--json`, computed from the read model the pathways
filled. Afterwards the folder is an embedded service's: `report` reads it as it is, and
`audit` reads its histories once `parcours serve`'s dev server runs on it.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import DevServer, wait_for_server
from parcours.demos.atp_cergy import POSITIVE_PATHS, intake_2009
from tests.browser import has_chart_colour, headless_chromium
from tests.cli.runner import Cli
from tests.receivers import free_port

pytestmark = pytest.mark.temporal


def demo_cli(tmp_path: Path, lang: str) -> Cli:
    return Cli(
        {
            "PARCOURS_CONFIG": str(tmp_path / "no-config.toml"),
            "PARCOURS_ACTOR": "coord-21b9",
            "PARCOURS_ROLE": "coordinator",
            "PARCOURS_LANG": lang,
            "PARCOURS_TIMEZONE": "UTC",
        }
    )


def run_demo(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli("demo", *args, "--json")
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@pytest.fixture(scope="module")
def nouveau_depart(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, Any]]:
    base = tmp_path_factory.mktemp("nd")
    data = base / "data"
    return data, run_demo(demo_cli(base, "fr"), "nouveau-depart-2017", "--data", str(data))


def test_the_first_session_reads_as_the_seed_tells_it(
    nouveau_depart: tuple[Path, dict[str, Any]],
) -> None:
    _data, answer = nouveau_depart
    report = answer["report"]
    assert report["masking"]["masked"] is False
    total = report["total"]
    assert total["funnel"]["referred"] == 9
    assert total["jobdating_outcomes"]["hired"] == 2
    assert total["funnel"]["training"] == 7
    assert total["funnel"]["dropped_out"] == 2
    assert total["dropouts_by_stage"] == {"training": 2}
    assert total["funnel"]["employment"] == 6
    assert total["stages_now"]["awaiting_mission"] == 2
    assert total["referrals_by_referrer"] == {"Amicale du Nid": 9}
    assert sum(total["missions_by_agency"].values()) == 6
    assert list(report["sessions"]) == ["2017-03"]


def test_the_job_datings_entered_after_their_day_sent_the_agencies_nothing(
    nouveau_depart: tuple[Path, dict[str, Any]],
) -> None:
    """The 2017 job-datings are entered years after their day: their invitations are
    recorded, and no job-dating message (invitation, reminder, candidate presented) goes
    to an agency for a day gone by; the trail, below, names the eight agencies of each and
    its `nothing_sent` line. (The pathways' own messages to temp agencies, routed as each
    step is entered, are another matter.)"""
    data, _answer = nouveau_depart
    partners = data / "outbox" / "partners"
    sent = [f.name for f in partners.rglob("jobdating-*")] if partners.exists() else []
    assert sent == []


def test_report_and_audit_read_the_folder_afterwards(
    nouveau_depart: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    data, answer = nouveau_depart
    cli = demo_cli(tmp_path, "en")
    again = cli("report", "nouveau-depart", "--unmasked", "--json", PARCOURS_DATA_DIR=str(data))
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["total"] == answer["report"]["total"]
    port, ui = free_port(), free_port()
    env = {
        "PARCOURS_DATA_DIR": str(data),
        "PARCOURS_TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
        "PARCOURS_UI_PORT": str(ui),
    }
    with DevServer(Settings.from_env(env)) as server:
        asyncio.run(wait_for_server(env["PARCOURS_TEMPORAL_ADDRESS"], "default", 60, server))
        replayed = cli("audit", "replay", "--all", **env)
        assert replayed.exit_code == 0, replayed.output
        assert "9 pathway(s) and 2 job-dating(s)" in replayed.output
        events = sorted(
            {
                w
                for line in replayed.stdout.splitlines()
                for w in line.split()
                if w.startswith("jobdating-")
            }
        )
        assert len(events) == 2
        for event in events:
            trail = cli("audit", "trail", event, "--json", PARCOURS_ROLE="auditor", **env)
            assert trail.exit_code == 0, trail.output
            entries = json.loads(trail.stdout)["entries"]
            whats = [e["what"] for e in entries]  # no reminder: past; the invitation unsent
            assert whats == ["planned", "invite", "nothing_sent", "record", "completed"]
            assert len(entries[0]["details"]["agencies"].split(", ")) == 8
            # The short reference `jobdating list` prints names it too (a trial was told
            # "No pathway matches").
            short = event.removeprefix("jobdating-")[:8]
            by_short = cli("audit", "trail", short, "--json", PARCOURS_ROLE="auditor", **env)
            assert by_short.exit_code == 0, by_short.output
            assert json.loads(by_short.stdout)["entries"] == entries
        # The 2017 people, past their retention by the last contact, are open for the
        # warning period before they are anonymised (README, Retention).
        listed = cli("list", "--json", **env)
        assert listed.exit_code == 0, listed.output
        assert len(json.loads(listed.stdout)) == 9
        sessions = cli("session", "list", "--json", **env)
        assert [s["name"] for s in json.loads(sessions.stdout)] == ["2017-03"]


def test_a_year_of_atp_against_its_targets(tmp_path: Path) -> None:
    data = tmp_path / "data"
    answer = run_demo(demo_cli(tmp_path, "en"), "atp-cergy", "--data", str(data))
    total = answer["report"]["total"]
    intended = sum(p.intended in POSITIVE_PATHS for p in intake_2009().people)
    assert total["pathways"] == 60
    assert total["intake_by_year"] == {"2009": {"count": 60, "target": 60}}
    assert total["exits"]["exits"] == 60
    assert total["exits"]["positive"] == intended
    assert total["exits"]["rate"] == round(intended / 60, 4)
    assert total["exits"]["target"] == 0.6
    assert total["partner_referrals"]["share"] == 0.9
    page = Path(answer["html"])
    assert page == data / "report.html"
    assert "<svg" in page.read_text(encoding="utf-8")
    shot = screenshot(page, tmp_path)
    kept = os.environ.get("PARCOURS_REPORT_SCREENSHOT")
    if kept:  # the README's picture: `PARCOURS_REPORT_SCREENSHOT=docs/report.png pytest …`
        shutil.copyfile(shot, kept)


def screenshot(page: Path, tmp_path: Path) -> Path:
    """The page in headless Chromium: three charts, no console error; its screenshot."""
    with headless_chromium(tmp_path / "chromium-profile") as browser:
        browser.get(page.as_uri())
        assert len(browser.find_elements(By.CSS_SELECTOR, "figure svg")) == 3
        logged = browser.get_log("browser")  # type: ignore[no-untyped-call]  # untyped
        assert [e for e in logged if e["level"] == "SEVERE"] == []
        shot = tmp_path / "report.png"
        assert browser.save_screenshot(str(shot))
    assert has_chart_colour(shot)
    return shot


def test_a_used_folder_is_refused_in_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "something").write_text("kept", encoding="utf-8")
    for lang, words in (("en", "not an empty folder"), ("fr", "n'est pas un dossier vide")):
        result = demo_cli(tmp_path, lang)("demo", "atp-cergy", "--data", str(tmp_path / "data"))
        assert result.exit_code == 2
        assert words in result.output
        assert (tmp_path / "data" / "something").read_text(encoding="utf-8") == "kept"
