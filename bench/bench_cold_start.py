"""Benchmark: the dashboard's cold start on the seed corpus, as a hosted app's first visitor waits for it.

Run: ``python bench/bench_cold_start.py [--runs 3]``. Each run starts a fresh process, so nothing
is cached (the seed build included):

- ``server up``: ``streamlit run dashboard.py`` until ``/_stcore/health`` answers;
- ``page shown``: the same process until a headless Chromium, opening ``/`` as soon as the server
  is up, shows the Overview's salience grid (skipped without Chromium);
- ``first AppTest run``: a fresh Python process importing Streamlit's AppTest and running the
  dashboard once (import, seed build, Overview script).

Prints the median, fastest and slowest of the runs as a markdown table. Timings on a shared
machine are noisy: compare medians.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
READY_TEXT = "Salience: how often each target is named"
TIMEOUT_S = 300
APPTEST_SCRIPT = """
import time, sys
start = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=300)
at.run()
assert not at.exception, [e.value for e in at.exception]
print(time.perf_counter() - start)
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RHETORIC_SHIFT_TABLE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "lib"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _chromium() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


def server_run(chromium: str | None) -> tuple[float, float | None]:
    """Seconds from process start until the health check answers, and until Chromium shows the Overview."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - start > TIMEOUT_S:
                    raise SystemExit(f"streamlit did not start on port {port}") from None
                time.sleep(0.05)
        up = time.perf_counter() - start
        if chromium is None:
            return up, None
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            try:
                page = browser.new_page()
                page.goto(url, wait_until="commit")
                page.get_by_text(READY_TEXT).wait_for(timeout=TIMEOUT_S * 1000)
                shown = time.perf_counter() - start
            finally:
                browser.close()
        return up, shown
    finally:
        proc.kill()  # the measure is over; nothing to save
        proc.wait()


def apptest_run() -> float:
    """Seconds of a fresh process's first AppTest run of the dashboard (imports included)."""
    out = subprocess.run([sys.executable, "-c", APPTEST_SCRIPT, str(ROOT / "dashboard.py")], cwd=ROOT, env=_env(),
                         capture_output=True, text=True, timeout=TIMEOUT_S, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per measure (at least 3)")
    args = parser.parse_args(argv)
    runs = max(args.runs, 3)
    chromium = _chromium()
    times: dict[str, list[float]] = {"server up (health check)": [], "page shown (Chromium)": [], "first AppTest run": []}
    for _ in range(runs):
        up, shown = server_run(chromium)
        times["server up (health check)"].append(up)
        if shown is not None:
            times["page shown (Chromium)"].append(shown)
        times["first AppTest run"].append(apptest_run())
    print(f"Cold start of dashboard.py on seeds/ (built on start): fresh process per run, {runs} runs.\n")
    print("| measure | median (s) | fastest (s) | slowest (s) | runs |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        if not values:
            print(f"| {name} | skipped: no Chromium | | | 0 |")
            continue
        print(f"| {name} | {statistics.median(values):.1f} | {min(values):.1f} | {max(values):.1f} | {len(values)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
