"""The same claim by the same expert from the same source is recorded once
(services.records.duplicates), in the service and over the API (409 with a link)."""

import datetime as dt

import pytest

from forecasts.models import Prediction
from forecasts.services import (
    DuplicatePrediction,
    create_expert,
    get_or_create_source,
    record_prediction,
)
from tests.builders import make_question

pytestmark = pytest.mark.django_db

ONE_DAY = dt.timedelta(days=1)


@pytest.fixture
def said(expert, question, today):
    source = get_or_create_source(title="Gazette", url="https://gazette.example/toll")
    first = record_prediction(
        expert=expert,
        question=question,
        probability=0.3,
        made_on=today,
        source=source,
        quote="The toll will probably go.",
    )
    return first


def test_the_same_claim_again_is_refused_with_the_existing_record(said, today):
    with pytest.raises(DuplicatePrediction) as refused:
        record_prediction(
            expert=said.expert,
            question=said.question,
            probability=0.3,
            made_on=today,
            source=said.source,
            quote="The toll will probably go.",
        )
    assert refused.value.existing == said
    assert Prediction.objects.count() == 1


def test_the_same_quote_on_another_question_is_the_same_claim(said, today):
    other = make_question("Will the toll be scrapped?", deadline=today + dt.timedelta(days=40))
    with pytest.raises(DuplicatePrediction):
        record_prediction(
            expert=said.expert,
            question=other,
            probability=0.3,
            made_on=today,
            source=said.source,
            quote="the toll will probably  go",  # case, spacing, punctuation ignored
        )


def test_another_expert_another_source_or_no_source_is_recorded(said, today):
    kwargs = {"question": said.question, "probability": 0.3, "made_on": today}
    other_source = get_or_create_source(title="Herald", url="https://herald.example/toll")
    record_prediction(expert=create_expert(name="Ida Moss"), source=said.source, **kwargs)
    record_prediction(expert=said.expert, source=other_source, **kwargs)
    record_prediction(expert=said.expert, source=None, **kwargs)
    # Without a source nothing ties two forecasts to one utterance: said again another day,
    # with another probability or in other words, each is recorded.
    record_prediction(expert=said.expert, source=None, **kwargs | {"made_on": today - ONE_DAY})
    record_prediction(expert=said.expert, source=None, **kwargs | {"probability": 0.4})
    record_prediction(expert=said.expert, source=None, quote="Tolls go next year.", **kwargs)
    assert Prediction.objects.count() == 7


def test_without_a_source_the_very_same_record_again_is_refused(said, alice, api_as, today):
    # A client sending the same body twice without an Idempotency-Key recorded it twice.
    kwargs = {"expert": said.expert, "question": said.question, "made_on": today}
    first = record_prediction(probability="30%", quote="The toll will go.", **kwargs)
    with pytest.raises(DuplicatePrediction, match="same question, day, probability and quote"):
        record_prediction(probability=0.3, quote="the toll will go", **kwargs)
    body = {
        "expert": said.expert.slug,
        "question": said.question.pk,
        "probability": 0.3,
        "made_on": today.isoformat(),
        "quote": "The toll will go.",
    }
    response = api_as(alice).post("/api/predictions/", body, format="json")
    assert response.status_code == 409, response.json()
    assert response.json()["existing"]["id"] == first.pk
    assert Prediction.objects.filter(source=None).count() == 1


def test_api_answers_409_with_a_link_to_the_existing_prediction(said, alice, api_as, today):
    body = {
        "expert": said.expert.slug,
        "question": said.question.pk,
        "probability": "30%",
        "made_on": today.isoformat(),
        "source": said.source.pk,
        "quote": "The toll will probably go.",
    }
    response = api_as(alice).post("/api/predictions/", body, format="json")
    assert response.status_code == 409, response.json()
    url = f"http://testserver/api/predictions/{said.pk}/"
    assert response.json()["existing"] == {"id": said.pk, "url": url}
    assert response["Location"] == url
    assert "already has this claim" in response.json()["detail"]
    assert Prediction.objects.count() == 1
