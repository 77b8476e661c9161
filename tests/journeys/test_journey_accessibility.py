"""Accessibility of the public pages and the review queue, in a real browser.

axe-core (pinned in package.json, installed by `npm ci`) runs inside each page and must find
no serious or critical violation; every page's first Tab stop is the skip link, visibly
focused. Lesser findings are printed, which pytest shows with -rA or on failure.
"""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from forecasts.models import Expert, Question, Topic
from forecasts.services.reviews.assignments import mark_due_questions
from seeds.loader import load_seeds
from tests.browser_support import (
    MOBILE,
    axe_violations,
    launch_browser,
    log_in,
    new_page,
    require_axe,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    """Closed before the live server stops, so no request of its is left open."""
    yield from launch_browser(monkeypatch)


@pytest.fixture
def pages(bob: User) -> dict[str, list[str]]:
    """The demo record, with due questions in bob's queue: reader and reviewer paths."""
    load_seeds()
    mark_due_questions()
    topic = Topic.objects.order_by("name").first()
    expert = Expert.objects.order_by("name").first()
    resolved = Question.objects.filter(status="resolved").order_by("pk").first()
    due = Question.objects.filter(status="due", assignments__reviewer=bob).first()
    assert due is not None
    return {
        "public": [
            "/",
            f"/?topic={topic.slug}",
            "/?topic=no-such-topic&min_resolved=zero",  # the filter error message
            f"/experts/{expert.slug}/",
            "/experts/",
            "/experts/?q=no+such+name",
            f"/questions/{resolved.pk}/",
            f"/questions/{due.pk}/",
            "/check/",
        ],
        "review": ["/review/", f"/review/questions/{due.pk}/"],
    }


def _audit(page, paths: list[str]) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """(blocking findings, all findings) over these paths."""
    blocking, everything = [], []
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        found = axe_violations(page, ALL_IMPACTS)
        everything += [f"{path}: {line}" for line in found]
        blocking += [
            f"{path}: {line}" for line in found if line.split()[0] in ("serious", "critical")
        ]
    return blocking, everything


def test_axe_finds_no_serious_violation_on_public_pages_and_review_queue(
    browser, live_server, pages
):
    require_axe()
    reader = new_page(browser, live_server.url)
    blocking, everything = _audit(reader, pages["public"])
    phone = new_page(browser, live_server.url, viewport=MOBILE, is_mobile=True)
    more_blocking, more = _audit(phone, pages["public"][:1] + pages["public"][3:4])
    reviewer = new_page(browser, live_server.url)
    log_in(reviewer, "bob", "pw-bob", next_path="/review/")
    review_blocking, review_all = _audit(reviewer, pages["review"])
    # The verdict's summary comes from a POST, so the form is filled in to reach it.
    form = reviewer.locator("form.review-form")
    form.get_by_label("YES", exact=True).check()
    form.get_by_label("Evidence URL").fill("https://example.org/evidence")
    form.get_by_role("button", name="Submit verdict").click()
    reviewer.locator("#verdict-summary").wait_for()
    confirm_all = [f"verdict summary: {line}" for line in axe_violations(reviewer, ALL_IMPACTS)]
    review_all += confirm_all
    review_blocking += [line for line in confirm_all if line.split()[2] in ("serious", "critical")]
    print("axe findings (all impacts):", *(everything + more + review_all), sep="\n  ")
    assert blocking + more_blocking + review_blocking == []


def test_the_skip_link_is_the_first_tab_stop_and_shows_focus(browser, live_server, pages):
    reviewer = new_page(browser, live_server.url)
    log_in(reviewer, "bob", "pw-bob", next_path="/review/")
    for path in pages["public"] + pages["review"]:
        reviewer.goto(path)
        reviewer.keyboard.press("Tab")
        state = reviewer.evaluate(
            "() => { const el = document.activeElement, style = getComputedStyle(el),"
            " box = el.getBoundingClientRect();"
            " return [el.className, style.outlineStyle, box.top >= 0 && box.height > 1]; }"
        )
        assert state == ["skip-link", "solid", True], path
        reviewer.keyboard.press("Enter")
        assert reviewer.evaluate("document.activeElement.id") == "content", path
