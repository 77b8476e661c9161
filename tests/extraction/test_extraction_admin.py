"""The admin's "Extract predictions" page: candidates with checkboxes, confirmed in one go."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from forecasts import services
from forecasts.models import Expert, Prediction, Question, Source, Topic
from tests.extraction_support import posted

pytestmark = pytest.mark.django_db

ARTICLE = (
    "Harbour Notes\n"
    "The harbour council met on Monday to discuss the new ferry timetable for the island.\n"
    "“The new pier will open by the end of 2027, and fares will probably fall next year,” "
    "said harbour engineer Lotte Brenner.\n"
    "The pier was damaged in a storm in January, and 40 boats were lost."
)


@pytest.fixture
def editor(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def source() -> Source:
    return Source.objects.create(
        title="Harbour notes", published_on=dt.date(2026, 3, 1), text=ARTICLE
    )


def extract_url(source: Source) -> str:
    return reverse("admin:forecasts_source_extract", args=[source.pk])


def test_the_source_page_has_the_extract_button(editor: Client, source: Source) -> None:
    page = editor.get(reverse("admin:forecasts_source_change", args=[source.pk]))
    assert extract_url(source).encode() in page.content
    assert b"Extract predictions" in page.content


def test_the_page_lists_candidates_unticked_with_editable_fields(
    editor: Client, source: Source
) -> None:
    page = editor.get(extract_url(source))
    assert page.status_code == 200
    forms = page.context["formset"].forms
    assert [f.initial["speaker"] for f in forms] == ["Lotte Brenner", "Lotte Brenner"]
    assert [f.initial["selected"] for f in forms] == [False, False]
    assert forms[1].initial["probability"] == "will probably"
    assert b"The new pier will open by the end of 2027" in page.content


def test_confirming_creates_expert_question_and_prediction_for_ticked_rows_only(
    editor: Client, source: Source, alice: User
) -> None:
    page = editor.get(extract_url(source))
    data = posted(
        page, **{"0": {"selected": "on", "question_title": "Will the pier open in 2027?"}}
    )
    response = editor.post(extract_url(source), data)
    assert response.status_code == 302
    prediction = Prediction.objects.get()
    assert prediction.expert.name == "Lotte Brenner"
    assert prediction.question.title == "Will the pier open in 2027?"
    assert prediction.question.deadline == dt.date(2027, 12, 31)
    assert (prediction.probability, prediction.basis) == (0.95, "bare_assertion")
    assert prediction.source == source
    assert prediction.recorded_by == alice
    assert prediction.made_on == source.published_on
    said = [str(m) for m in editor.get(response["Location"]).context["messages"]]
    assert said == ["Recorded 1 prediction from this source."]  # not "1 predictions"


def test_criteria_left_as_proposed_follow_an_edited_title_and_deadline(
    editor: Client, source: Source
) -> None:
    # The proposed criteria quote the proposed title: recorded as they were, they described
    # a question other than the one the editor wrote.
    page = editor.get(extract_url(source))
    edited = {"question_title": "Will the new island pier open to ferries by 2028?"}
    data = posted(page, **{"0": {"selected": "on", "deadline": "2028-06-30", **edited}})
    editor.post(extract_url(source), data)
    question = Prediction.objects.get().question
    assert "“Will the new island pier open to ferries by 2028?”" in question.resolution_criteria
    assert "by 30 June 2028" in question.resolution_criteria
    assert "Will the new pier open" not in question.resolution_criteria


def test_criteria_the_editor_wrote_are_recorded_as_written(editor: Client, source: Source) -> None:
    page = editor.get(extract_url(source))
    row = {"selected": "on", "question_title": "Will the pier open in 2027?"}
    row["resolution_criteria"] = "YES if the harbour office reports the pier open."
    editor.post(extract_url(source), posted(page, **{"0": row}))
    assert Prediction.objects.get().question.resolution_criteria == row["resolution_criteria"]


def test_an_existing_expert_and_question_are_matched_not_duplicated(
    editor: Client, source: Source
) -> None:
    expert = services.create_expert(name="Lotte Brenner")
    page = editor.get(extract_url(source))
    data = posted(page, **{"0": {"selected": "on"}, "1": {"selected": "on"}})
    question = services.create_question(
        title=data["candidate-0-question_title"],
        resolution_criteria="YES if it opens.",
        deadline=dt.date(2027, 12, 31),
    )
    editor.post(extract_url(source), data)
    assert Expert.objects.get() == expert
    assert Prediction.objects.filter(question=question).count() == 1
    assert Question.objects.count() == 2


def test_a_confirmed_candidate_gives_its_new_question_the_topics_typed(
    editor: Client, source: Source
) -> None:
    transport = services.get_or_create_topic(name="Transport")
    page = editor.get(extract_url(source))
    assert b'name="candidate-0-topics"' in page.content
    row = {"selected": "on", "question_title": "Will the pier open in 2027?"}
    data = posted(page, **{"0": {**row, "topics": "transport, Island ferries"}})
    assert editor.post(extract_url(source), data).status_code == 302
    question = Prediction.objects.get().question
    assert sorted(question.topics.values_list("name", flat=True)) == ["Island ferries", "Transport"]
    assert question.topics.get(name="Transport") == transport


def test_a_topic_name_with_a_comma_is_typed_in_double_quotes(
    editor: Client, source: Source
) -> None:
    page = editor.get(extract_url(source))
    row = {"selected": "on", "question_title": "Will the pier open in 2027?"}
    typed = "“Ports, ferries and piers”, Island life"  # curly quotes, as a word processor types
    data = posted(page, **{"0": {**row, "topics": typed}})
    assert editor.post(extract_url(source), data).status_code == 302
    question = Prediction.objects.get().question
    assert sorted(question.topics.values_list("name", flat=True)) == [
        "Island life",
        "Ports, ferries and piers",
    ]


def test_topics_of_a_candidate_attached_to_an_existing_question_leave_its_topics_alone(
    editor: Client, source: Source
) -> None:
    question = services.create_question(
        title="Will the harbour pier reopen by the end of 2027?",
        resolution_criteria="YES if it opens.",
        deadline=dt.date(2027, 12, 31),
        topics=[services.get_or_create_topic(name="Transport")],
    )
    page = editor.get(extract_url(source))
    attached = {"selected": "on", "attach_to": str(question.pk), "topics": "Island ferries"}
    new = {"selected": "on", "topics": "Fares"}
    response = editor.post(extract_url(source), posted(page, **{"0": attached, "1": new}))
    assert response.status_code == 302
    first, second = Prediction.objects.order_by("pk")
    assert first.question == question
    assert list(question.topics.values_list("name", flat=True)) == ["Transport"]
    assert list(second.question.topics.values_list("name", flat=True)) == ["Fares"]
    assert not Topic.objects.filter(name="Island ferries").exists()


def test_one_refused_row_records_nothing(editor: Client, source: Source) -> None:
    page = editor.get(extract_url(source))
    data = posted(
        page,
        **{"0": {"selected": "on"}, "1": {"selected": "on", "deadline": "2026-01-01"}},
    )
    response = editor.post(extract_url(source), data, follow=True)
    assert Prediction.objects.count() == 0
    assert Question.objects.count() == 0
    assert b"Nothing was recorded" in response.content


def test_a_ticked_row_needs_a_probability(editor: Client, source: Source) -> None:
    page = editor.get(extract_url(source))
    data = posted(page, **{"0": {"selected": "on", "probability": ""}})
    response = editor.post(extract_url(source), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["probability"]
    assert Prediction.objects.count() == 0


def test_pasted_text_is_kept_on_the_source(editor: Client) -> None:
    source = Source.objects.create(title="Empty", published_on=dt.date(2026, 3, 1))
    response = editor.post(extract_url(source), {"read_article": "1", "text": ARTICLE})
    assert response.status_code == 302
    source.refresh_from_db()
    assert "Lotte Brenner" in source.text


def test_bad_pasted_text_shows_the_reason(editor: Client) -> None:
    source = Source.objects.create(title="Empty")
    response = editor.post(extract_url(source), {"read_article": "1", "text": "Too short."})
    assert response.status_code == 200
    assert b"does not look like an article" in response.content


def test_reviewers_cannot_open_the_page(client: Client, bob: User, source: Source) -> None:
    client.force_login(bob)
    assert client.get(extract_url(source)).status_code == 403


def test_a_candidate_that_needs_editing_says_why_and_is_refused_unedited(
    editor: Client,
) -> None:
    text = ARTICLE + "\n“This will change everything for the island,” Brenner added."
    source = Source.objects.create(title="Notes", published_on=dt.date(2026, 3, 1), text=text)
    page = editor.get(extract_url(source))
    assert b"Needs editing:" in page.content
    assert b"its subject needs the article to be understood" in page.content
    flagged = len(page.context["formset"].forms) - 1
    response = editor.post(extract_url(source), posted(page, **{str(flagged): {"selected": "on"}}))
    assert response.status_code == 200
    assert b"needs editing" in response.content
    assert Prediction.objects.count() == 0
    title = "Will ferry traffic to the island double by 1 March 2027?"
    rewritten = {str(flagged): {"selected": "on", "question_title": title}}
    assert editor.post(extract_url(source), posted(page, **rewritten)).status_code == 302
    assert Prediction.objects.get().question.title == title
