"""Sentences to check: forward-looking sentences nothing was proposed from, shown to the editor
beside the candidates (API `to_check`, and rows of their own on the admin page)."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from forecasts.extraction import service
from forecasts.extraction.unproposed import NO_SPEAKER, NOT_READ, PLAN
from forecasts.models import Prediction, Source
from tests.extraction_support import posted

ARTICLE = (
    "Harbour Notes\n"
    "The harbour council met on Monday to discuss the new ferry timetable for the island.\n"
    "“The new pier will probably open by the end of 2027,” said harbour engineer Lotte Brenner.\n"
    "“We will repaint the old lighthouse in May,” said the council's chair, Ivo Marsh.\n"
    "Fishermen on the quay fear the winter storms could close the channel for weeks.\n"
    "Brenner said the dredging contract is a gamble that may not pay off for the town.\n"
    "The pier was damaged in a storm in January, and 40 boats were lost."
)
PUBLISHED = dt.date(2026, 3, 1)


def test_each_forward_looking_sentence_without_a_candidate_is_listed_once_with_why() -> None:
    extraction = service.extract(text=ARTICLE, published_on=PUBLISHED)
    assert [c.sentence_index for c in extraction.candidates] == [1]
    listed = [(u.sentence_index, u.speaker, u.reason) for u in extraction.to_check]
    assert listed == [
        (2, "Ivo Marsh", PLAN),  # the rules' plan: the editor may disagree
        (3, "", NO_SPEAKER),  # an unnamed group fears it
        (4, "Lotte Brenner", NOT_READ),  # a judgement with a "may" inside
    ]
    assert extraction.to_check[1].sentence.startswith("Fishermen on the quay fear")


def test_a_sentence_with_a_candidate_or_nothing_ahead_is_not_listed() -> None:
    candidates, listed = service.for_review(
        "Ada Brook, a hydrologist at the River Institute, spoke in the town hall on Tuesday.\n"
        "“The dam will hold through the spring floods,” said Brook.\n"
        "The dam was built in 1931 and was last repaired in 1998.",
        published_on=PUBLISHED,
    )
    assert len(candidates) == 1
    assert listed == []


def test_names_a_month_and_next_to_do_not_make_a_sentence_look_ahead() -> None:
    _, listed = service.for_review(
        "Harbour Notes\n"
        "Spin bowler Tom Warne took five wickets, and Elsie May made 80 runs.\n"
        "The new pavilion, next to the old one, opened in May.\n"
        "The club's building project cost $2 million.\n"
        "May the best team win, the umpire joked.",
        published_on=PUBLISHED,
    )
    assert [u.sentence_index for u in listed] == [3]  # "May the best …": a wish, left to read


def test_a_forecast_said_twice_is_proposed_once_and_its_second_sentence_not_listed() -> None:
    candidates, listed = service.for_review(
        "Harbour Notes\n"
        "“The new pier will open by the end of 2027,” said harbour engineer Lotte Brenner.\n"
        "The council met on Monday.\n"
        "“The new pier will open by the end of 2027,” Brenner said again.",
        published_on=PUBLISHED,
    )
    assert [c.sentence_index for c in candidates] == [0]
    assert listed == []


@pytest.fixture
def editor(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.mark.django_db
def test_the_api_returns_the_sentences_to_check_beside_the_candidates(editor: Client) -> None:
    response = editor.post(
        "/api/extract/",
        {"text": ARTICLE, "published_on": PUBLISHED.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert [u["sentence_index"] for u in body["to_check"]] == [2, 3, 4]
    assert body["to_check"][2] == {
        "sentence_index": 4,
        "sentence": "Brenner said the dredging contract is a gamble that may not pay off for "
        "the town.",
        "speaker": "Lotte Brenner",
        "reason": NOT_READ,
        "code": "not_read",
    }
    assert [u["code"] for u in body["to_check"]] == ["plan", "no_speaker", "not_read"]


@pytest.fixture
def source() -> Source:
    return Source.objects.create(title="Harbour notes", published_on=PUBLISHED, text=ARTICLE)


def extract_url(source: Source) -> str:
    return reverse("admin:forecasts_source_extract", args=[source.pk])


@pytest.mark.django_db
def test_the_admin_page_lists_the_sentences_to_check_after_the_candidates(
    editor: Client, source: Source
) -> None:
    page = editor.get(extract_url(source))
    forms = page.context["formset"].forms
    assert len(page.context["rows"]) == 1
    assert [f.from_sentence for f in forms] == [False, True, True, True]
    fishermen = forms[2].initial
    assert fishermen["quote"].startswith("Fishermen on the quay fear")
    assert (fishermen["speaker"], fishermen["question_title"], fishermen["probability"]) == (
        "",
        "",
        "",
    )
    assert fishermen["deadline"] > PUBLISHED
    assert b"Sentences to check (3)" in page.content
    assert b"Not proposed: looks ahead, but the assistant found no named speaker." in page.content


@pytest.mark.django_db
def test_a_sentence_the_editor_writes_a_question_for_is_recorded_with_the_usual_criteria(
    editor: Client, source: Source
) -> None:
    page = editor.get(extract_url(source))
    title = "Will winter storms close the island's ferry channel for a week or more by 2027?"
    row = {"selected": "on", "speaker": "Harbour Fishermen's Guild", "question_title": title}
    response = editor.post(
        extract_url(source), posted(page, **{"2": {**row, "probability": "60%"}})
    )
    assert response.status_code == 302, [m.message for m in response.context["messages"]] + [
        f.errors for f in response.context["formset"].forms
    ]
    prediction = Prediction.objects.get()
    assert (prediction.expert.name, prediction.probability) == ("Harbour Fishermen's Guild", 0.6)
    assert prediction.question.title == title
    assert f"“{title}”" in prediction.question.resolution_criteria
    assert prediction.quote.startswith("Fishermen on the quay fear")


@pytest.mark.django_db
def test_a_ticked_sentence_without_a_question_or_probability_records_nothing(
    editor: Client, source: Source
) -> None:
    page = editor.get(extract_url(source))
    response = editor.post(
        extract_url(source), posted(page, **{"3": {"selected": "on", "speaker": "Lotte Brenner"}})
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[3].errors
    assert errors["question_title"] == ["Needed to confirm this candidate."]
    assert "probability" in errors
    assert not Prediction.objects.exists()


@pytest.mark.django_db
def test_a_sentence_read_as_a_plan_starts_from_its_question_and_follows_an_edited_title(
    editor: Client, source: Source
) -> None:
    page = editor.get(extract_url(source))
    plan = page.context["formset"].forms[1].initial
    assert plan["speaker"] == "Ivo Marsh"
    assert plan["question_title"].startswith("Will ")
    assert "lighthouse" in plan["question_title"]
    title = "Will the harbour council repaint the old lighthouse by the end of May 2026?"
    row = {"selected": "on", "question_title": title, "probability": "90%"}
    response = editor.post(extract_url(source), posted(page, **{"1": row}))
    assert response.status_code == 302
    criteria = Prediction.objects.get().question.resolution_criteria
    assert f"“{title}”" in criteria  # the criteria left as read follow the edited title
    assert f"“{plan['question_title']}”" not in criteria


@pytest.mark.django_db
def test_a_candidate_left_without_criteria_is_still_refused_whatever_the_post_says(
    editor: Client, source: Source
) -> None:
    # Only a row after the candidates is a sentence whose criteria come with its title; a
    # posted field cannot make a candidate one.
    page = editor.get(extract_url(source))
    row = {"selected": "on", "resolution_criteria": "", "from_sentence": "True"}
    response = editor.post(extract_url(source), posted(page, **{"0": row}))
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert errors["resolution_criteria"] == ["Needed to confirm this candidate."]
    assert not Prediction.objects.exists()


@pytest.mark.django_db
def test_a_sentence_row_without_a_title_says_so_and_nothing_about_its_criteria(
    editor: Client, source: Source
) -> None:
    page = editor.get(extract_url(source))
    row = {"selected": "on", "speaker": "Harbour Guild", "probability": "60%"}
    response = editor.post(extract_url(source), posted(page, **{"2": row}))
    errors = response.context["formset"].forms[2].errors
    assert errors == {"question_title": ["Needed to confirm this candidate."]}


@pytest.mark.django_db
def test_a_source_extraction_through_the_api_returns_the_sentences_to_check(
    editor: Client, source: Source
) -> None:
    response = editor.post(
        f"/api/sources/{source.pk}/extract/", {}, content_type="application/json"
    )
    assert response.status_code == 201
    assert [u["code"] for u in response.json()["to_check"]] == ["plan", "no_speaker", "not_read"]
