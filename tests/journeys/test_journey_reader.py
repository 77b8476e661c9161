"""A reader's journey in a real browser, by keyboard: skip the masthead, filter the
leaderboard by topic, open an expert. The same pages at a phone's width keep their text on
screen (wide tables scroll inside their own box). Screenshots go to var/screenshots/."""

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from forecasts.models import Expert, Topic
from forecasts.services import record_prediction
from seeds.loader import load_seeds
from tests.browser_support import MOBILE, launch_browser, new_page, screenshot
from tests.builders import make_question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOPIC = "Fictional transport"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    """Closed before the live server stops, so no request of its is left open."""
    yield from launch_browser(monkeypatch)


@pytest.fixture
def ledger(transactional_db: None) -> None:
    load_seeds()


def focused(page) -> dict:  # noqa: ANN001
    """What has the keyboard focus, and whether it shows (an outline or a visible box)."""
    return page.evaluate(
        "() => { const el = document.activeElement, style = getComputedStyle(el);"
        " const box = el.getBoundingClientRect();"
        " return {text: el.innerText || el.getAttribute('aria-label') || el.id || '',"
        "  tag: el.tagName, id: el.id, outline: style.outlineStyle,"
        "  outlineWidth: parseFloat(style.outlineWidth),"
        "  onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top >= 0}; }"
    )


def no_sideways_scroll(page) -> bool:  # noqa: ANN001
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def chart_overlaps(page) -> list[str]:  # noqa: ANN001
    """Tick labels of the calibration chart that a dot covers (a 0% group sat on its label)."""
    return page.evaluate(
        "() => { const boxes = el => { const b = el.getBoundingClientRect();"
        " return [b.left, b.top, b.right, b.bottom]; };"
        " const hit = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];"
        " const dots = [...document.querySelectorAll('.chart--calibration .chart__dot')];"
        " return [...document.querySelectorAll('.chart--calibration .chart__tick')]"
        "  .filter(t => dots.some(d => hit(boxes(d), boxes(t)))).map(t => t.textContent); }"
    )


def test_a_reader_filters_by_topic_and_opens_an_expert_by_keyboard(browser, live_server, ledger):
    started = time.monotonic()
    page = new_page(browser, live_server.url)
    page.goto("/")
    screenshot(page, "reader-01-leaderboard")

    # The first Tab stop is the skip link, visibly focused; it moves focus to the content.
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to main content"
    assert skip["outline"] != "none", skip
    assert skip["outlineWidth"] >= 2, skip
    assert skip["onScreen"], skip
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "content"

    # Tab reaches the topic filter; arrow keys pick the topic; Enter in the form applies it.
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page)["id"] == "id_topic":
            break
    assert focused(page)["id"] == "id_topic"
    options = page.locator("#id_topic option").all_inner_texts()
    for _ in range(options.index(TOPIC)):
        page.keyboard.press("ArrowDown")
    assert page.locator("#id_topic").evaluate("el => el.selectedOptions[0].text") == TOPIC
    page.keyboard.press("Tab")  # on to "Resolved in"
    page.keyboard.press("Tab")  # "Ranked from", a text field: Enter submits the form
    page.keyboard.press("Enter")
    slug = Topic.objects.get(name=TOPIC).slug
    page.wait_for_url(f"**/?*topic={slug}*")
    caption = page.locator("#ranked-caption, #provisional-caption").first.inner_text()
    assert TOPIC in caption
    screenshot(page, "reader-02-leaderboard-by-topic")

    # The first expert listed, opened from the keyboard.
    link = page.locator("table.leaderboard .expert-cell a").first
    name = link.inner_text()
    link.focus()
    assert focused(page)["outline"] != "none"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=name, level=1).wait_for()
    assert page.locator("figure.chart--calibration svg[role=img]").count() == 1
    screenshot(page, "reader-03-expert")
    expert_path = page.url.removeprefix(live_server.url)

    # A topic nobody has resolved a call in says so, and offers the way back.
    page.goto(f"/?topic={Topic.objects.get(name='Fictional science').slug}&min_resolved=50")
    page.get_by_role("heading", name="No ranked experts for these filters").wait_for()
    assert page.get_by_role("link", name="See everyone").count() == 1
    screenshot(page, "reader-04-leaderboard-empty")

    # At a phone's width nothing is cut off: the page itself never scrolls sideways.
    # A title with a long compound word and a quote with a long URL broke out of the page.
    long = make_question(
        "Will the Donaudampfschifffahrtsgesellschaftskapitaenswitwenrentenkasse reopen?",
        deadline=dt.date(2025, 1, 1),
    )
    record_prediction(
        expert=Expert.objects.order_by("pk").first(), question=long, probability=0.4,
        made_on=dt.date(2024, 12, 1), quote="See https://example.org/" + "long-path-" * 12,
    )  # fmt: skip
    phone = new_page(browser, live_server.url, viewport=MOBILE, is_mobile=True, has_touch=True)
    for path, name_ in (
        ("/", "reader-05-leaderboard-mobile"),
        (expert_path, "reader-06-expert-mobile"),
        ("/experts/", "reader-07-experts-mobile"),
        (f"/questions/{long.pk}/", "reader-08-long-words-mobile"),
    ):
        phone.goto(path)
        assert no_sideways_scroll(phone), f"{path} scrolls sideways at {MOBILE['width']}px"
        screenshot(phone, name_)

    # Ana Li's 25% group never happened: its dot sits on the chart's edge, on no label.
    for viewer in (page, phone):
        viewer.goto("/experts/ana-li/")
        assert viewer.locator(".chart--calibration .chart__dot").count() > 0
        assert chart_overlaps(viewer) == []

    assert page.script_errors == []
    assert phone.script_errors == []
    assert time.monotonic() - started < 60
