"""The admin an editor opens on a phone (390 px): the home page's "Log an article" links read
as words, and a source's change page keeps its title clear of the buttons under it.

Before: Django's dashboard gives a row heading the whole width and keeps the cell beside it on
one line, so each link was squeezed to a letter per line (a link 23 lines tall); on a source's
change page the tools are floated right and pulled 48 px up onto the title, and a long word
in the title ran off the screen.
"""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from forecasts.models import Source
from tests.browser_support import DESKTOP, MOBILE, launch_browser, log_in, new_page

LONG_TITLE = (
    "Panel on the Weltwirtschaftsprognoseinstitutsdirektorenkonferenz: three analysts on "
    "whether the regional regulator approves the tariff increase for the northern provinces "
    "before the winter, after months of talks between the ministry and the distributors"
)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    yield from launch_browser(monkeypatch)


def _boxes(page, selector: str) -> list[dict]:  # noqa: ANN001
    return page.eval_on_selector_all(
        selector,
        """nodes => nodes.map(node => {
            const box = node.getBoundingClientRect();
            const style = getComputedStyle(node);
            return {text: node.textContent.trim(), top: box.top, bottom: box.bottom,
                    left: box.left, right: box.right, height: box.height,
                    line: parseFloat(style.lineHeight) || 1.4 * parseFloat(style.fontSize),
                    scroll: node.scrollWidth, client: node.clientWidth};
        })""",
    )


def _intersect(a: dict, b: dict) -> bool:
    across = a["left"] < b["right"] and b["left"] < a["right"]
    return across and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _page_width(page) -> dict:  # noqa: ANN001
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_log_an_article_links_read_as_words_on_a_phone(browser, live_server, alice: User):
    page = new_page(browser, live_server.url, viewport=MOBILE)
    log_in(page, "alice", "pw-alice")
    page.goto("/admin/")

    links = _boxes(page, "#log-an-article a")
    assert [link["text"] for link in links] == [
        "Log predictions from a source",
        "Extract predictions",
    ]
    for link in links:
        # Two lines at most (the old layout: one letter or two per line, 15 and 12 lines).
        assert link["height"] <= 2 * link["line"] + 1, link
        assert link["right"] <= MOBILE["width"], link
    for cell in _boxes(page, "#log-an-article td"):
        assert cell["right"] <= MOBILE["width"], cell  # its text was cut off at the edge
    width = _page_width(page)
    assert width["scroll"] <= width["view"], width
    assert not page.script_errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["phone", "desktop"])
def test_a_long_source_title_is_clear_of_the_buttons_and_on_screen(
    browser, live_server, alice: User, viewport: dict
):
    source = Source.objects.create(kind="broadcast", title=LONG_TITLE, outlet="Channel 9")
    page = new_page(browser, live_server.url, viewport=viewport)
    log_in(page, "alice", "pw-alice")
    page.goto(f"/admin/forecasts/source/{source.pk}/change/")

    [title] = _boxes(page, "#content > h2")
    assert "Weltwirtschafts" in title["text"]
    assert title["scroll"] <= title["client"], title  # the long word breaks inside the box
    buttons = _boxes(page, ".object-tools li")
    assert [button["text"] for button in buttons] == [
        "Log predictions",
        "Extract predictions",
        "History",
    ]
    for button in buttons:
        assert not _intersect(button, title), (button, title)
        assert button["top"] >= title["bottom"], (button, title)
        assert button["right"] <= viewport["width"], button
    width = _page_width(page)
    assert width["scroll"] <= width["view"], width
    assert not page.script_errors
