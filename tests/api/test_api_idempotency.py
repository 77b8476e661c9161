"""Safe retries: an Idempotency-Key on a create answers the first response again, refuses a
different body with a 422, and natural keys answer 200 (known) or 201 with Location (new)."""

import datetime as dt

from django.utils import timezone

from forecasts.models import Expert, IdempotencyKey, Prediction, Source, Topic
from forecasts.services.idempotency import purge_idempotency_keys
from forecasts.tasks import purge_idempotency_keys as purge_task
from tests.builders import make_question

EXPERT = {"name": "Nadia Varga", "affiliation": "Institute of Regional Studies"}


def _prediction_body(question_id: int) -> dict:
    return {
        "expert": "nadia-varga",
        "question": question_id,
        "probability": "70%",
        "made_on": "2024-06-05",
        "quote": "I put it at 70%.",
    }


def test_a_retried_prediction_with_the_same_key_is_recorded_once(api_as, alice):
    editor = api_as(alice)
    editor.post("/api/experts/", EXPERT)
    body = _prediction_body(make_question("Will the crossing reopen?").pk)
    first = editor.post("/api/predictions/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = editor.post("/api/predictions/", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Prediction.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422_that_says_so(api_as, alice):
    editor = api_as(alice)
    editor.post("/api/topics/", {"name": "Transport"}, HTTP_IDEMPOTENCY_KEY="k-2")
    other = editor.post("/api/topics/", {"name": "Energy"}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert other.status_code == 422
    assert "another request" in other.json()["detail"]
    assert list(Topic.objects.values_list("name", flat=True)) == ["Transport"]


def test_a_refused_create_keeps_no_key_so_the_corrected_retry_runs(api_as, alice):
    editor = api_as(alice)
    refused = editor.post("/api/experts/", {"name": ""}, HTTP_IDEMPOTENCY_KEY="k-3")
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert editor.post("/api/experts/", {"name": ""}, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 400


def test_keys_are_per_user(api_as, alice, carol):
    api_as(alice).post("/api/topics/", {"name": "Transport"}, HTTP_IDEMPOTENCY_KEY="same")
    theirs = api_as(carol).post("/api/topics/", {"name": "Energy"}, HTTP_IDEMPOTENCY_KEY="same")
    assert theirs.status_code == 201


def test_an_overlong_key_is_a_400_naming_the_header(api_as, alice):
    response = api_as(alice).post("/api/topics/", {"name": "X"}, HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


def test_known_topics_sources_and_experts_answer_200_new_ones_201_with_location(api_as, alice):
    editor = api_as(alice)
    cases = [
        ("/api/topics/", {"name": "Transport"}, {"name": "transport "}, "/api/topics/transport/"),
        ("/api/experts/", EXPERT, {"name": "nadia  varga"}, "/api/experts/nadia-varga/"),
        ("/api/sources/", {"url": "https://example.org/a"}, {"url": "https://example.org/a"}, None),
    ]
    for path, body, same, location in cases:
        new = editor.post(path, body)
        assert new.status_code == 201, new.content
        assert new["Location"].startswith("http://testserver/api/")
        if location:
            assert new["Location"].endswith(location)
        known = editor.post(path, same)
        assert known.status_code == 200, known.content
        assert known.json() == new.json()
        assert "Location" not in known
    assert (Topic.objects.count(), Expert.objects.count(), Source.objects.count()) == (1, 1, 1)


def test_expert_links_sent_once_are_stored_once(api_as, alice):
    links = ["https://example.org/a"]
    response = api_as(alice).post("/api/experts/", {**EXPERT, "links": links})
    assert response.json()["links"] == links
    form = api_as(alice).post("/api/experts/", {**EXPERT, "links": links}, format="multipart")
    assert form.status_code == 415  # JSON only: form bodies used to repeat list fields


def test_old_keys_are_purged_and_a_second_purge_finds_none(api_as, alice):
    editor = api_as(alice)
    editor.post("/api/topics/", {"name": "Transport"}, HTTP_IDEMPOTENCY_KEY="old")
    editor.post("/api/topics/", {"name": "Energy"}, HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyKey.objects.filter(key="old").update(
        created_at=timezone.now() - dt.timedelta(hours=25)
    )
    assert purge_task.apply().get() == 1
    assert purge_idempotency_keys() == 0
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
