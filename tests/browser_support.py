"""Shared parts of the browser tests: Debian's chromium under Playwright, logging in through
the real admin form, screenshots under var/screenshots/ and axe-core run inside the page.

Playwright's sync API keeps an asyncio loop on the test's thread, and Django refuses ORM calls
while one is running there. The journeys write to the database between browser steps (the
sweep, the reminder pass), so their fixture sets DJANGO_ALLOW_ASYNC_UNSAFE: the calls are
plain synchronous code that the loop never sees.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def launch_browser(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """One chromium, for a test module's `browser` fixture to yield from. Playwright gives
    each launch a fresh, empty profile directory of its own."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see the module docstring
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # ORM calls made while Playwright ran got connections of their own (Django keeps
            # them per context, and Playwright's greenlets have their own); close them here,
            # or PostgreSQL refuses to drop the test database at the end of the run.
            connections.close_all()


def new_page(browser, base_url: str, *, viewport: dict = DESKTOP, **options):  # noqa: ANN001, ANN201
    """A page in a context of its own (its own cookies), failing on any script error."""
    context = browser.new_context(base_url=base_url, viewport=viewport, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.script_errors = errors
    return page


def log_in(page, username: str, password: str, *, next_path: str = "/admin/") -> None:  # noqa: ANN001
    """Through the admin's real login form, as a person would (django-axes counts failures)."""
    page.goto(f"/admin/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/admin/login/" not in page.url, f"{username} could not log in"


def screenshot(page, name: str) -> Path:  # noqa: ANN001
    """The whole page as var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_available() -> bool:
    return AXE.exists()


def axe_violations(page, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[str]:  # noqa: ANN001
    """axe-core's WCAG 2.x A/AA violations of these impacts on the page, one line per node.

    The script is evaluated through the DevTools protocol, which the page's CSP does not
    govern (a <script> tag added to the page would be refused by script-src 'self').
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # defines window.axe
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in impacts:
            continue
        for node in violation["nodes"]:
            target = json.dumps(node["target"])
            found.append(
                f"{violation['impact']} {violation['id']} at {target}: {violation['help']}"
            )
    return found


def require_axe() -> None:
    """In CI a missing axe-core fails the test; elsewhere it skips saying how to install it."""
    if axe_available():
        return
    message = f"needs axe-core at {AXE.relative_to(ROOT)}: run `npm ci` in the repository root"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail("CI must install axe-core: " + message)
    pytest.skip(message)
