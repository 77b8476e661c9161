"""Logging the record through the API: experts, sources, questions, predictions, corrections."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from forecasts.models import Prediction, Question, QuestionRevision, Source
from forecasts.services import create_expert, record_prediction


@pytest.fixture
def editor(alice) -> APIClient:
    """Alice's client, authenticated by her token as an outside client would be."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    return client


def test_search_finds_experts_by_name(db):
    create_expert(name="Ruben Megrabyan")
    create_expert(name="Vera Ostrova")
    response = APIClient().get("/api/experts/", {"search": "megrab"})
    assert response.status_code == 200
    assert [e["name"] for e in response.json()["results"]] == ["Ruben Megrabyan"]


def test_an_editor_logs_a_prediction_end_to_end_with_a_token(editor, today):
    source = editor.post(
        "/api/sources/",
        {"title": "Talk show", "outlet": "Channel 5", "url": "https://example.org/show"},
        format="json",
    )
    assert source.status_code == 201, source.json()
    again = editor.post("/api/sources/", {"url": "https://example.org/show"}, format="json")
    assert (again.status_code, again.json()["id"]) == (200, source.json()["id"])
    expert = editor.post("/api/experts/", {"name": "Ruben  Megrabyan"}, format="json")
    assert expert.status_code == 201, expert.json()
    assert expert.json()["slug"] == "ruben-megrabyan"
    question = editor.post(
        "/api/questions/",
        {
            "title": "Will Azerbaijan leave the CSTO-style pact by the deadline?",
            "resolution_criteria": "YES if it formally withdraws; NO otherwise.",
            "deadline": str(today + dt.timedelta(days=365)),
            "topics": ["South Caucasus"],
        },
        format="json",
    )
    assert question.status_code == 201, question.json()
    assert question.json()["topics"] == [{"slug": "south-caucasus", "name": "South Caucasus"}]
    prediction = editor.post(
        "/api/predictions/",
        {
            "expert": "ruben-megrabyan",
            "question": question.json()["id"],
            "source": source.json()["id"],
            "probability": "is confident that",
            "made_on": str(today),
            "quote": "Baku is confident that it will align with Ankara.",
        },
        format="json",
    )
    assert prediction.status_code == 201, prediction.json()
    body = prediction.json()
    assert body["probability"] == 0.8
    assert body["basis"] == "verbal"
    assert body["phrase"] == "is confident that"
    assert body["table_version"] == "v2"
    assert body["expert"]["slug"] == "ruben-megrabyan"
    assert Prediction.objects.get().recorded_by.username == "alice"


@pytest.mark.parametrize(
    ("typed", "probability", "basis"), [(0.7, 0.7, "stated"), ("70%", 0.7, "stated")]
)
def test_probability_may_be_a_number_or_a_percentage(
    editor, expert, question, today, typed, probability, basis
):
    body = {"expert": expert.slug, "question": question.pk, "probability": typed}
    response = editor.post("/api/predictions/", {**body, "made_on": str(today)}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["probability"], response.json()["basis"]) == (probability, basis)


