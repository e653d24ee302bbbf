"""End to end in a real browser: Chromium drives ``streamlit run dashboard.py`` on localhost.

Skipped when Chromium is missing, unless the CI environment variable is set (then it fails).
Run with ``python -m pytest -m browser tests/test_browser.py``; screenshots go to tmp_path.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 90_000


def _chromium() -> str:
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not path:
        reason = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI is set, so the browser test must run")
        pytest.skip(reason)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server() -> Iterator[str]:
    """A fresh ``streamlit run dashboard.py`` on the seed corpus (built on start); yields its URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "RHETORIC_SHIFT_TABLE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    pytest.fail(f"streamlit did not start on port {port}:\n{output[-2000:]}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def browser():
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox or multiselect labelled ``label``."""
    widget = page.locator("[data-testid='stSelectbox'], [data-testid='stMultiSelect']").filter(
        has=page.get_by_text(label, exact=True)
    ).first
    widget.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def _wait_for_cards(page, periods: tuple[str, ...]) -> None:
    for period in periods:
        page.get_by_role("heading", name=period, exact=True).wait_for(timeout=TIMEOUT_MS)
    page.get_by_text(re.compile(r"statements name Ukraine")).first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("combobox", name="Target", exact=True).wait_for(timeout=TIMEOUT_MS)
    # a terms chart: 2014 has too few remarks about Ukraine for any term, 2017 has suggestive ones
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)


def _card_text(page) -> list[str]:
    return sorted(page.get_by_text(re.compile(r"statements name Ukraine")).all_inner_texts())


def test_a_compare_view_reopens_from_its_url(server: str, browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    page.get_by_text("Salience: how often each target is named").wait_for()
    page.screenshot(path=tmp_path / "1-overview.png", full_page=True)

    page.locator("[data-testid='stTopNav']").get_by_text("Compare", exact=True).click()  # the menu sits at the top
    page.get_by_role("heading", name="Compare positions").wait_for()
    _choose(page, "Target", "Ukraine")
    page.wait_for_url(re.compile(r"target=Ukraine"))
    _choose(page, "Periods", "2014")
    page.wait_for_url(re.compile(r"periods=2014(&|$)"))
    _choose(page, "Periods", "2017")
    page.wait_for_url(re.compile(r"periods=2014(%2C|,)2017"))
    _wait_for_cards(page, ("2014", "2017"))
    shown = _card_text(page)
    page.screenshot(path=tmp_path / "2-compare.png", full_page=True)
    url = page.url
    assert "/compare?" in url

    reopened = browser.new_page(viewport={"width": 1400, "height": 1600})
    reopened.set_default_timeout(TIMEOUT_MS)
    reopened.goto(url)
    _wait_for_cards(reopened, ("2014", "2017"))
    reopened.screenshot(path=tmp_path / "3-reopened.png", full_page=True)
    assert _card_text(reopened) == shown and len(shown) == 2
    assert reopened.get_by_role("combobox", name="Target", exact=True).input_value() == "Ukraine"
    assert reopened.get_by_role("heading", name="2016", exact=True).count() == 0


def test_a_fresh_server_opens_a_shared_page_link_directly(server: str, browser, tmp_path: Path) -> None:
    """The first visit of a new server process goes straight to /compare?...: the page still gets its filters."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/compare?target=Ukraine&periods=2014,2017&kind=martian")
    _wait_for_cards(page, ("2014", "2017"))
    page.get_by_text(re.compile(r"Ignored kind=martian")).wait_for()
    page.screenshot(path=tmp_path / "fresh-compare.png", full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stTopNav']").get_by_text("Overview", exact=True).count() == 1
