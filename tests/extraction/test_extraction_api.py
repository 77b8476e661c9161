"""POST /api/extract/ and POST /api/sources/{id}/extract/: editors only, JSON 4xx on bad input."""

import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from forecasts import services
from forecasts.models import Expert, ExtractionDraft, Prediction, Question, Source, Topic

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Harbour Notes\n"
    "The harbour council met on Monday to discuss the new ferry timetable for the island.\n"
    "“The new pier will open by the end of 2027, and fares will probably fall next year,” "
    "said harbour engineer Lotte Brenner.\n"
    "The pier was damaged in a storm in January, and 40 boats were lost."
)
EXTRACT = "/api/extract/"


@pytest.fixture
def editor(alice: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


def test_an_editor_gets_candidates_in_the_documented_shape_and_nothing_is_saved(
    editor: APIClient,
) -> None:
    response = editor.post(EXTRACT, {"text": ARTICLE, "published_on": "2026-03-01"}, format="json")
    assert response.status_code == 200, response.content
    candidates = response.json()["candidates"]
    assert [c["claim"] for c in candidates] == [
        "The new pier will open by the end of 2027",
        "fares will probably fall next year",
    ]
    first = candidates[0]
    for key in ("speaker", "claim", "quote", "phrase", "probability", "basis"):
        assert key in first
    assert first["speaker"] == "Lotte Brenner"
    assert first["suggested_deadline"] == "2027-12-31"
    assert first["question_title"] == "Will the new pier open by the end of 2027?"
    assert (candidates[1]["probability"], candidates[1]["phrase"]) == (0.75, "will probably")
    assert (Expert.objects.count(), Question.objects.count(), Prediction.objects.count()) == (
        0,
        0,
        0,
    )


def test_an_uploaded_html_page_is_read(editor: APIClient) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in ARTICLE.split("\n")[1:])
    page = io.BytesIO(f"<html><body><article>{paragraphs}</article></body></html>".encode())
    page.name = "article.html"
    response = editor.post(EXTRACT, {"file": page}, format="multipart")
    assert response.status_code == 200, response.content
    assert len(response.json()["candidates"]) == 2


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"text": ""}, 400, "exactly one of"),
        ({"text": ARTICLE, "url": "https://example.org/a"}, 400, "exactly one of"),
        ({"text": "Just a line."}, 422, "does not look like an article"),
        (
            {"text": "Dies ist ein Text auf Deutsch über die Fähre und den Hafen. " * 5},
            422,
            "English",
        ),
        ({"text": "word " * 45_000}, 413, "limit is 200,000"),
        ({"text": ARTICLE, "published_on": "soon"}, 400, "published_on"),
        ({"url": "http://127.0.0.1:8000/admin/"}, 400, "private or local"),
        ({"url": "file:///etc/passwd"}, 400, "Only http"),
        ({"text": ["not", "a", "string"]}, 400, "must be a string"),
        (["a", "list"], 400, "Send an object"),
        ({"text": "word " * 700_000}, 413, "too large"),
    ],
)
def test_bad_input_is_a_4xx_with_a_message(
    editor: APIClient, body: dict | list, status: int, message: str
) -> None:
    response = editor.post(EXTRACT, body, format="json")
    assert response.status_code == status, response.content
    assert message in response.json()["detail"]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x00\x01\x02binary\x00" * 10, "binary"), ("Caf\u00e9 ".encode("latin-1") * 50, "UTF-8")],
)
def test_binary_or_non_utf8_uploads_are_refused_with_415(
    editor: APIClient, data: bytes, message: str
) -> None:
    upload = io.BytesIO(data)
    upload.name = "page.html"
    response = editor.post(EXTRACT, {"html": upload}, format="multipart")
    assert response.status_code == 415
    assert message in response.json()["detail"]


def test_anonymous_users_and_reviewers_may_not_extract(bob: User) -> None:
    anonymous = APIClient().post(EXTRACT, {"text": ARTICLE}, format="json")
    assert anonymous.status_code in {401, 403}
    assert "detail" in anonymous.json()
    reviewer = APIClient()
    reviewer.force_authenticate(bob)
    response = reviewer.post(EXTRACT, {"text": ARTICLE}, format="json")
    assert response.status_code == 403
    assert "Editors" in response.json()["detail"]


def test_a_superuser_may_extract(carol: User) -> None:
    client = APIClient()
    client.force_authenticate(carol)
    assert client.post(EXTRACT, {"text": ARTICLE}, format="json").status_code == 200


def source_with_text() -> Source:
    return Source.objects.create(title="Harbour notes", published_on=dt.date(2026, 3, 1))


