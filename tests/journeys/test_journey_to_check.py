"""In a real browser: the extraction page lists the sentences it proposed nothing from, and the
editor records a forecast from one by writing its question (and the page passes axe)."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from forecasts.models import Prediction, Source
from tests.browser_support import (
    axe_violations,
    launch_browser,
    log_in,
    new_page,
    require_axe,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = (
    "Harbour Notes\n"
    "The harbour council met on Monday to discuss the new ferry timetable for the island.\n"
    "“The new pier will probably open by the end of 2027,” said harbour engineer Lotte Brenner.\n"
    "Fishermen on the quay fear the winter storms could close the channel for weeks.\n"
    "The pier was damaged in a storm in January, and 40 boats were lost."
)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch, live_server) -> Iterator:  # noqa: ANN001
    yield from launch_browser(monkeypatch)


def test_an_editor_records_a_forecast_from_a_sentence_to_check(
    browser, live_server, alice: User
) -> None:
    require_axe()
    source = Source.objects.create(title="Harbour notes", published_on=dt.date(2026, 3, 1))
    page = new_page(browser, live_server.url)
    log_in(page, "alice", "pw-alice")
    page.goto(f"/admin/forecasts/source/{source.pk}/extract/")
    page.get_by_label("Paste the text").fill(ARTICLE)
    page.get_by_role("button", name="Read the article").click()

    page.get_by_text("kept on the source; 1 candidate and 1 sentence to check.").wait_for()
    page.get_by_text("Sentences to check (1)").wait_for()
    sentence = page.locator("table.ledger-to-check tbody tr")
    assert sentence.count() == 1
    assert "Fishermen on the quay fear" in sentence.locator(".ledger-claim-text").inner_text()
    assert axe_violations(page) == []

    sentence.get_by_label("Expert").fill("Harbour Fishermen's Guild")
    sentence.get_by_label("Question title").fill(
        "Will winter storms close the island's ferry channel for a week or more by 2027?"
    )
    sentence.get_by_label("Probability").fill("60%")
    sentence.get_by_label("Confirm sentence 1").check()
    screenshot(page, "extraction-sentence-to-check")
    page.get_by_role("button", name="Record the ticked predictions").click()
    page.get_by_text("Recorded 1 prediction from this source.").wait_for()

    prediction = Prediction.objects.get()
    assert prediction.expert.name == "Harbour Fishermen's Guild"
    assert prediction.probability == 0.6
    assert "“Will winter storms close" in prediction.question.resolution_criteria
    assert page.script_errors == []
