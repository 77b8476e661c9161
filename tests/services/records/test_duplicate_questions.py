"""A question with the same title (case and spacing aside) and deadline as one on record is
refused where it would be created: the API answers 409 with a link to it. The CSV import and
extraction already shared such questions; the API and the admin made twins."""

import datetime as dt

import pytest

from forecasts.models import Question
from forecasts.services import create_question
from forecasts.services.records.questions import DuplicateQuestion

pytestmark = pytest.mark.django_db

TERMS = {
    "title": "Will the Vell ferry run again by 2027?",
    "resolution_criteria": "YES if the harbour office reports a crossing.",
    "deadline": "2027-06-30",
}


def test_the_service_refuses_a_twin_and_names_the_question_on_record(alice):
    first = create_question(**TERMS | {"deadline": dt.date(2027, 6, 30)}, created_by=alice)
    twin = TERMS | {
        "title": "  will the VELL ferry  run again by 2027? ",
        "deadline": first.deadline,
    }
    with pytest.raises(DuplicateQuestion, match=f"question {first.pk},"):
        create_question(**twin, created_by=alice)
    create_question(**TERMS | {"deadline": dt.date(2027, 7, 31)}, created_by=alice)  # other day
    assert Question.objects.count() == 2


def test_the_api_answers_409_with_a_link_to_it(api_as, alice, expert):
    client = api_as(alice)
    first = client.post("/api/questions/", TERMS, format="json")
    assert first.status_code == 201, first.json()
    again = client.post("/api/questions/", TERMS, format="json")
    assert again.status_code == 409, again.json()
    url = f"http://testserver/api/questions/{first.json()['id']}/"
    assert again.json()["existing"] == {"id": first.json()["id"], "url": url}
    assert again["Location"] == url
    body = {"expert": expert.slug, "new_question": TERMS, "probability": 0.4,
            "made_on": "2026-01-05"}  # fmt: skip
    with_prediction = client.post("/api/predictions/", body, format="json")
    assert with_prediction.status_code == 409, with_prediction.json()
    assert Question.objects.count() == 1


def test_the_admin_says_so_with_a_link_to_the_question_on_record(client, alice):
    first = create_question(**TERMS | {"deadline": dt.date(2027, 6, 30)}, created_by=alice)
    client.force_login(alice)
    data = TERMS | {"title": TERMS["title"].upper(), "consensus_probability": "", "topics": []}
    data["consensus_source"] = ""
    response = client.post("/admin/forecasts/question/add/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This question is already on record, with the same title and deadline" in page
    assert (
        f'<a href="/admin/forecasts/question/{first.pk}/change/">Open question {first.pk}</a>'
        in page
    )
    assert Question.objects.count() == 1
