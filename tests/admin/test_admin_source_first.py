"""One article, one pass: the source-first screen, the ways into it, and "Save and add
another" keeping what the next prediction from the same article shares."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from forecasts import services
from forecasts.models import Expert, LedgerEntry, Prediction, Question, Source, Topic
from tests.builders import ADD_PREDICTION, record_data

pytestmark = pytest.mark.django_db
LOG = "admin:forecasts_source_log"
SAID_ON = dt.date(2026, 3, 3)
PIPELINE = "Will the Trans-Valley pipeline be completed before 1 January 2028?"
LAILA = "Laila Haddad"
TARIFF = "Will the regional regulator approve the tariff increase by 30 September 2026?"


@pytest.fixture
def editor(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


@pytest.fixture
def source() -> Source:
    return Source.objects.create(
        title="Energy hour", outlet="Radio Meridian", kind="broadcast", published_on=SAID_ON
    )


def management(total: int, initial: int = 0) -> dict:
    return {
        "row-TOTAL_FORMS": str(total),
        "row-INITIAL_FORMS": str(initial),
        "row-MIN_NUM_FORMS": "0",
        "row-MAX_NUM_FORMS": "1000",
    }


def rows(*typed: dict, total: int = 3) -> dict:
    data = management(total)
    for index, row in enumerate(typed):
        data.update({f"row-{index}-{name}": value for name, value in row.items()})
    return data


def new_question(title: str, deadline: str, probability: str, **extra: str) -> dict:
    return {
        "title": title,
        "resolution_criteria": "YES if it happens by the deadline; NO otherwise.",
        "deadline": deadline,
        "probability": probability,
        **extra,
    }


def test_two_predictions_from_one_new_source_in_one_post(editor, alice):
    data = {
        "source-kind": "broadcast",
        "source-title": "Energy hour",
        "source-outlet": "Radio Meridian",
        "source-published_on": SAID_ON.isoformat(),
        **rows(
            new_question(PIPELINE, "2027-12-31", "almost certainly not", expert_name=LAILA),
            new_question(TARIFF, "2026-09-30", "30%"),  # no expert: the row above's
        ),
        "_save": "Save",
    }
    response = editor.post(reverse(LOG), data)

    assert response.status_code == 302, response.context["rows"].errors
    source = Source.objects.get()
    assert response["Location"].endswith(f"?source__id__exact={source.pk}")
    predictions = list(Prediction.objects.order_by("pk"))
    assert [p.expert.name for p in predictions] == ["Laila Haddad", "Laila Haddad"]
    assert Expert.objects.count() == 1
    assert [p.question.title for p in predictions] == [PIPELINE, TARIFF]
    assert [p.probability for p in predictions] == [0.02, 0.3]
    assert {(p.made_on, p.source_id, p.recorded_by_id) for p in predictions} == {
        (SAID_ON, source.pk, alice.pk)
    }
    # Recorded like the Add-prediction form records: chained in the ledger, questions revised.
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PREDICTION).count() == 2
    assert all(q.revisions.count() == 1 for q in Question.objects.all())


def test_a_refused_row_records_nothing_and_says_which_row(editor, source):
    data = rows(
        new_question(PIPELINE, "2027-12-31", "is confident that", expert_name="Laila Haddad"),
        new_question(TARIFF, "2026-01-01", "30%"),  # deadline before the source's date
    )
    response = editor.post(reverse(LOG, args=[source.pk]), data)

    assert response.status_code == 200
    forms = response.context["rows"].forms
    assert not forms[0].errors
    assert "after the question's deadline" in " ".join(forms[1].errors["made_on"])
    assert 'id="row-2"' in response.content.decode()
    assert not Prediction.objects.exists()
    assert not Question.objects.exists()
    assert not Expert.objects.exists()


def test_one_new_question_typed_on_two_rows_is_one_question(editor, source):
    data = rows(
        new_question(PIPELINE, "2027-12-31", "10%", expert_name="Laila Haddad"),
        new_question(
            PIPELINE.upper().replace("?", " ?"), "2027-12-31", "40%", expert_name="Omar Nasr"
        ),
    )
    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    question = Question.objects.get()
    assert sorted(p.expert.name for p in question.predictions.all()) == [LAILA, "Omar Nasr"]


def test_another_sign_makes_another_question(editor, source):
    below = "Will growth be below 1% in 2026?"
    data = rows(
        new_question(below, "2026-12-31", "10%", expert_name="Laila Haddad"),
        new_question(below.replace("1%", "-1%"), "2026-12-31", "20%"),
    )
    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    assert Question.objects.count() == 2


def test_the_same_title_and_deadline_with_other_criteria_is_refused_not_a_twin(editor, source):
    # Two questions a reader could not tell apart: the title has to say what differs.
    below = "Will growth be below 1% in 2026?"
    data = rows(
        new_question(below, "2026-12-31", "10%", expert_name="Laila Haddad"),
        new_question(below, "2026-12-31", "30%", expert_name="Omar Nasr")
        | {"resolution_criteria": "YES if the statistics office's first estimate says so."},
    )
    response = editor.post(reverse(LOG, args=[source.pk]), data)
    assert response.status_code == 200
    assert "already on record, with the same title and deadline" in response.content.decode()
    assert not Question.objects.exists()


def test_one_speakers_claim_typed_on_two_rows_is_refused_as_a_duplicate(editor, source):
    data = rows(
        new_question(PIPELINE, "2027-12-31", "10%", expert_name="Laila Haddad"),
        new_question(PIPELINE, "2027-12-31", "15%"),  # the row above's expert
    )
    response = editor.post(reverse(LOG, args=[source.pk]), data)
    assert response.status_code == 200
    assert "already has this claim from this source" in str(
        response.context["rows"].forms[1].errors
    )
    assert not Prediction.objects.exists()


def test_a_row_needs_an_expert_and_a_probability(editor, source):
    data = rows(new_question(PIPELINE, "2027-12-31", ""))
    response = editor.post(reverse(LOG, args=[source.pk]), data)
    errors = response.context["rows"].forms[0].errors
    assert "Give a probability" in " ".join(errors["probability"])

    data = rows(new_question(PIPELINE, "2027-12-31", "30%"))
    response = editor.post(reverse(LOG, args=[source.pk]), data)
    errors = response.context["rows"].forms[0].errors
    assert "type a new expert's name" in " ".join(errors["expert"])
    assert not Prediction.objects.exists()


def test_an_existing_expert_and_question_are_picked(editor, source):
    expert = services.create_expert(name="Laila Haddad")
    question = services.create_question(
        title=PIPELINE, resolution_criteria="YES if completed.", deadline=dt.date(2027, 12, 31)
    )
    data = rows({"expert": str(expert.pk), "question": str(question.pk), "probability": "0.1"})

    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    prediction = Prediction.objects.get()
    assert (prediction.expert, prediction.question, prediction.made_on) == (
        expert,
        question,
        SAID_ON,
    )


def topic_names(question: Question) -> list[str]:
    return sorted(question.topics.values_list("name", flat=True))


def test_a_new_question_gets_the_topics_typed_on_its_row(editor, source):
    energy = services.get_or_create_topic(name="Energy")
    typed = new_question(
        PIPELINE, "2027-12-31", "0.1", expert_name=LAILA, topics=" south  caucasus, ENERGY ,"
    )
    response = editor.post(reverse(LOG, args=[source.pk]), rows(typed))

    assert response.status_code == 302, response.context["rows"].errors
    question = Prediction.objects.get().question
    assert topic_names(question) == ["Energy", "south caucasus"]
    assert question.topics.get(name="Energy") == energy  # matched, case aside
    assert question.revisions.get().topic_ids == sorted(
        question.topics.values_list("pk", flat=True)
    )


def test_a_question_typed_on_two_rows_gets_the_topics_of_both(editor, source):
    data = rows(
        new_question(PIPELINE, "2027-12-31", "10%", expert_name=LAILA, topics="Energy"),
        new_question(PIPELINE, "2027-12-31", "40%", expert_name="Omar Nasr", topics="Gas"),
    )
    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    assert topic_names(Question.objects.get()) == ["Energy", "Gas"]


def test_a_topic_name_without_letters_is_refused_on_its_row(editor, source):
    typed = new_question(PIPELINE, "2027-12-31", "0.1", expert_name=LAILA, topics="Energy, 2027")
    response = editor.post(reverse(LOG, args=[source.pk]), rows(typed))

    assert "needs at least one letter" in " ".join(
        response.context["rows"].forms[0].errors["topics"]
    )
    assert not Topic.objects.exists()
    assert not Prediction.objects.exists()


def test_a_refused_row_leaves_no_new_topic_behind_and_keeps_what_was_typed(editor, source):
    data = rows(
        new_question(PIPELINE, "2027-12-31", "0.1", expert_name=LAILA, topics="Pipelines"),
        new_question(TARIFF, "2026-01-01", "30%"),  # deadline before the source's date
    )
    response = editor.post(reverse(LOG, args=[source.pk]), data)
    assert response.status_code == 200
    assert not Topic.objects.exists()
    assert 'name="row-0-topics" value="Pipelines"' in response.content.decode()


def test_topics_on_a_row_with_an_existing_question_leave_its_topics_alone(editor, source):
    question = services.create_question(
        title=PIPELINE,
        resolution_criteria="YES if completed.",
        deadline=dt.date(2027, 12, 31),
        topics=[services.get_or_create_topic(name="Energy")],
    )
    data = rows(
        {"expert_name": LAILA, "question": str(question.pk), "probability": "0.1"}
        | {"topics": "Gas, Transport"},
        new_question(TARIFF, "2026-09-30", "30%", topics="Regulation"),
    )
    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    first, second = Prediction.objects.order_by("pk")
    assert first.question == question
    assert topic_names(question) == ["Energy"]
    assert question.revisions.count() == 1
    assert topic_names(second.question) == ["Regulation"]  # the new question's row
    assert sorted(Topic.objects.values_list("name", flat=True)) == ["Energy", "Regulation"]


def test_a_typed_name_of_a_recorded_expert_is_that_expert(editor, source):
    expert = services.create_expert(name="Laila Haddad")
    data = rows(new_question(PIPELINE, "2027-12-31", "0.1", expert_name="  laila   haddad "))
    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    assert Prediction.objects.get().expert == expert


def test_save_and_log_more_keeps_the_expert_and_made_on(editor, source):
    data = {
        **rows(
            new_question(PIPELINE, "2027-12-31", "0.1", expert_name=LAILA, made_on="2026-03-04")
        ),
        "_addanother": "1",
    }
    response = editor.post(reverse(LOG, args=[source.pk]), data)
    expert = Expert.objects.get()
    assert response["Location"] == (
        reverse(LOG, args=[source.pk]) + f"?expert={expert.pk}&made_on=2026-03-04"
    )
    page = editor.get(response["Location"])
    first = page.context["rows"].forms[0]
    assert str(first["expert"].value()) == str(expert.pk)
    assert str(first["made_on"].value()) == "2026-03-04"
    assert "Laila Haddad" in str(first["expert"])  # the autocomplete shows the kept expert


def test_a_new_source_needs_a_title_or_url(editor):
    data = rows(new_question(PIPELINE, "2027-12-31", "0.1", expert_name="Laila Haddad"))
    response = editor.post(reverse(LOG), {**data, "source-kind": "article"})
    assert "give a new one's title or URL" in " ".join(response.context["pick"].non_field_errors())
    assert not Prediction.objects.exists()


def test_the_add_prediction_form_keeps_expert_source_and_made_on_for_the_next(
    editor, expert, question, source
):
    data = record_data(expert, question, SAID_ON, source=str(source.pk), _addanother="1")
    response = editor.post(reverse(ADD_PREDICTION), data)

    assert response.status_code == 302
    next_page = editor.get(response["Location"])
    form = next_page.context["adminform"].form
    assert str(form["expert"].value()) == str(expert.pk)
    assert str(form["source"].value()) == str(source.pk)
    assert str(form["made_on"].value()) == SAID_ON.isoformat()
    assert not form["question"].value()


@pytest.mark.parametrize(
    "page",
    [
        "admin:index",
        "admin:forecasts_source_changelist",
        ADD_PREDICTION,
    ],
)
def test_log_and_extract_are_reachable_from(editor, page):
    html = editor.get(reverse(page)).content.decode()
    assert reverse(LOG) in html
    assert reverse("admin:forecasts_source_extract_new") in html


def test_a_source_page_leads_to_logging_from_it(editor, source):
    html = editor.get(reverse("admin:forecasts_source_change", args=[source.pk])).content.decode()
    assert reverse(LOG, args=[source.pk]) in html


def test_reviewers_cannot_open_the_screen(client, bob, source):
    client.force_login(bob)
    assert client.get(reverse(LOG, args=[source.pk])).status_code == 403


# --- Similar open questions offered on a row ------------------------------------------------

PIPELINE_AGAIN = "Will the Trans-Valley pipeline be finished before 1 January 2028?"


@pytest.fixture
def open_pipeline() -> Question:
    """Already in the ledger, in other words than the row's PIPELINE."""
    return services.create_question(
        title=PIPELINE_AGAIN,
        resolution_criteria="YES if gas flows end to end.",
        deadline=dt.date(2027, 12, 31),
    )