def test_source_extraction_keeps_the_text_and_the_candidates_as_drafts(editor: APIClient) -> None:
    source = source_with_text()
    url = f"/api/sources/{source.pk}/extract/"
    response = editor.post(url, {"text": ARTICLE}, format="json")
    assert response.status_code == 201, response.content
    source.refresh_from_db()
    assert "Lotte Brenner" in source.text
    assert ExtractionDraft.objects.filter(source=source, status="pending").count() == 2
    again = editor.post(url, {}, format="json")  # re-run on the stored text replaces the drafts
    assert again.status_code == 201
    assert ExtractionDraft.objects.filter(source=source).count() == 2
    assert json.loads(again.content)["candidates"][0]["draft_id"]
    assert Prediction.objects.count() == 0


def test_source_extraction_without_text_or_url_says_what_to_send(editor: APIClient) -> None:
    source = source_with_text()
    response = editor.post(f"/api/sources/{source.pk}/extract/", {}, format="json")
    assert response.status_code == 422
    assert response.json()["detail"]


def test_source_extraction_of_an_unknown_source_is_404(editor: APIClient) -> None:
    assert editor.post("/api/sources/999999/extract/", {}, format="json").status_code == 404


FLAGGED = ARTICLE + "\n“This will change everything for the island,” Brenner added."


def drafts_of(editor: APIClient, text: str) -> tuple[Source, list[dict]]:
    source = source_with_text()
    response = editor.post(f"/api/sources/{source.pk}/extract/", {"text": text}, format="json")
    assert response.status_code == 201, response.content
    return source, response.json()["candidates"]


def confirm(editor: APIClient, source: Source, rows: list[dict]):
    url = f"/api/sources/{source.pk}/extract/confirm/"
    return editor.post(url, {"drafts": rows}, format="json")


def test_plans_come_apart_from_candidates(editor: APIClient) -> None:
    text = ARTICLE + "\n“We will open a second ticket office in May,” said harbour master Ida Lund."
    body = editor.post(EXTRACT, {"text": text, "published_on": "2026-03-01"}, format="json").json()
    assert [p["claim"] for p in body["plans"]] == ["We will open a second ticket office in May"]
    assert "ticket office" not in " ".join(c["claim"] for c in body["candidates"])


def test_published_on_resolves_relative_dates(editor: APIClient) -> None:
    body = editor.post(EXTRACT, {"text": ARTICLE, "published_on": "2030-06-01"}, format="json")
    assert body.json()["candidates"][1]["suggested_deadline"] == "2031-12-31"  # "next year"


def test_confirmed_drafts_become_predictions_once(editor: APIClient) -> None:
    source, candidates = drafts_of(editor, ARTICLE)
    rows = [{"draft_id": c["draft_id"]} for c in candidates]
    response = confirm(editor, source, rows)
    assert response.status_code == 201, response.content
    assert Prediction.objects.count() == 2
    assert set(ExtractionDraft.objects.values_list("status", flat=True)) == {"confirmed"}
    again = confirm(editor, source, rows)
    assert again.status_code == 400
    assert "not pending" in again.json()["detail"]
    assert Prediction.objects.count() == 2


def test_a_confirmed_draft_gives_its_new_question_the_topics_sent(editor: APIClient) -> None:
    energy = services.get_or_create_topic(name="Energy")
    source, candidates = drafts_of(editor, ARTICLE)
    rows = [{"draft_id": candidates[0]["draft_id"], "topics": ["south caucasus", "energy"]}]
    response = confirm(editor, source, rows)
    assert response.status_code == 201, response.content
    question = Question.objects.get(pk=response.json()["predictions"][0]["question"])
    assert sorted(question.topics.values_list("name", flat=True)) == ["Energy", "south caucasus"]
    assert question.topics.get(name="Energy") == energy


@pytest.mark.parametrize(
    "topics", ["South Caucasus", [1], [""], ["Energy", None], {"name": "Energy"}, True]
)
def test_topics_that_are_not_a_list_of_names_are_a_400_naming_drafts(
    editor: APIClient, topics: object
) -> None:
    source, candidates = drafts_of(editor, ARTICLE)
    draft_id = candidates[0]["draft_id"]
    response = confirm(editor, source, [{"draft_id": draft_id, "topics": topics}])
    assert response.status_code == 400
    said = f'`topics` of draft {draft_id} is a list of topic names (strings): ["South Caucasus"].'
    assert response.json() == {"detail": said, "errors": {"drafts": [said]}}
    assert not Prediction.objects.exists()
    assert ExtractionDraft.objects.get(pk=draft_id).status == "pending"