def test_a_prediction_may_bring_its_new_question_along(editor, expert, today):
    response = editor.post(
        "/api/predictions/",
        {
            "expert": expert.slug,
            "new_question": {
                "title": "Will the ferry run daily by the deadline?",
                "resolution_criteria": "YES if a daily timetable is published.",
                "deadline": str(today + dt.timedelta(days=90)),
            },
            "probability": 0.4,
            "made_on": str(today),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Question.objects.get().title == "Will the ferry run daily by the deadline?"


def test_bad_prediction_input_names_the_field(editor, expert, question, today):
    late = question.deadline + dt.timedelta(days=1)
    cases = [
        ({"probability": 1.7}, "probability"),
        ({"probability": "zorp blarg"}, "probability"),
        ({"made_on": str(late)}, "made_on"),
        ({"expert": "nobody"}, "expert"),
        ({"question": 999999}, "question"),
    ]
    base = {"expert": expert.slug, "question": question.pk, "probability": 0.6}
    for change, field in cases:
        response = editor.post(
            "/api/predictions/", {**base, "made_on": str(today), **change}, format="json"
        )
        assert response.status_code == 400, (change, response.content)
        assert field in response.json()["errors"], response.json()
        assert response.json()["detail"]
    assert not Prediction.objects.exists()


def test_anonymous_and_reviewers_cannot_write(api_as, db, bob):
    for client, refusal in ((APIClient(), 401), (api_as(bob), 403)):
        response = client.post("/api/experts/", {"name": "Someone"}, format="json")
        assert response.status_code == refusal
        assert response.json()["detail"]
    assert "Token" in APIClient().post("/api/experts/", {}, format="json").json()["detail"]


def test_a_published_prediction_is_never_updated_in_place(editor, expert, question, today):
    prediction = record_prediction(expert=expert, question=question, probability=0.7, made_on=today)
    for method in (editor.put, editor.patch):
        response = method(f"/api/predictions/{prediction.pk}/", {"probability": 0.9}, format="json")
        assert response.status_code == 405
        assert response.json()["detail"].startswith("published predictions are a record")
        assert "/corrections/" in response.json()["detail"]
    prediction.refresh_from_db()
    assert prediction.probability == 0.7


def test_a_correction_creates_version_2_and_keeps_version_1(editor, expert, question, today):
    original = record_prediction(expert=expert, question=question, probability=0.7, made_on=today)
    url = f"/api/predictions/{original.pk}/corrections/"
    missing_reason = editor.post(url, {"probability": "80%"}, format="json")
    assert missing_reason.status_code == 400
    assert "reason" in missing_reason.json()["errors"]
    response = editor.post(url, {"probability": "80%", "reason": "Misread"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["probability"], body["supersedes"]) == (2, 0.8, original.pk)
    assert [v["version"] for v in body["history"]] == [1, 2]
    listed = APIClient().get("/api/predictions/", {"expert": expert.slug}).json()["results"]
    assert [p["id"] for p in listed] == [body["id"]]
    everything = APIClient().get(
        "/api/predictions/", {"expert": expert.slug, "include_superseded": "true"}
    )
    assert len(everything.json()["results"]) == 2
    twice = editor.post(url, {"probability": 0.9, "reason": "Again"}, format="json")
    assert twice.status_code == 400
    assert "already corrected" in twice.json()["detail"]


def test_a_question_change_of_terms_needs_a_reason(editor, question, today):
    url = f"/api/questions/{question.pk}/"
    later = str(question.deadline + dt.timedelta(days=10))
    refused = editor.patch(url, {"deadline": later}, format="json")
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    response = editor.patch(url, {"deadline": later, "reason": "Vote postponed"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    assert [r["version"] for r in response.json()["revisions"]] == [1, 2]
    assert QuestionRevision.objects.filter(question=question).count() == 2


def test_filters_narrow_question_and_prediction_lists(db, expert, question, today):
    other = create_expert(name="Someone Else")
    record_prediction(expert=expert, question=question, probability=0.7, made_on=today)
    record_prediction(
        expert=other, question=question, probability=0.2, made_on=today - dt.timedelta(days=40)
    )
    client = APIClient()
    by_expert = client.get("/api/questions/", {"expert": expert.slug}).json()["results"]
    assert [(q["id"], q["prediction_count"]) for q in by_expert] == [(question.pk, 2)]
    assert client.get("/api/questions/", {"status": "resolved"}).json()["count"] == 0
    recent = client.get("/api/predictions/", {"made_on_after": str(today)}).json()["results"]
    assert [p["expert"]["slug"] for p in recent] == [expert.slug]
    deadline = {"deadline_before": str(question.deadline)}
    assert client.get("/api/predictions/", deadline).json()["count"] == 2
    found = client.get("/api/questions/", {"search": "Harbour Bridge"}).json()["results"]
    assert [q["id"] for q in found] == [question.pk]


def test_sources_keep_their_url_unique(editor):
    first = editor.post("/api/sources/", {"title": "A", "url": "https://e.org/a"}, format="json")
    second = editor.post("/api/sources/", {"title": "B", "url": "https://e.org/b"}, format="json")
    response = editor.patch(
        f"/api/sources/{second.json()['id']}/", {"url": "https://e.org/a"}, format="json"
    )
    assert first.status_code == 201
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Source.objects.filter(url="https://e.org/a").count() == 1