def two_rows(**first: str) -> dict:
    return rows(
        new_question(PIPELINE, "2027-12-31", "0.1", expert_name=LAILA, **first),
        new_question(TARIFF, "2026-09-30", "30%"),
    )


def test_a_row_like_an_open_question_is_refused_once_with_it_offered_on_the_row(
    editor, source, open_pipeline
):
    response = editor.post(reverse(LOG, args=[source.pk]), two_rows())

    assert response.status_code == 200
    first, second = response.context["rows"].forms[:2]
    assert [s.question for s in first.similar_offered] == [open_pipeline]
    assert f"#{open_pipeline.pk}" in " ".join(first.errors["question"])
    assert "None of these" in " ".join(first.errors["question"])
    assert not second.errors
    assert not second.similar_offered
    html = response.content.decode()
    assert f'name="row-0-attach_to" value="{open_pipeline.pk}"' in html
    assert 'name="row-0-confirm_new_question"' in html
    assert "offered on row 1." in " ".join(str(m) for m in response.context["messages"])
    assert not Prediction.objects.exists()
    assert Question.objects.count() == 1


def test_picking_the_offered_question_attaches_the_row_to_it(editor, source, open_pipeline):
    data = two_rows(attach_to=str(open_pipeline.pk))
    response = editor.post(reverse(LOG, args=[source.pk]), data)

    assert response.status_code == 302, response.context["rows"].errors
    first, second = Prediction.objects.order_by("pk")
    assert first.question == open_pipeline
    assert second.question.title == TARIFF
    assert Question.objects.count() == 2  # the typed pipeline title made no question


