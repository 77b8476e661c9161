"""The admin writes dates as the public pages do: "1 Jan 2025", "7 Dec 2026, 14:05".

Before, a list column said "Jan. 1, 2025" (Django's en format), the offer of similar
questions "2025-01-01" and the site "1 Jan 2025", so one question's deadline read three ways.
Form inputs keep ISO dates (what an editor types); only the dates shown as text are checked.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from forecasts.models import Review
from forecasts.services import create_expert, get_or_create_source, record_prediction
from tests.builders import ADD_PREDICTION, make_question, record_data, resolve

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2025, 1, 1)
SHOWN = "1 Jan 2025"
MONTHS = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
DATE_SHOWN = re.compile(rf"\b\d{{1,2}} {MONTHS} \d{{4}}\b")
DATETIME_SHOWN = re.compile(rf"\b\d{{1,2}} {MONTHS} \d{{4}}, \d\d:\d\d\b")
OTHER_FORMATS = {
    "Django's en format": re.compile(
        r"\b(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}"
    ),
    "ISO": re.compile(r"\b\d{4}-\d\d-\d\d\b"),
    "a month in full": re.compile(
        r"\b\d{1,2} (January|February|March|April|June|July|August|September|October"
        r"|November|December) \d{4}"
    ),
    "a 12-hour clock": re.compile(r"\b\d{1,2}(:\d\d)? ?[ap]\.m\."),
}


def _shown_text(page: bytes) -> str:
    """The page's text a person reads: no inputs' values, scripts or attribute values."""
    text = page.decode()
    text = re.sub(r"<(script|style|textarea|select)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return re.sub(r"\s+", " ", text)


def _other_formats(text: str) -> dict[str, list[str]]:
    found = {name: pattern.findall(text) for name, pattern in OTHER_FORMATS.items()}
    return {name: hits for name, hits in found.items() if hits}


@pytest.fixture
def admin_client(client: Client, carol, oscar) -> Client:
    client.force_login(carol)
    return client


@pytest.fixture
def history(carol, oscar):
    """A resolved question (deadline 1 Jan 2025) with a sourced forecast made 22 Dec 2024."""
    question = make_question("Will the ferry line to the islands reopen?", deadline=DEADLINE)
    expert = create_expert(name="Nadia Varga")
    source = get_or_create_source(title="Ferry outlook", published_on=DEADLINE)
    prediction = record_prediction(
        expert=expert,
        question=question,
        probability=0.7,
        made_on=dt.date(2024, 12, 22),
        source=source,
    )
    resolve(question, "yes", oscar)
    return question, prediction, source


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/forecasts/question/", SHOWN),
        ("/admin/forecasts/source/", SHOWN),
        ("/admin/forecasts/prediction/", "22 Dec 2024"),
        ("/admin/forecasts/questionrevision/", SHOWN),
        ("/admin/forecasts/predictionscore/", DATE_SHOWN),  # resolved today
        ("/admin/forecasts/review/", DATETIME_SHOWN),
    ],
    ids=["questions", "sources", "predictions", "revisions", "scores", "reviews"],
)
def test_list_columns_show_dates_as_the_public_pages_do(admin_client, history, path, expected):
    response = admin_client.get(path)
    assert response.status_code == 200
    text = _shown_text(response.content)
    if isinstance(expected, str):
        assert expected in text
    else:
        assert expected.search(text), text
    assert not _other_formats(text)


def test_a_predictions_change_page_shows_its_dates_and_times_alike(admin_client, history):
    question, prediction, source = history
    response = admin_client.get(reverse("admin:forecasts_prediction_change", args=[prediction.pk]))
    text = _shown_text(response.content)
    assert "22 Dec 2024" in text  # made on, in the version history
    assert DATETIME_SHOWN.search(text)  # recorded at, read-only
    assert not _other_formats(text)


def test_a_reviews_change_page_shows_its_time_alike(admin_client, history):
    review = Review.objects.get()
    text = _shown_text(admin_client.get(f"/admin/forecasts/review/{review.pk}/change/").content)
    assert DATETIME_SHOWN.search(text)
    assert not _other_formats(text)


def test_the_offer_of_similar_questions_shows_their_deadlines_alike(admin_client, today):
    deadline = today + dt.timedelta(days=60)
    make_question("Will the ferry line reopen by the deadline?", deadline=deadline)
    expert = create_expert(name="Ana Li")
    data = record_data(
        expert,
        None,
        today,
        new_question_title="Will the ferry line reopen before the deadline?",
        new_question_criteria="YES if a ferry sails.",
        new_question_deadline=deadline.isoformat(),
    )
    response = admin_client.post(reverse(ADD_PREDICTION), data)
    assert response.status_code == 200
    text = _shown_text(response.content)
    assert f"(deadline {deadline.day} {deadline:%b %Y})" in text
    assert not _other_formats(text)


def test_the_source_log_page_shows_the_sources_date_alike(admin_client, history):
    _, _, source = history
    text = _shown_text(
        admin_client.get(reverse("admin:forecasts_source_log", args=[source.pk])).content
    )
    assert f"published {SHOWN}" in text
    assert not _other_formats(text)
