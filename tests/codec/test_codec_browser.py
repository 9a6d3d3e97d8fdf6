"""The web UI of the embedded dev server, in headless Chromium, through the codec server,
as a staff member and an auditor would use it.

The dev server is started as `make run` starts it (`DevServer`, told the codec server's
address with `--ui-codec-endpoint`), with the project's worker and one real pathway.
Before signing in, the UI shows the pathway's input encrypted. A staff member signs in
on the codec server's page with a pass, turns on "Include cross-origin credentials" in
the UI's codec settings (its own dialog, clicked), and the UI shows the person; an
auditor signed in instead sees the same input with the identity masked. Each decode is
in the read log, under the pathway and the reader."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import pytest_asyncio
from selenium import webdriver
from selenium.common.exceptions import (
    ElementNotInteractableException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import codec_endpoint
from parcours.app.client import PathwayClient
from parcours.app.staff_access import issue_pass, pass_expiry
from parcours.codec.run import running_codec_server
from parcours.domain.records import Actor
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.browser import headless_chromium
from tests.cli.logged_reads import read_log_rows
from tests.polling import eventually_blocking
from tests.processes import running_server
from tests.receivers import free_port
from tests.servers import TEST_KEYRING
from tests.support import T0, meta, participant, referral

pytestmark = pytest.mark.temporal

UI_WAIT_S = 90.0
"""The UI loads, asks the server for the history, then the codec server for each event:
seconds on a quiet machine, more on a loaded one."""


@dataclass(frozen=True)
class Service:
    settings: Settings
    pathway_id: str
    codec_url: str
    secret: bytes

    @property
    def page(self) -> str:
        ui = f"http://127.0.0.1:{self.settings.ui_port}"
        return f"{ui}/namespaces/{self.settings.namespace}/workflows/{self.pathway_id}"

    def pass_for(self, actor_id: str, role: Role) -> str:
        from datetime import UTC, datetime

        return issue_pass(self.secret, Actor(actor_id, role), pass_expiry(datetime.now(UTC)))


@pytest_asyncio.fixture(loop_scope="session")
async def service(tmp_path: Path) -> AsyncIterator[Service]:
    """The embedded dev server with its UI, a worker, one pathway, and the codec server."""
    from parcours.adapters.secret_file import read_secret_file

    with running_server(tmp_path / "server") as process:
        process.settings = replace(
            process.settings,
            codec_port=free_port(),
            codec_secret_file=tmp_path / "config" / "codec-secret",
            task_queue=f"ui-{uuid.uuid4().hex[:8]}",
        )
        settings = process.settings
        await process.start()
        client = await process.client()
        with running_codec_server(settings, TEST_KEYRING) as codec:
            async with build_worker(client, settings, default_activities(settings)):
                pathways = PathwayClient(client, settings.task_queue)
                atp = get_programme("atp-cergy")
                pid = await pathways.refer(atp, participant(), referral(T0), meta())
                secret = read_secret_file(settings.codec_secret_file)
                yield Service(settings, pid, codec.url, secret)


def text_of(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def first(driver: webdriver.Chrome, selector: str) -> WebElement:
    return eventually_blocking(
        lambda: driver.find_elements(By.CSS_SELECTOR, selector),
        what=f"the page shows {selector}",
        timeout=UI_WAIT_S,
        every=0.3,
    )[0]


def click(driver: webdriver.Chrome, selector: str, keys: str = "") -> None:
    """Click (or type into) the element, found again while the UI is still redrawing it."""

    def attempt() -> bool:
        try:
            element = first(driver, selector)
            if keys:
                element.clear()
                element.send_keys(keys)
            else:
                element.click()
        except (StaleElementReferenceException, ElementNotInteractableException):
            return False
        return True

    eventually_blocking(attempt, what=f"{selector} took the click", timeout=UI_WAIT_S, every=0.3)


def sign_in(driver: webdriver.Chrome, service: Service, token: str) -> None:
    driver.get(f"{service.codec_url}/")
    if driver.find_elements(By.ID, "signout"):
        driver.find_element(By.ID, "signout").click()
    first(driver, "#pass").send_keys(token)
    driver.find_element(By.ID, "signin").click()
    said_after_signin(driver, "Signed in as")


def said_after_signin(driver: webdriver.Chrome, words: str) -> str:
    """What the page says once the sign-in's answer has replaced the page it was sent from
    (which, after a sign-out, says "Signed out.")."""

    def said() -> str:
        try:
            return str(first(driver, "#said").text)
        except StaleElementReferenceException:  # the answer is replacing the page
            return ""

    return eventually_blocking(said, lambda text: words in text, what=words, timeout=UI_WAIT_S)


def use_codec_with_credentials(driver: webdriver.Chrome, service: Service) -> None:
    """What the codec server's page tells staff to do in the UI's codec settings."""
    click(driver, "[data-testid^='data-encoder-status']")
    click(driver, "#use-local-endpoint-radio")
    click(driver, "#data-encoder-endpoint-input", keys=service.codec_url)
    click(driver, "[data-testid='data-encoder-include-credentials']")  # the switch's label
    click(driver, "[data-testid='confirm-modal-button']")


def shows(driver: webdriver.Chrome, words: str) -> str:
    def probe() -> str:
        return text_of(driver)

    return eventually_blocking(
        probe, lambda text: words in text, what=f"the UI shows {words}", timeout=UI_WAIT_S
    )


def browse(service: Service, profile: Path, shot: Path) -> None:
    with headless_chromium(profile) as driver:
        driver.get(service.page)
        first(driver, "[data-testid^='data-encoder-status']")
        assert "Quillfeather" not in text_of(driver)  # encrypted, and no pass yet

        sign_in(driver, service, service.pass_for("staff-7f3a", Role.STAFF))
        driver.get(service.page)
        use_codec_with_credentials(driver, service)
        driver.get(service.page)
        shown = shows(driver, "Quillfeather")
        assert "Zephyrine" in shown
        driver.save_screenshot(str(shot))

        sign_in(driver, service, service.pass_for("aud-01", Role.AUDITOR))
        driver.get(service.page)
        masked = shows(driver, "[masked]")
        assert "Quillfeather" not in masked
        assert "Zephyrine" not in masked
        assert service.pathway_id in masked


@pytest.mark.asyncio(loop_scope="session")
async def test_the_web_ui_shows_a_pathway_as_the_readers_pass_allows(
    service: Service, tmp_path: Path
) -> None:
    assert codec_endpoint(service.settings) == service.codec_url
    shot = tmp_path / "ui.png"
    await asyncio.to_thread(browse, service, tmp_path / "chromium-profile", shot)

    rows = read_log_rows(service.settings.readmodel_url)
    decodes = {(r["actor_id"], r["role"]) for r in rows if r["command"] == "codec_decode"}
    assert decodes == {("staff-7f3a", "staff"), ("aud-01", "auditor")}
    pathways = {r["pathway_id"] for r in rows if r["command"] == "codec_decode"}
    assert service.pathway_id in pathways
    kept = os.environ.get("PARCOURS_CODEC_SCREENSHOT")
    if kept:
        shot.replace(kept)