def test_topics_on_a_row_attached_to_an_offered_question_leave_its_topics_alone(
    editor, source, open_pipeline
):
    data = rows(
        new_question(
            PIPELINE, "2027-12-31", "0.1", expert_name=LAILA, attach_to=str(open_pipeline.pk)
        )
        | {"topics": "Energy"},
        new_question(TARIFF, "2026-09-30", "30%", topics="Regulation"),
    )
    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    first, second = Prediction.objects.order_by("pk")
    assert first.question == open_pipeline
    assert not open_pipeline.topics.exists()
    assert topic_names(second.question) == ["Regulation"]
    assert list(Topic.objects.values_list("name", flat=True)) == ["Regulation"]


def test_none_of_these_records_the_new_question(editor, source, open_pipeline):
    data = two_rows(confirm_new_question="on")
    assert editor.post(reverse(LOG, args=[source.pk]), data).status_code == 302
    assert Question.objects.filter(title=PIPELINE).exists()
    assert Prediction.objects.count() == 2


def test_a_pick_is_kept_when_another_row_is_refused(editor, source, open_pipeline):
    data = rows(
        new_question(
            PIPELINE, "2027-12-31", "0.1", expert_name=LAILA, attach_to=str(open_pipeline.pk)
        ),
        new_question(TARIFF, "2026-09-30", ""),  # no probability
    )
    response = editor.post(reverse(LOG, args=[source.pk]), data)

    html = response.content.decode()
    assert f'name="row-0-attach_to" value="{open_pipeline.pk}"' in html
    assert f"Attached to #{open_pipeline.pk}" in html
    assert not Prediction.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field", "says"),
    [
        ({"confirm_new_question": "on"}, "confirm_new_question", "not both"),
        ({}, "attach_to", "no longer open"),
    ],
)
def test_an_attachment_must_be_one_open_question(editor, source, open_pipeline, extra, field, says):
    if not extra:  # the offered question fell due meanwhile
        Question.objects.filter(pk=open_pipeline.pk).update(status=Question.Status.DUE)
    data = two_rows(attach_to=str(open_pipeline.pk), **extra)
    response = editor.post(reverse(LOG, args=[source.pk]), data)

    assert says in " ".join(response.context["rows"].forms[0].errors[field])
    assert not Prediction.objects.exists()
