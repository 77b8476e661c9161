"""Pages the other query-count tests leave out run a fixed number of queries however much data.

tests/api/test_api_queries.py covers every list under /api/ and tests/views/test_public_pages.py the
public pages; this file covers the review queue (a reviewer's and an admin's) and the
leaderboard API's filtered forms.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from forecasts.models import Question
from forecasts.services import get_or_create_topic
from forecasts.services.reviews.assignments import mark_due_questions
from tests.builders import forecast, make_question, past_question, predict, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", None)
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", None)


def _due_questions(count: int, offset: int) -> None:
    """Due questions, each with two predictions, some overdue past the escalation delay."""
    for i in range(offset, offset + count):
        question = past_question(f"Due question {i}?", days_ago=1 + i % 3)
        predict(question, p=0.3)
        predict(question, p=0.8)
    mark_due_questions()
    long_ago = timezone.now() - dt.timedelta(days=30)
    # The first of each batch is overdue past the escalation delay: the admins' list has rows.
    Question.objects.filter(title=f"Due question {offset}?").update(due_at=long_ago)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_review_queue_runs_the_same_queries_for_few_and_many_due_questions(
    client, persona, request
):
    request.getfixturevalue("bob")  # the reviewer the sweep assigns
    user = request.getfixturevalue(persona)
    client.force_login(user)
    _due_questions(1, offset=0)
    few = _queries(client, "/review/")
    _due_questions(8, offset=100)
    assert _queries(client, "/review/") == few


def _grow_board(carol, start: int, count: int) -> None:
    from forecasts.services import create_expert

    topic = get_or_create_topic(name="Harbour politics")
    for i in range(start, start + count):
        expert = create_expert(name=f"Ranked expert {i}")
        for j in range(5):
            question = make_question(f"Board question {i}-{j}?", topics=[topic])
            forecast(expert, question, 0.6 + 0.05 * (j % 3))
            resolve(question, "yes" if j % 2 else "no", carol)


@pytest.mark.django_db(transaction=True)
def test_leaderboard_api_filters_run_the_same_queries_for_few_and_many_experts(client, carol):
    urls = [
        "/api/leaderboard/?topic=harbour-politics",
        "/api/leaderboard/?min_resolved=1",
        "/api/leaderboard/?period=12m",
        "/api/experts/?search=ranked",
    ]
    _grow_board(carol, 0, 1)
    few = {url: _queries(client, url) for url in urls}
    _grow_board(carol, 1, 6)
    assert {url: _queries(client, url) for url in urls} == few
