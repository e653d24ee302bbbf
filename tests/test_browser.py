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
    # While a rerun is under way the previous view's cards are still on the page: wait until only these are.
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(_card_text(page)) != len(periods):
        assert time.monotonic() < deadline, f"cards shown: {_card_text(page)}"
        time.sleep(0.2)


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


# --- first load, unknown pages, uploads -------------------------------------------------------

def test_the_first_load_shows_no_stray_menu_and_an_unknown_page_says_so(server: str, browser, tmp_path: Path) -> None:
    """A fresh server's first visit: never the menu Streamlit builds from pages/ (file names), then the real one."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    start = time.monotonic()
    page.goto(server, wait_until="commit")
    shot, stray = False, []
    while page.get_by_text("Salience: how often each target is named").count() == 0:
        stray += page.locator("[data-testid='stSidebarNav']").all_inner_texts()
        if not shot and time.monotonic() - start >= 0.3:
            page.screenshot(path=tmp_path / "first-load-300ms.png")
            shot = True
        assert time.monotonic() - start < TIMEOUT_MS / 1000, "the Overview did not load"
        time.sleep(0.1)
    assert shot and stray == []
    menu = page.locator("[data-testid='stTopNav']")
    assert menu.get_by_text("Overview", exact=True).count() == 1 and menu.get_by_text("Your texts", exact=True).count() == 1
    assert page.get_by_text("There is no page").count() == 0

    lost = browser.new_page(viewport={"width": 1400, "height": 900})
    lost.set_default_timeout(TIMEOUT_MS)
    lost.goto(f"{server}/nosuchpage")
    lost.get_by_text(re.compile(r"There is no page .nosuchpage.; here is the Overview")).wait_for()
    lost.get_by_text("Salience: how often each target is named").wait_for()
    lost.screenshot(path=tmp_path / "unknown-page.png")
    assert lost.locator("[data-testid='stException']").count() == 0


def _zip(members: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def _upload(page, server: str, files: list[dict], outlet: str) -> None:
    """Open "Your texts", choose ``files`` in the file input, fill the fields and press Build (no waiting)."""
    page.goto(f"{server}/upload")
    page.get_by_role("heading", name="Your texts").wait_for()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(files)
    for name in [f["name"] for f in files]:
        page.locator("[data-testid='stFileChipName']").get_by_text(name, exact=True).wait_for()
    page.get_by_label("Outlet", exact=True).fill(outlet)
    page.get_by_label("Actor (whose positions, e.g. RUS)", exact=True).fill("RUS")
    page.get_by_label("Period (year under analysis)", exact=True).fill("2016")
    _choose(page, "Format", "paragraphs")
    page.get_by_role("button", name="Build the table").click()


def _outlets(page) -> list[str]:
    """The outlets the sidebar filter offers: those of the table this session shows."""
    widget = page.locator("[data-testid='stMultiSelect']").filter(has=page.get_by_text("Outlets", exact=True)).first
    widget.locator("input").click()
    names = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return sorted(n for n in names if n != "Select all")  # the multiselect's own shortcut


def test_two_visitors_upload_at_once_and_each_sees_only_their_own_texts(server: str, browser, tmp_path: Path) -> None:
    alpha_zip = _zip({
        "talks.txt": "We are ready for talks on Syria.\n\nThe sanctions against us are counterproductive.\n",
        "minsk.txt": "Kiev must implement the Minsk agreements.\n",
        "../escape.txt": "This member climbs out of the archive.\n",
    })
    visitors = {}
    for name in ("alpha", "beta", "third"):
        context = browser.new_context(viewport={"width": 1400, "height": 1400})
        context.set_default_timeout(TIMEOUT_MS)
        visitors[name] = context.new_page()
    _upload(visitors["alpha"], server, [{"name": "alpha.zip", "mimeType": "application/zip", "buffer": alpha_zip}],
            "Alpha Wire")
    _upload(visitors["beta"], server, [{"name": "beta.txt", "mimeType": "text/plain",
                                        "buffer": b"The US missile defence worries us.\n"}], "Beta Post")
    alpha, beta, third = visitors["alpha"], visitors["beta"], visitors["third"]
    alpha.get_by_text("Your upload: 3 statements from 2 files").wait_for()
    beta.get_by_text("Your upload: 1 statements from 1 file").wait_for()
    alpha.get_by_text(re.compile(r"escape\.txt: name points outside the archive")).wait_for()
    alpha.screenshot(path=tmp_path / "alpha-report.png", full_page=True)
    for page in (alpha, beta):
        with page.expect_download() as download:
            page.get_by_text("Download the table (CSV, every column)", exact=True).click()
        assert download.value.suggested_filename == "statements.csv"
        header = Path(download.value.path()).read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("statement_id,") and ",tone," in f"{header}," and ",topic_label," in f"{header},"

    third.goto(server)
    third.get_by_text("Salience: how often each target is named").wait_for()
    for page in (alpha, beta):  # every page now shows the upload
        page.locator("[data-testid='stTopNav']").get_by_text("Overview", exact=True).click()
        page.get_by_text("Salience: how often each target is named").wait_for()
    assert _outlets(alpha) == ["Alpha Wire"]
    assert _outlets(beta) == ["Beta Post"]
    seen = _outlets(third)
    assert "Alpha Wire" not in seen and "Beta Post" not in seen and len(seen) == 5, seen
    third.get_by_text(re.compile(r"Table: seeds/ \(built on start\), 277 statements")).wait_for()
    beta.screenshot(path=tmp_path / "beta-overview.png", full_page=True)

    alpha.get_by_role("button", name="Back to the bundled corpus").click()
    alpha.get_by_text(re.compile(r"Table: seeds/ \(built on start\), 277 statements")).wait_for()
    assert _outlets(beta) == ["Beta Post"]
    for page in (alpha, beta, third):
        assert page.locator("[data-testid='stException']").count() == 0
