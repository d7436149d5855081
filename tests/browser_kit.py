"""The browser kit: one demo served by `koppel serve` for every browser test module, Chromium,
axe-core and screenshots. Registered in tests/conftest.py; modules only import the helpers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, sync_playwright

from tests.helpers import Inbox, demo_database, free_port, koppel_env, wait_for_http

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("KOPPEL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The demo served by `koppel serve` on SQLite, mailing to an in-process SMTP server.

    One server for the whole session: starting it costs most of a browser test's time, and each
    flow works on its own records (or says which demo records it changes)."""
    inbox = Inbox()
    smtp_port, port = free_port(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    base = f"http://127.0.0.1:{port}"
    env = koppel_env()
    env |= {"KOPPEL_DATABASE_URL": demo_database(tmp_path_factory, "web"),
            "KOPPEL_SMTP_HOST": "127.0.0.1", "KOPPEL_SMTP_PORT": str(smtp_port),
            "KOPPEL_BASE_URL": base}
    koppel = [sys.executable, "-m", "services.cli"]
    server = subprocess.Popen(koppel + ["serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_http(f"{base}/readyz", alive=lambda: server.poll() is None)
    yield base, inbox, env
    server.terminate()
    server.wait(timeout=20)
    controller.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=nl-NL"])
        yield chromium
        chromium.close()


def site_db(site) -> str:
    """The SQLite file the served demo uses."""
    return site[2]["KOPPEL_DATABASE_URL"].removeprefix("sqlite:///")


def run_cli(site, args: list[str]) -> str:
    """Run a `koppel` command against the served demo."""
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=site[2],
                          check=True, capture_output=True, text=True).stdout


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core findings on the current page."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run()).violations"
                          ".filter(v => ['serious', 'critical'].includes(v.impact))"
                          ".map(v => v.id + ': ' + v.nodes.length)")
    return found


def check(page: Page, name: str | None = None) -> None:
    """axe-core with no serious finding, as it is and at 390 px, where nothing may stick out
    sideways; a screenshot of each when named."""
    size = page.viewport_size
    for width in dict.fromkeys((size["width"], 390)):
        page.set_viewport_size({"width": width, "height": size["height"]})
        assert axe_violations(page) == [], (page.url, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (
            page.url, width, too_wide(page, width))
        if name:
            SHOTS.mkdir(parents=True, exist_ok=True)
            suffix = "" if width == size["width"] else "-390"
            page.screenshot(path=str(SHOTS / f"{name}{suffix}.png"), full_page=True)
    page.set_viewport_size(size)


def too_wide(page: Page, width: int) -> list[str]:
    """The innermost elements that stick out to the right of a viewport this wide."""
    return page.evaluate("""(width) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1
                     && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
        .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                              + ': ' + (e.textContent || '').trim().slice(0, 40))""", width)

