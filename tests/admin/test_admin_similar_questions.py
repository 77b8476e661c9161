"""The admin's prediction form offers the similar open questions before it records a new
one, and its searches go through the shared search selectors."""

import datetime as dt

import pytest
from django.urls import reverse

from forecasts.models import Prediction, Question
from forecasts.services import create_expert
from tests.builders import ADD_PREDICTION, forecast, form_errors, make_question, record_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def ferry(today):
    return make_question(
        "Will the ferry line reopen by the deadline?", deadline=today + dt.timedelta(days=60)
    )


def _new_question(expert, today, **extra) -> dict:
    return record_data(
        expert,
        None,
        today,
        new_question_title="Will the ferry line reopen before the deadline?",
        new_question_criteria="YES if a ferry sails.",
        new_question_deadline=(today + dt.timedelta(days=60)).isoformat(),
        **extra,
    )


def test_a_new_question_like_an_open_one_is_offered_the_open_one_first(
    editor, expert, ferry, today
):
    response = editor.post(reverse(ADD_PREDICTION), _new_question(expert, today))
    assert response.status_code == 200
    message = " ".join(form_errors(response)["question"])
    assert f"#{ferry.pk}" in message
    assert "None of the similar questions" in message
    assert Question.objects.count() == 1
    assert not Prediction.objects.exists()


def test_the_editor_can_attach_to_the_offered_question_instead(editor, expert, ferry, today):
    editor.post(reverse(ADD_PREDICTION), record_data(expert, ferry, today))
    assert Prediction.objects.get().question == ferry
    assert Question.objects.count() == 1


def test_ticking_none_of_these_records_the_new_question(editor, expert, ferry, today):
    data = _new_question(expert, today, confirm_new_question="on")
    response = editor.post(reverse(ADD_PREDICTION), data)
    assert response.status_code == 302, form_errors(response)
    assert Question.objects.count() == 2


def test_a_new_question_like_nothing_is_recorded_at_once(editor, expert, today):
    data = record_data(
        expert,
        None,
        today,
        new_question_title="Will the chess olympiad move to Tbilisi?",
        new_question_criteria="YES if FIDE announces it.",
        new_question_deadline=(today + dt.timedelta(days=60)).isoformat(),
    )
    assert editor.post(reverse(ADD_PREDICTION), data).status_code == 302


def test_admin_prediction_search_finds_by_expert_alias_question_and_quote(editor, ferry, today):
    megrabyan = create_expert(name="Ruben Megrabyan", aliases=["Mehrabyan"])
    other = create_expert(name="Ana Li")
    forecast(megrabyan, ferry, 0.6, made_on=today)
    forecast(
        other, make_question("Will the tram open?", deadline=ferry.deadline), 0.3, made_on=today
    )
    url = reverse("admin:forecasts_prediction_changelist")
    for query in ("Mehrabyan", "ferry line", "Меграбян"):
        listed = editor.get(url, {"q": query}).context["cl"].result_list
        assert [p.expert for p in listed] == [megrabyan], query


def test_admin_question_search_matches_title_or_criteria(editor, ferry):
    make_question("Will the tram open?")
    url = reverse("admin:forecasts_question_changelist")
    listed = editor.get(url, {"q": "FERRY"}).context["cl"].result_list
    assert list(listed) == [ferry]
