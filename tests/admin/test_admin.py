"""The editors' admin: recording, correcting and browsing predictions and questions."""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from forecasts import services
from forecasts.models import Expert, Prediction, Question, QuestionRevision, Topic
from tests.builders import ADD_PREDICTION, form_errors, record_data


def change_url(obj: Prediction | Question) -> str:
    return reverse(f"admin:forecasts_{obj._meta.model_name}_change", args=[obj.pk])


def posted_back(response: Any, **changes: Any) -> dict:
    """What a browser posts from an admin change page: every field as shown, plus changes."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
    return {**data, **changes}


@pytest.fixture
def editor(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def prediction(expert: Expert, question: Question, alice: User, today: dt.date) -> Prediction:
    return services.record_prediction(
        expert=expert,
        question=question,
        probability="is confident that",
        made_on=today,
        quote="I am confident the toll goes.",
        recorded_by=alice,
    )


# --- Recording ------------------------------------------------------------------------------


def test_editor_records_prediction_from_a_phrase(editor, alice, expert, question, today):
    response = editor.post(reverse(ADD_PREDICTION), record_data(expert, question, today))

    assert response.status_code == 302
    prediction = Prediction.objects.get()
    assert prediction.probability == 0.8
    assert prediction.basis == "verbal"
    assert prediction.phrase == "is confident that"
    assert prediction.table_version == "v2"
    assert prediction.recorded_by == alice
    assert prediction.quote == "The toll will go, I am confident of it."


@pytest.mark.parametrize("typed", ["70%", "0.7"])
def test_editor_records_prediction_from_a_number(editor, expert, question, today, typed):
    data = record_data(expert, question, today, probability_input=typed)

    assert editor.post(reverse(ADD_PREDICTION), data).status_code == 302
    prediction = Prediction.objects.get()
    assert (prediction.probability, prediction.basis) == (0.7, "stated")
    assert prediction.phrase == typed


def test_editor_creates_the_question_from_the_prediction_form(editor, alice, expert, today):
    topic = Topic.objects.create(name="Transport", slug="transport")
    data = record_data(
        expert,
        None,
        today,
        new_question_title="Will the ferry line reopen by the deadline?",
        new_question_criteria="YES if a scheduled ferry sails; NO otherwise.",
        new_question_deadline=(today + dt.timedelta(days=90)).isoformat(),
        new_question_topics=[topic.pk],
    )

    assert editor.post(reverse(ADD_PREDICTION), data).status_code == 302
    prediction = Prediction.objects.select_related("question").get()
    question = prediction.question
    assert question.title == "Will the ferry line reopen by the deadline?"
    assert question.created_by == alice
    assert list(question.topics.all()) == [topic]
    assert question.revisions.get().version == 1


def test_unknown_phrase_is_refused_with_near_matches(editor, expert, question, today):
    data = record_data(expert, question, today, probability_input="is confdent that")

    response = editor.post(reverse(ADD_PREDICTION), data)

    assert response.status_code == 200
    message = " ".join(form_errors(response)["probability_input"])
    assert "is confdent that" in message
    assert "is confident that" in message
    assert not Prediction.objects.exists()


def test_prediction_made_after_the_deadline_is_refused(editor, expert, question):
    late = question.deadline + dt.timedelta(days=1)

    response = editor.post(reverse(ADD_PREDICTION), record_data(expert, question, late))

    assert response.status_code == 200
    assert "after the question's deadline" in " ".join(form_errors(response)["made_on"])
    assert not Prediction.objects.exists()


def test_refused_prediction_leaves_no_new_question_behind(editor, expert, today):
    data = record_data(
        expert,
        None,
        today,
        new_question_title="Will the ferry line reopen?",
        new_question_criteria="YES if a scheduled ferry sails.",
        new_question_deadline=(today - dt.timedelta(days=1)).isoformat(),
    )

    response = editor.post(reverse(ADD_PREDICTION), data)

    assert "made_on" in form_errors(response)
    assert not Question.objects.exists()


def test_a_question_must_be_chosen_or_described(editor, expert, today):
    response = editor.post(reverse(ADD_PREDICTION), record_data(expert, None, today))

    assert "Choose a question" in " ".join(form_errors(response)["question"])


def test_choosing_a_question_and_describing_one_is_refused(editor, expert, question, today):
    data = record_data(expert, question, today, new_question_title="Another question?")

    response = editor.post(reverse(ADD_PREDICTION), data)

    assert "not both" in " ".join(form_errors(response)["__all__"])
    assert not Prediction.objects.exists()


def test_add_form_is_prefilled_with_the_question_and_today(editor, question, today):
    response = editor.get(reverse(ADD_PREDICTION), {"question": question.pk})

    form = response.context["adminform"].form
    assert str(form["question"].value()) == str(question.pk)
    assert form["made_on"].value() == today
    assert b"forecasts/admin/probability_preview.js" in response.content
    assert b"data-preview-url" in response.content


# --- Correcting -----------------------------------------------------------------------------


def test_changing_the_probability_without_a_reason_is_refused(editor, prediction):
    before = model_to_dict(prediction)
    page = editor.get(change_url(prediction))

    response = editor.post(change_url(prediction), posted_back(page, probability_input="0.3"))

    assert response.status_code == 200
    message = " ".join(form_errors(response)["__all__"])
    assert "not edited in place" in message
    assert "Reason for correction" in message
    assert "new version" in message
    assert Prediction.objects.count() == 1
    prediction.refresh_from_db()
    assert model_to_dict(prediction) == before


def test_correction_with_a_reason_records_a_new_version(editor, alice, prediction):
    before = model_to_dict(prediction, exclude=["superseded_at"])
    page = editor.get(change_url(prediction))
    data = posted_back(page, probability_input="0.3", reason="Misread: he said 30%.")

    response = editor.post(change_url(prediction), data, follow=True)

    corrected = Prediction.objects.get(supersedes=prediction)
    assert response.redirect_chain[-1][0] == change_url(corrected)
    assert "Recorded version 2" in response.content.decode()
    assert (corrected.version, corrected.probability, corrected.basis) == (2, 0.3, "stated")
    assert corrected.recorded_by == alice
    assert corrected.correction_reason == "Misread: he said 30%."
    prediction.refresh_from_db()
    assert prediction.superseded_at is not None
    assert model_to_dict(prediction, exclude=["superseded_at"]) == before


def test_change_page_shows_every_version(editor, carol, prediction):
    corrected = services.correct_prediction(
        prediction=prediction,
        reason="Wrong date.",
        corrected_by=carol,
        made_on=prediction.made_on - dt.timedelta(days=2),
    )

    page = editor.get(change_url(corrected)).content.decode()

    history = page[page.index('id="version-history"') :]
    assert "is confident that → 80%" in history
    assert "Wrong date." in history
    assert "alice" in history
    assert "carol" in history
    assert f'href="{change_url(prediction)}"' in history


def test_superseded_version_is_read_only_and_points_to_the_latest(editor, prediction):
    corrected = services.correct_prediction(
        prediction=prediction, reason="Typo.", probability="0.75"
    )

    page = editor.get(change_url(prediction))

    assert page.status_code == 200
    assert "Open the latest version" in page.content.decode()
    assert f'href="{change_url(corrected)}"' in page.content.decode()
    response = editor.post(change_url(prediction), {"probability_input": "0.1", "reason": "x"})
    assert response.status_code == 403


def test_saving_an_unchanged_prediction_records_nothing(editor, prediction):
    page = editor.get(change_url(prediction))

    response = editor.post(change_url(prediction), posted_back(page), follow=True)

    assert "Nothing changed" in response.content.decode()
    assert Prediction.objects.count() == 1


def test_same_number_in_other_words_is_not_a_correction(editor, prediction):
    page = editor.get(change_url(prediction))
    data = posted_back(page, probability_input="very good chance", reason="Other words.")

    response = editor.post(change_url(prediction), data)

    assert "already recorded" in " ".join(form_errors(response)["probability_input"])
    assert Prediction.objects.count() == 1


def test_predictions_cannot_be_deleted(client, carol, prediction):
    client.force_login(carol)

    delete_url = reverse("admin:forecasts_prediction_delete", args=[prediction.pk])
    assert client.get(delete_url).status_code == 403
    changelist = client.get(reverse("admin:forecasts_prediction_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert Prediction.objects.filter(pk=prediction.pk).exists()


# --- Questions ------------------------------------------------------------------------------


def test_editor_creates_a_question_with_its_first_revision(editor, alice, today):
    data = {
        "title": "Will the library open on Sundays?",
        "resolution_criteria": "YES if Sunday hours are published; NO otherwise.",
        "deadline": (today + dt.timedelta(days=60)).isoformat(),
        "consensus_probability": "",
        "consensus_source": "",
    }

    assert editor.post(reverse("admin:forecasts_question_add"), data).status_code == 302
    question = Question.objects.get()
    assert question.created_by == alice
    assert question.revisions.get().version == 1


def test_moving_a_deadline_without_a_reason_is_refused(editor, question):
    page = editor.get(change_url(question))
    later = question.deadline + dt.timedelta(days=30)

    response = editor.post(change_url(question), posted_back(page, deadline=later.isoformat()))

    assert response.status_code == 200
    assert "Say why" in " ".join(form_errors(response)["reason"])
    question.refresh_from_db()
    assert question.version == 1
    assert question.deadline == later - dt.timedelta(days=30)


def test_moving_a_deadline_with_a_reason_records_revision_two(editor, alice, question):
    page = editor.get(change_url(question))
    later = question.deadline + dt.timedelta(days=30)
    data = posted_back(page, deadline=later.isoformat(), reason="Council vote postponed.")

    assert editor.post(change_url(question), data).status_code == 302
    revision = QuestionRevision.objects.get(question=question, version=2)
    assert (revision.deadline, revision.reason, revision.changed_by) == (
        later,
        "Council vote postponed.",
        alice,
    )
    question.refresh_from_db()
    assert (question.version, question.deadline) == (2, later)


def test_question_page_lists_its_predictions_and_offers_to_add_one(editor, question, prediction):
    page = editor.get(change_url(question)).content.decode()

    assert "is confident that → 80%" in page
    assert f"{reverse(ADD_PREDICTION)}?question={question.pk}" in page
    assert "Created." in page  # revision 1 in the history inline


def test_question_status_is_not_editable(editor, question):
    page = editor.get(change_url(question))

    assert "status" not in page.context["adminform"].form.fields
    assert "outcome" not in page.context["adminform"].form.fields


# --- Experts --------------------------------------------------------------------------------


def test_experts_added_in_the_admin_get_a_free_slug(editor, expert):
    data = {"name": "Vera Ostrova", "affiliation": "", "bio": "", "links": "[]"}

    assert editor.post(reverse("admin:forecasts_expert_add"), data).status_code == 302
    assert set(Expert.objects.values_list("slug", flat=True)) == {"vera-ostrova", "vera-ostrova-2"}


# --- Browsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("prediction", ""),
        ("prediction", "?question__status__exact=open&deadline_passed=no&basis__exact=verbal"),
        ("prediction", "?version_state=current&deadline_passed=yes&q=vera"),
        ("prediction", "?made_on__year=2026"),
        ("question", "?status__exact=open&deadline_passed=yes&q=toll"),
        ("expert", "?q=vera"),
        ("source", "?kind__exact=article&q=times"),
        ("topic", "?q=caucasus"),
        ("review", ""),
        ("reviewassignment", ""),
        ("trackrecord", ""),
        ("predictionscore", ""),
    ],
)
def test_list_pages_work_for_an_editor(editor, prediction, name, query):
    response = editor.get(reverse(f"admin:forecasts_{name}_changelist") + query)

    assert response.status_code == 200


def test_prediction_list_shows_the_phrase_with_its_number(editor, prediction):
    response = editor.get(reverse("admin:forecasts_prediction_changelist") + "?q=vera")

    assert "is confident that → 80%" in response.content.decode()


@pytest.mark.parametrize(
    ("field_name", "term", "expected"),
    [
        ("expert", "ver", "Vera Ostrova"),
        ("question", "toll", "Will the Harbour Bridge toll be abolished by the deadline?"),
        ("source", "harbour", "Harbour Times: Toll debate"),
    ],
)
def test_prediction_form_autocompletes(editor, expert, question, field_name, term, expected):
    services.get_or_create_source(title="Toll debate", outlet="Harbour Times")
    query = {"app_label": "forecasts", "model_name": "prediction", "field_name": field_name}

    response = editor.get("/admin/autocomplete/", {**query, "term": term})

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [expected]


def test_derived_rows_cannot_be_added_by_hand(client, carol):
    client.force_login(carol)

    assert client.get(reverse("admin:forecasts_review_add")).status_code == 403
    assert client.get(reverse("admin:forecasts_trackrecord_add")).status_code == 403


# --- The probability preview ----------------------------------------------------------------

PREVIEW = "admin:forecasts_prediction_probability_preview"


def test_preview_gives_the_number_a_phrase_maps_to(editor):
    response = editor.get(reverse(PREVIEW), {"text": "is confident that"})

    assert response.json() == {
        "probability": 0.8,
        "basis": "verbal",
        "phrase": "is confident that",
        "table_version": "v2",
        "shown": "80%",
    }


def test_preview_explains_an_unknown_phrase(editor):
    response = editor.get(reverse(PREVIEW), {"text": "is confdent that"})

    assert "is confident that" in response.json()["error"]


def test_preview_is_for_staff_only(client):
    response = client.get(reverse(PREVIEW), {"text": "70%"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", ["expert", "question"])
def test_prediction_counts_link_to_exactly_those_predictions(editor, prediction, name):
    from tests.builders import forecast, make_question

    someone = services.create_expert(name="Someone Else")
    forecast(someone, make_question("Will another thing?"), 0.3)
    forecast(prediction.expert, make_question("Will a third thing?"), 0.6)
    services.correct_prediction(prediction=prediction, reason="Misheard.", probability=0.55)
    owner = getattr(prediction, name)
    current = Prediction.objects.current().filter(**{name: owner}).order_by("-id")
    listing = editor.get(reverse(f"admin:forecasts_{name}_changelist")).content.decode()
    link = f"?{name}__id__exact={owner.pk}&amp;version_state=current"
    assert f'{link}">{current.count()}</a>' in listing  # the corrected one counted once

    narrowed = editor.get(
        reverse("admin:forecasts_prediction_changelist") + link.replace("&amp;", "&")
    )
    assert narrowed.status_code == 200
    assert list(narrowed.context["cl"].result_list) == list(current)
