"""An editor logs three predictions from one article in one pass, in a real browser: from the
admin home to the source-first screen, the source described once, a row per prediction, one
Save. The steps are counted as the issue counted the old way (screens, clicks, autocomplete
picks, typed fields), and each screen leaves a screenshot in var/screenshots/."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from forecasts.models import Expert, LedgerEntry, Prediction, Source
from tests.browser_support import launch_browser, log_in, new_page, screenshot
from tests.builders import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CRITERIA = "YES if it happens by the deadline; NO otherwise."
ROWS = [
    # (new expert's name or "" for the row above's, title, deadline, probability as said)
    (
        "Laila Haddad",
        "Will the Trans-Valley pipeline be completed before 1 January 2028?",
        "2027-12-31",
        "almost certainly not",
    ),
    (
        "",
        "Will the regional regulator approve the tariff increase by 30 September 2026?",
        "2026-09-30",
        "30%",
    ),
    (
        "",
        "Will the pipeline's operator announce a new contractor by the end of 2026?",
        "2026-12-31",
        "probably",
    ),
]


@dataclass
class Steps:
    screens: int = 0
    clicks: int = 0
    picks: int = 0
    typed: int = 0


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    """Closed before the live server stops, so no request of its is left open."""
    yield from launch_browser(monkeypatch)


def test_three_predictions_from_one_article_in_one_pass(browser, live_server, transactional_db):
    make_user("alice", "Editors", is_staff=True)
    page = new_page(browser, live_server.url)
    log_in(page, "alice", "pw-alice")
    steps = Steps()

    def type_into(selector: str, value: str) -> None:
        page.fill(selector, value)
        steps.typed += 1

    page.get_by_role("link", name="Log predictions from a source").click()
    steps.clicks += 1
    page.wait_for_load_state()
    steps.screens += 1
    assert page.locator("h1").inner_text() == "Log predictions"

    page.select_option("#id_source-kind", "broadcast")
    steps.typed += 1
    type_into("#id_source-title", "Energy hour: the Trans-Valley pipeline")
    type_into("#id_source-outlet", "Radio Meridian")
    type_into("#id_source-published_on", "2026-03-03")
    for index, (name, title, deadline, probability) in enumerate(ROWS):
        if name:
            type_into(f"#id_row-{index}-expert_name", name)
        type_into(f"#id_row-{index}-title", title)
        type_into(f"#id_row-{index}-resolution_criteria", CRITERIA)
        type_into(f"#id_row-{index}-deadline", deadline)
        type_into(f"#id_row-{index}-probability", probability)
    screenshot(page, "source-first-01-filled")

    page.get_by_role("button", name="Save", exact=True).click()
    steps.clicks += 1
    page.wait_for_load_state()
    screenshot(page, "source-first-02-saved")

    assert "Recorded 3 predictions" in page.locator(".messagelist").inner_text()
    assert page.script_errors == []
    source = Source.objects.get()
    assert (source.kind, source.published_on) == ("broadcast", dt.date(2026, 3, 3))
    predictions = list(Prediction.objects.select_related("expert", "question").order_by("pk"))
    assert [p.question.title for p in predictions] == [row[1] for row in ROWS]
    assert [p.probability for p in predictions] == [0.02, 0.3, 0.75]
    assert {p.expert.name for p in predictions} == {"Laila Haddad"}
    assert Expert.objects.count() == 1
    assert {(p.source_id, p.made_on) for p in predictions} == {(source.pk, source.published_on)}
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PREDICTION).count() == 3
    # One screen, two clicks (open it, save), no autocomplete pick; fields: 4 for the source,
    # then 5 for the first row (name, title, criteria, deadline, probability) and 4 for each
    # further row by the same expert. Made-on is the source's date, typed nowhere.
    assert steps == Steps(screens=1, clicks=2, picks=0, typed=4 + 5 + 4 + 4)
