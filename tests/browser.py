"""Headless Chromium from the system packages (`make test` installs them when missing),
driven by Selenium, for the tests of what a browser shows: the HTML report, the web UI
through the codec server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from matplotlib.image import imread
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHART_BLUE = (0x2B / 255, 0x6F / 255, 0x97 / 255)
"""The report's charts' colour: a screenshot that holds enough of it shows them."""
CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1200,2400",
)


@contextmanager
def headless_chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    """Chromium with a fresh profile in `profile`, its console kept; skips the test when
    the packages are missing."""
    if not (CHROMIUM.exists() and DRIVER.exists()):
        pytest.skip("needs chromium and chromium-driver (make test installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(DRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def has_chart_colour(png: Path) -> bool:
    pixels = imread(str(png))[:, :, :3]
    close = abs(pixels - CHART_BLUE).max(axis=2) < 0.05
    return int(close.sum()) > 2000
