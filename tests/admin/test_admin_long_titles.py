"""A title over 500 characters is refused with a message, never cut by the browser."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from forecasts.models import Prediction, Question
from tests.builders import ADD_PREDICTION, form_errors, record_data

pytestmark = pytest.mark.django_db
LONG_TITLE = ("Will the regional regulator approve the tariff increase " * 13)[:721]


@pytest.fixture
def editor(client: Client, alice) -> Client:
    client.force_login(alice)
    return client


def test_the_title_input_has_no_maxlength_for_the_browser_to_cut_at(editor):
    page = editor.get(reverse(ADD_PREDICTION))
    title_input = str(page.context["adminform"].form["new_question_title"])
    assert "maxlength" not in title_input


def test_a_721_character_title_is_refused_with_its_length(editor, expert, today):
    data = record_data(
        expert,
        None,
        today,
        new_question_title=LONG_TITLE,
        new_question_criteria="YES if it is approved; NO otherwise.",
        new_question_deadline=(today + dt.timedelta(days=90)).isoformat(),
    )
    response = editor.post(reverse(ADD_PREDICTION), data)
    assert response.status_code == 200
    message = " ".join(form_errors(response)["new_question_title"])
    assert "At most 500 characters; this has 721" in message
    assert not Question.objects.exists()
    assert not Prediction.objects.exists()


def test_the_add_question_form_refuses_it_too(editor, today):
    data = {
        "title": LONG_TITLE,
        "resolution_criteria": "YES if it is approved; NO otherwise.",
        "deadline": (today + dt.timedelta(days=90)).isoformat(),
        "consensus_source": "",
    }
    response = editor.post(reverse("admin:forecasts_question_add"), data)
    assert "this has 721" in " ".join(form_errors(response)["title"])
    assert "maxlength" not in str(response.context["adminform"].form["title"])
    assert not Question.objects.exists()
