"""`parcours report --html`: one page that a real browser opens offline, charts drawn.

Headless Chromium from the system packages (`make test` installs them when missing)
opens the page written by the CLI from pathways driven on the dev server; the page logs
no console error, fetches nothing, shows three charts, and its screenshot has them. (The
README's screenshot is the ATP demo's page, kept by `tests/cli/test_demo.py`.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from tests.browser import has_chart_colour, headless_chromium
from tests.cli.runner import Cli, as_coordinator
from tests.report_pathways import drive_second_session
from tests.scenarios import drive_full_atp_pathway, drive_open_pathway

pytestmark = pytest.mark.temporal


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    with headless_chromium(tmp_path / "chromium-profile") as driver:
        yield driver


@pytest.mark.asyncio(loop_scope="session")
async def test_the_html_report_opens_offline_with_its_charts(
    cli: Cli,
    cli_settings: Settings,
    temporal_env: WorkflowEnvironment,
    browser: webdriver.Chrome,
    tmp_path: Path,
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    await drive_full_atp_pathway(pathways)
    await drive_open_pathway(pathways)
    await drive_second_session(pathways)
    page = tmp_path / "report.html"
    result = as_coordinator(cli, "report", "atp-cergy", "--unmasked", "--html", str(page))
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert re.findall(r"(?:src|href)=\"(?!data:|#)([^\"]*)\"", text) == []  # nothing fetched
    assert "<script" not in text

    browser.get(page.as_uri())
    assert "ATP" in browser.title
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure svg")) == 3
    logged = browser.get_log("browser")  # type: ignore[no-untyped-call]  # untyped in selenium
    errors = [e for e in logged if e["level"] == "SEVERE"]
    assert errors == []
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot))
    assert has_chart_colour(shot)


def test_the_html_report_in_french_hides_small_counts(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "rapport.html"
    result = cli("--lang", "fr", "report", "nouveau-depart", "--html", str(page))
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "Entonnoir" in text
    assert "<svg" in text
    assert "masqués" in text


def test_an_html_file_that_cannot_be_written_is_refused(offline_cli: Cli, tmp_path: Path) -> None:
    result = offline_cli("report", "atp-cergy", "--html", str(tmp_path / "no" / "such" / "r.html"))
    assert result.exit_code == 2
    assert "Cannot write the report" in result.stderr
    assert "no such folder" in result.stderr
    french = offline_cli(
        "--lang", "fr", "report", "atp-cergy", "--html", str(tmp_path / "no" / "r.html")
    )
    assert french.exit_code == 2
    assert "ce dossier n'existe pas" in french.stderr  # the system's reason in French too
    assert "No such file" not in french.stderr
