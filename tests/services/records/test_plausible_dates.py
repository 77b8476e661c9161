"""Implausible dates are refused with a message, whichever way they come in: made on before
1900 or in the future (a day of grace), a deadline outside 1900-2200. Services, hence the
admin, the API and the extraction assistant's confirmation; and the CSV importer's rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from forecasts import services
from forecasts.extraction.drafts import ConfirmedCandidate, confirm_candidates
from forecasts.models import Prediction, Question
from forecasts.services.records.plausibility import deadline_problem, made_on_problem
from tests.builders import ADD_PREDICTION, form_errors, record_data, row, run_import, write_csv

TODAY = dt.date(2026, 3, 15)


@pytest.mark.parametrize(
    ("made_on", "refused"),
    [
        (dt.date(1899, 12, 31), "before 1900"),
        (dt.date(1900, 1, 1), None),
        (TODAY, None),
        (TODAY + dt.timedelta(days=1), None),  # already that day somewhere east
        (TODAY + dt.timedelta(days=2), "in the future (today is 2026-03-15)"),
        (dt.date(2205, 1, 1), "in the future"),
    ],
)
def test_made_on_must_lie_between_1900_and_today(made_on, refused):
    problem = made_on_problem(made_on, today=TODAY)
    assert (problem is None) if refused is None else (refused in problem)


@pytest.mark.parametrize(
    ("deadline", "refused"),
    [
        (dt.date(1899, 12, 31), True),
        (dt.date(1900, 1, 1), False),
        (dt.date(2200, 12, 31), False),
        (dt.date(2201, 1, 1), True),
        (dt.date(9999, 12, 31), True),
    ],
)
def test_a_deadline_must_lie_between_1900_and_2200(deadline, refused):
    problem = deadline_problem(deadline)
    assert bool(problem) is refused
    if refused:
        assert "outside 1900-2200" in problem


# --- Services -----------------------------------------------------------------------------


def test_services_refuse_with_the_field_named(expert, question, today):
    with pytest.raises(ValidationError) as caught:
        services.record_prediction(
            expert=expert, question=question, probability=0.5, made_on=dt.date(1066, 10, 14)
        )
    assert "before 1900" in caught.value.message_dict["made_on"][0]
    with pytest.raises(ValidationError) as caught:
        services.create_question(
            title="Will it?", resolution_criteria="Yes if.", deadline=dt.date(2525, 1, 1)
        )
    assert "outside 1900-2200" in caught.value.message_dict["deadline"][0]
    with pytest.raises(ValidationError) as caught:
        services.update_question(
            question=question,
            title=question.title,
            resolution_criteria=question.resolution_criteria,
            deadline=dt.date(1850, 1, 1),
            reason="Typo.",
        )
    assert "deadline" in caught.value.message_dict
    prediction = services.record_prediction(
        expert=expert, question=question, probability=0.5, made_on=today
    )
    with pytest.raises(ValidationError) as caught:
        services.correct_prediction(
            prediction=prediction, reason="Typo.", made_on=today + dt.timedelta(days=5)
        )
    assert "in the future" in caught.value.message_dict["made_on"][0]
    assert Question.objects.count() == 1
    assert Prediction.objects.count() == 1


# --- API, admin, extraction -----------------------------------------------------------------


def test_the_api_answers_400_naming_the_field(carol, expert, question, today):
    client = APIClient()
    client.force_authenticate(carol)
    old = {"expert": expert.slug, "question": question.pk, "probability": 0.5}
    response = client.post("/api/predictions/", {**old, "made_on": "1066-10-14"}, format="json")
    assert response.status_code == 400
    assert "before 1900" in response.json()["errors"]["made_on"][0]
    terms = {"title": "Will it?", "resolution_criteria": "Yes if.", "deadline": "2525-01-01"}
    body = {**old, "made_on": str(today), "new_question": terms}
    del body["question"]
    response = client.post("/api/predictions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("deadline: A deadline of 2525-01-01 is outside")
    assert Question.objects.count() == 1


def test_the_admin_shows_the_refusal_on_the_field(client, alice, expert, question):
    client.force_login(alice)
    response = client.post(
        reverse(ADD_PREDICTION), record_data(expert, question, dt.date(1700, 1, 1))
    )
    assert response.status_code == 200
    assert "before 1900" in " ".join(form_errors(response)["made_on"])
    form = {"title": "Will it?", "resolution_criteria": "Yes if.", "deadline": "2300-01-01"}
    response = client.post("/admin/forecasts/question/add/", {**form, "consensus_source": ""})
    assert response.status_code == 200
    assert "outside 1900-2200" in " ".join(form_errors(response)["deadline"])


def test_the_extraction_assistant_refuses_before_recording_anything(db):
    source = services.get_or_create_source(title="Harbour news", url="https://example.org/h")
    candidate = ConfirmedCandidate(
        speaker="Lotte Brenner",
        question_title="Will the new pier open?",
        resolution_criteria="YES if the pier opens to the public.",
        deadline=dt.date(2207, 12, 31),
        probability="will probably",
        quote="The new pier will open by the end of 2207.",
    )
    with pytest.raises(ValidationError, match="Candidate 1 .* deadline: .*outside 1900-2200"):
        confirm_candidates(source=source, rows=[candidate], made_on=dt.date(2026, 1, 5))
    assert not Prediction.objects.exists()


# --- CSV import -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_csv_importer_makes_each_implausible_date_its_rows_error(tmp_path, today):
    tomorrow_but_one = str(today + dt.timedelta(days=2))
    rows = [
        row(expert="Ada Good"),
        row(expert="Bo Old", made_on="1850-05-01"),
        row(expert="Cy Future", made_on=tomorrow_but_one, deadline="2199-01-01"),
        row(expert="Di Far", deadline="9999-12-31"),
        row(expert="Ed Early", deadline="1899-06-01", made_on="1899-01-01"),
        row(expert="Flo Good", deadline="2200-12-31"),
    ]
    output = run_import(write_csv(tmp_path / "in.csv", rows))
    assert "row 3: made_on: Made on 1850-05-01, before 1900" in output
    assert f"row 4: made_on: Made on {tomorrow_but_one}, in the future" in output
    assert "row 5: deadline: A deadline of 9999-12-31 is outside 1900-2200" in output
    assert "row 6: made_on: Made on 1899-01-01, before 1900" in output
    assert "4 errors" in output
    names = sorted(Prediction.objects.values_list("expert__name", flat=True))
    assert names == ["Ada Good", "Flo Good"]
