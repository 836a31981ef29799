"""Browser fixtures: a real `library serve` on the demo library, driven by Debian's headless Chromium.

Playwright drives ``/usr/bin/chromium`` (never a browser of its own); axe-core from the npm
registry (``node_modules``) is injected into pages for accessibility checks. Screenshots go to
``artifacts/screenshots`` (git-ignored) for reviewers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LIBRARY_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


class LiveServer:
    """`library serve` in a subprocess on its own demo database."""

    def __init__(self, database_url: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "LIBRARY_DATABASE_URL": database_url, **(env or {})}
        self.process: subprocess.Popen | None = None

    def cli(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "library.cli", *args], env=self.env, check=True,
                       capture_output=True, text=True)

    def start(self) -> LiveServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "library.cli", "serve", "--port", str(self.port), "--log-level", "warning"],
            env=self.env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"library serve did not answer on {self.url} within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


@pytest.fixture(scope="session")
def live_server(db_kind: str, tmp_path_factory, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    if db_kind == "postgres":
        url = request.getfixturevalue("postgres").create()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'library.db'}"
    server = LiveServer(url)
    server.cli("init")
    server.cli("demo")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-browser.sh", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def csp_violations(page) -> list[str]:
    """What Chromium reports as blocked by the Content-Security-Policy on this page, from now on (it
    logs every violation on the console, whichever page of the tab it happened on)."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text
            else None)
    return seen


@pytest.fixture
def page(browser):
    """A tab in which no Content-Security-Policy violation may happen (checked when the test ends)."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    violations = csp_violations(page)
    yield page
    context.close()
    assert violations == [], "the browser blocked something under the Content-Security-Policy"


def axe_violations(page, impacts: tuple[str, ...] = ("critical", "serious")) -> list[dict]:
    """Run axe-core in the page; the violations of the given impacts."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/ensure-browser.sh (npm ci)", pytrace=False)
    # Evaluated by the test driver, not added as an inline <script>, which the CSP would rightly block.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in impacts]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
