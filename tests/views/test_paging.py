"""Pages and API details stay the same size however much an expert or a question gathers:
an expert's calls and a question's predictions are paged, the Brier chart is thinned, and a
question's API detail nests a bounded number of predictions and says where the rest are."""

import datetime as dt
import re

import pytest
from rest_framework.throttling import SimpleRateThrottle

from forecasts import selectors
from forecasts.models import PredictionScore
from forecasts.selectors import records
from forecasts.services import correct_prediction, create_expert
from forecasts.views import public
from tests.builders import DAY0, forecast, make_question, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", None)


def _rows(html: str, caption_id: str) -> int:
    table = html.split(f'id="{caption_id}"', 1)[1].split("</table>", 1)[0]
    return table.count("<tr>") - 1  # the header row


def test_an_experts_settled_and_open_calls_are_paged_apart(client, carol, monkeypatch):
    monkeypatch.setattr(public, "EXPERT_PAGE_SIZE", 3)
    expert = create_expert(name="Prolific Pundit")
    for i in range(4):
        question = make_question(f"Settled call {i}?", deadline=DAY0 + dt.timedelta(days=i))
        forecast(expert, question, 0.7)
        resolve(question, "yes", carol)
    for i in range(5):
        open_call = make_question(f"Open call {i}?", deadline=dt.date(2031, 1, 1 + i))
        forecast(expert, open_call, 0.4, made_on=DAY0)

    first = client.get(f"/experts/{expert.slug}/").content.decode()
    assert 'Resolved predictions <span class="count">(4)</span>' in first
    assert 'Waiting to be settled <span class="count">(5)</span>' in first
    assert _rows(first, "resolved-caption") == 3
    assert _rows(first, "pending-caption") == 3
    assert "?resolved_page=2#resolved-heading" in first
    assert "?pending_page=2#pending-heading" in first

    second = client.get(f"/experts/{expert.slug}/?resolved_page=2&pending_page=2")
    html = second.content.decode()
    assert _rows(html, "resolved-caption") == 1
    assert _rows(html, "pending-caption") == 2
    shown = re.findall(r"(?:Settled|Open) call \d", html)
    assert "Settled call 0" in shown  # the oldest settled call, last in newest-first order
    assert client.get(f"/experts/{expert.slug}/?resolved_page=99").status_code == 200


def test_brier_chart_keeps_every_score_until_it_must_thin_them(carol):
    expert = create_expert(name="Chart Subject")
    for i in range(6):
        question = make_question(f"Chart question {i}?", deadline=DAY0 + dt.timedelta(days=i))
        forecast(expert, question, 0.9 if i % 2 else 0.6)
        resolve(question, "yes", carol)
    every = selectors.brier_over_time(expert, max_points=10)
    assert [n for _, _, n in every] == [1, 2, 3, 4, 5, 6]
    # All resolved today: past the limit, one point per day is one point.
    (today,) = selectors.brier_over_time(expert, max_points=3)
    assert today[2] == 6
    assert today[1] == pytest.approx(every[-1][1])

    for n, score in enumerate(PredictionScore.objects.filter(expert=expert).order_by("id")):
        score.resolved_on = DAY0 + dt.timedelta(days=n)  # derived data: spread out by hand
        score.save(update_fields=["resolved_on"])
    thinned = selectors.brier_over_time(expert, max_points=3)
    assert [n for _, _, n in thinned] == [1, 3, 6]  # first, middle (of 6) and last day
    assert thinned[-1][1] == pytest.approx(every[-1][1])


def test_a_questions_predictions_are_paged_and_corrections_all_listed(client, monkeypatch, alice):
    monkeypatch.setattr(public, "QUESTION_PAGE_SIZE", 2)
    question = make_question("Will the crowded question resolve?", deadline=dt.date(2031, 1, 1))
    made = [
        forecast(create_expert(name=f"Crowd member {i}"), question, 0.5, made_on=DAY0)
        for i in range(3)
    ]
    correct_prediction(prediction=made[2], reason="Misread the interview.", probability=0.3)

    first = client.get(f"/questions/{question.pk}/").content.decode()
    assert 'What the experts said <span class="count">(3)</span>' in first
    assert first.count('class="prediction"') == 2
    assert "Crowd member 2" not in first.split("Corrections to predictions")[0]
    assert "Misread the interview." in first  # the correction is listed on every page
    second = client.get(f"/questions/{question.pk}/?page=2").content.decode()
    assert second.count('class="prediction"') == 1
    assert '<ol class="prediction-list" start="3">' in second


def test_question_api_detail_nests_a_bounded_number_and_links_to_all(client, monkeypatch):
    monkeypatch.setattr(records, "QUESTION_DETAIL_PREDICTIONS", 2)
    question = make_question("Will the API stay small?", deadline=dt.date(2031, 1, 1))
    for i in range(3):
        forecast(create_expert(name=f"Caller {i}"), question, 0.2 + 0.1 * i, made_on=DAY0)

    detail = client.get(f"/api/questions/{question.pk}/").json()
    assert detail["prediction_count"] == 3
    assert [p["expert"]["name"] for p in detail["predictions"]] == ["Caller 0", "Caller 1"]
    everything = client.get(detail["predictions_url"]).json()
    assert everything["count"] == 3