def test_a_topic_name_longer_than_a_topic_can_be_is_refused_not_cut(editor: APIClient) -> None:
    source, candidates = drafts_of(editor, ARTICLE)
    response = confirm(
        editor, source, [{"draft_id": candidates[0]["draft_id"], "topics": ["Ferries " * 16]}]
    )
    assert response.status_code == 400
    assert "at most 120 characters" in response.json()["errors"]["drafts"][0]
    assert not Topic.objects.exists()


def test_topics_of_a_draft_attached_to_an_existing_question_leave_its_topics_alone(
    editor: APIClient,
) -> None:
    question = services.create_question(
        title="Will the harbour pier reopen by the end of 2027?",
        resolution_criteria="YES if it opens.",
        deadline=dt.date(2027, 12, 31),
        topics=[services.get_or_create_topic(name="Transport")],
    )
    source, candidates = drafts_of(editor, ARTICLE)
    attached = {"draft_id": candidates[0]["draft_id"], "question": question.pk, "topics": ["Gas"]}
    new = {"draft_id": candidates[1]["draft_id"], "topics": ["Fares"]}
    response = confirm(editor, source, [attached, new])
    assert response.status_code == 201, response.content
    first, second = response.json()["predictions"]
    assert first["question"] == question.pk
    assert list(question.topics.values_list("name", flat=True)) == ["Transport"]
    created = Question.objects.get(pk=second["question"])
    assert list(created.topics.values_list("name", flat=True)) == ["Fares"]
    assert not Topic.objects.filter(name="Gas").exists()


def test_a_draft_that_needs_editing_is_refused_until_its_title_is_rewritten(
    editor: APIClient,
) -> None:
    source, candidates = drafts_of(editor, FLAGGED)
    flagged = [c for c in candidates if c["needs_editing"]]
    assert [c["question_title"] for c in flagged] == [
        "Will this change everything for the island by 1 March 2027?"
    ]
    assert flagged[0]["editing_reasons"] == ["its subject needs the article to be understood"]
    first = {"draft_id": candidates[0]["draft_id"]}
    refused = confirm(editor, source, [first, {"draft_id": flagged[0]["draft_id"]}])
    assert refused.status_code == 400
    assert "needs editing" in refused.json()["detail"]
    assert Prediction.objects.count() == 0  # all or nothing
    title = "Will the new pier double ferry traffic to the island by 1 March 2027?"
    edited = {"draft_id": flagged[0]["draft_id"], "question_title": title}
    accepted = confirm(editor, source, [first, edited])
    assert accepted.status_code == 201, accepted.content
    # The proposed criteria quoted the flagged title; they follow the rewritten one.
    criteria = Question.objects.get(title=title).resolution_criteria
    assert f"“{title}”" in criteria
    assert "this change everything" not in criteria.split("The claim as made")[0]


def test_confirming_needs_a_list_of_drafts(editor: APIClient) -> None:
    source = source_with_text()
    response = confirm(editor, source, [])
    assert response.status_code == 400
    assert "drafts" in response.json()["detail"]


def test_an_empty_text_is_said_to_be_empty(editor: APIClient) -> None:
    # It said "Give exactly one of text, html or url", although text was given.
    response = editor.post(EXTRACT, {"text": ""}, format="json")
    assert response.status_code == 400
    assert (
        response.json()["detail"] == "Give exactly one of `text`, `html` or `url`. `text` is empty."
    )


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"text": ""}, {"text": ["Give exactly one of `text`, `html` or `url`. `text` is empty."]}),
        (
            {"text": ARTICLE, "url": "https://example.org/a"},
            {"non_field_errors": ["Give exactly one of `text`, `html` or `url` (got text, url)."]},
        ),
        (
            {"text": ARTICLE, "published_on": "soon"},
            {"published_on": ["`published_on` must be a date like 2025-05-28."]},
        ),
        ({"url": ["a"]}, {"url": ["`url` must be a string."]}),
    ],
)
def test_a_bad_request_names_its_field_in_errors_as_every_api_error_does(
    editor: APIClient, body: dict, errors: dict
) -> None:
    # The extraction endpoints answered `detail` alone; clients read `errors` by field.
    response = editor.post(EXTRACT, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == errors


def test_a_refused_confirmation_names_the_drafts_in_errors(editor: APIClient) -> None:
    source, candidates = drafts_of(editor, FLAGGED)
    flagged = [c for c in candidates if c["needs_editing"]]
    refused = confirm(editor, source, [{"draft_id": flagged[0]["draft_id"]}])
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["drafts"]
    assert "needs editing" in refused.json()["errors"]["drafts"][0]
