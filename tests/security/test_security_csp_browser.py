"""The pages work under the Content-Security-Policy: Chromium loads each one and reports no
violation (an inline style or script, or a resource from elsewhere, would be refused)."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from forecasts.models import Source
from forecasts.services import create_expert, get_or_create_source, record_prediction
from forecasts.services.roles import ensure_roles
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS
from tests.builders import due_question, make_question, resolve

# Pages that still carry inline <style> or style="" (the policy refuses them, so they lose some
# styling; nothing breaks). When one is fixed, this test says to drop it here.
KNOWN_VIOLATIONS = {
    "/api/experts/": "DRF's browsable API templates: style= on two buttons, <style> for pygments",
}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
]


@pytest.fixture
def site(live_server) -> dict:
    """Enough data for every page to show its charts, tables and forms; carol's session."""
    ensure_roles()
    carol = User.objects.create_superuser("carol", "carol@example.org", "pw-carol-long-enough")
    expert = create_expert(name="Vera Ostrova", affiliation="Institute of Plausible Futures")
    source = get_or_create_source(
        title="Harbour outlook", url="https://example.org/harbour", outlet="Daily Ledger"
    )
    source.text = "Vera Ostrova said the harbour will likely reopen by June."
    source.save(update_fields=["text"])
    for i in range(3):
        question = make_question(f"Will thing {i} happen?", deadline=dt.date(2025, 1, 1 + i))
        record_prediction(
            expert=expert,
            question=question,
            probability="likely",
            made_on=dt.date(2024, 12, 1),
            source=source,
            quote=f"Thing {i} is likely, I think.",  # one claim, one quote
        )
        resolve(question, "yes" if i % 2 else "no", carol)
    due = due_question("Will the harbour reopen?")
    client = Client()
    client.force_login(carol)
    return {
        "base": live_server.url,
        "session": client.cookies["sessionid"].value,
        "expert": expert.slug,
        "question": question.pk,
        "due": due.pk,
        "source": Source.objects.get().pk,
    }


PAGES = [
    "/",
    "/experts/{expert}/",
    "/questions/{question}/",
    "/admin/",
    "/admin/forecasts/prediction/",
    "/admin/forecasts/prediction/add/",
    "/admin/forecasts/question/{question}/change/",
    "/admin/forecasts/source/{source}/extract/",
    "/review/",
    "/review/questions/{due}/",
    "/review/preferences/",
    "/api/docs/",
    "/api/experts/",
]


def _visit(browser, site: dict, path: str, action=None) -> list[str]:  # noqa: ANN001
    """Open one page with carol's session; the CSP violations Chromium reports on it."""
    context = browser.new_context(base_url=site["base"])
    host = site["base"].split("//", 1)[1].split(":")[0]
    cookie = {"name": "sessionid", "value": site["session"], "domain": host, "path": "/"}
    context.add_cookies([cookie])
    page = context.new_page()
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else 0)
    page.on("pageerror", lambda error: seen.append(f"page error: {error}"))
    try:
        response = page.goto(path, wait_until="networkidle")
        assert response.status == 200, f"{path}: {response.status}"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        if action:
            action(page)
    finally:
        context.close()
    return seen


def _type_a_phrase(page) -> None:  # noqa: ANN001
    """The admin's live preview: a static script asking a same-origin URL, under the policy."""
    page.locator("input[data-preview-url]").first.fill("is confident that")
    preview = page.locator(".ledger-probability-preview").first
    preview.filter(has_text="80%").wait_for(timeout=5000)


def test_pages_work_under_the_content_security_policy(site):
    # Chromium starts after the data is written: Django refuses ORM calls under its event loop.
    from playwright.sync_api import sync_playwright

    violations = {}
    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, empty profile directory of its own.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for template in PAGES:
                if seen := _visit(browser, site, template.format(**site)):
                    violations[template] = seen
            add = "/admin/forecasts/prediction/add/"
            if seen := _visit(browser, site, add, _type_a_phrase):
                violations[f"{add} (preview)"] = seen
        finally:
            browser.close()
    unexpected = {page: seen for page, seen in violations.items() if page not in KNOWN_VIOLATIONS}
    assert unexpected == {}
    # A page fixed by its owner fails here until its KNOWN_VIOLATIONS entry is removed.
    assert sorted(violations) == sorted(KNOWN_VIOLATIONS)
