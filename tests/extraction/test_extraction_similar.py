"""Extraction confirm offers the similar open questions beside each candidate, can attach a
candidate to one instead of creating a question, matches speakers by alias, and refuses a
claim already on record (the lead's browser journey, without a browser)."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from forecasts.extraction import drafts
from forecasts.models import Expert, Prediction, Question, Source
from forecasts.services import create_expert
from tests.builders import make_question
from tests.extraction_support import posted

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Harbour Notes\n"
    "The harbour council met on Monday to discuss the new ferry timetable for the island.\n"
    "“The new pier will open by the end of 2027, and fares will probably fall next year,” "
    "said harbour engineer Lotte Brenner.\n"
    "Economist Ruben Megrabyan said the island's tourism revenue will likely double by 2028.\n"
    "The pier was damaged in a storm in January, and 40 boats were lost."
)


@pytest.fixture
def source() -> Source:
    return Source.objects.create(
        title="Harbour notes", published_on=dt.date(2026, 3, 1), text=ARTICLE
    )


@pytest.fixture
def pier() -> Question:
    return make_question(
        "Will the new harbour pier open by the end of 2027?", deadline=dt.date(2027, 12, 31)
    )


@pytest.fixture
def editor(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def test_three_candidates_confirmed_in_one_pass_one_attached_to_a_similar_question(
    editor: Client, source: Source, pier: Question
) -> None:
    economist = create_expert(name="Ruben Mehrabyan", aliases=["Ruben Megrabyan"])
    url = reverse("admin:forecasts_source_extract", args=[source.pk])
    page = editor.get(url)
    offered = [similar for _form, _candidate, similar in page.context["rows"]]
    assert [s.question for s in offered[0]] == [pier]  # the pier candidate, and only it
    assert b"Similar open questions" in page.content
    ticked = {str(i): {"selected": "on"} for i in range(3)}
    ticked["0"]["attach_to"] = str(pier.pk)
    done = editor.post(url, posted(page, **ticked))
    assert done.status_code == 302, done.context and done.context["messages"]
    recorded = Prediction.objects.order_by("id")
    assert recorded.count() == 3
    assert recorded[0].question == pier
    assert not Question.objects.filter(title__icontains="new pier open").exclude(pk=pier.pk)
    assert recorded[2].expert == economist  # found by its alias, no second expert
    assert Expert.objects.count() == 2


def test_confirming_the_same_claims_again_records_nothing(editor: Client, source: Source) -> None:
    url = reverse("admin:forecasts_source_extract", args=[source.pk])
    page = editor.get(url)
    editor.post(url, posted(page, **{"0": {"selected": "on"}}))
    again = editor.post(url, posted(page, **{"0": {"selected": "on"}}), follow=True)
    assert Prediction.objects.count() == 1
    assert "already has this claim" in again.content.decode()


def test_attaching_needs_an_open_question(source: Source, pier: Question, alice) -> None:
    row = drafts.ConfirmedCandidate(
        speaker="Lotte Brenner",
        question_title="",
        resolution_criteria="",
        deadline=None,
        probability="70%",
        quote="",
        question_id=pier.pk + 1000,
    )
    with pytest.raises(drafts.ValidationError, match="not an open question"):
        drafts.confirm_candidates(source=source, rows=[row], user=alice)


def test_api_confirm_attaches_a_draft_to_a_question(
    api_as, alice, source: Source, pier: Question
) -> None:
    client = api_as(alice)
    saved = client.post(f"/api/sources/{source.pk}/extract/", {}, format="json").json()
    draft = saved["candidates"][0]["draft_id"]
    body = {"drafts": [{"draft_id": draft, "question": pier.pk}]}
    done = client.post(f"/api/sources/{source.pk}/extract/confirm/", body, format="json")
    assert done.status_code == 201, done.json()
    assert done.json()["predictions"][0]["question"] == pier.pk
