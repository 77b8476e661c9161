"""The same claim sent twice at the same moment is recorded once (PostgreSQL)."""

import pytest
from django.utils import timezone

from forecasts.models import Prediction
from forecasts.services import (
    DuplicatePrediction,
    create_expert,
    get_or_create_source,
    record_prediction,
)
from tests.builders import make_question, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_editors_sending_the_same_claim_at_once_record_it_once():
    expert = create_expert(name="Vera Ostrova")
    question = make_question("Will the toll go?", deadline=timezone.localdate())
    source = get_or_create_source(title="Gazette", url="https://gazette.example/toll")
    results = run_at_once(
        lambda i: record_prediction(
            expert=expert,
            question=question,
            probability=0.3,
            made_on=timezone.localdate(),
            source=source,
            quote="The toll will go.",
        )
    )
    assert sorted(type(r).__name__ for r in results) == ["DuplicatePrediction", "Prediction"]
    assert isinstance(
        next(r for r in results if not isinstance(r, Prediction)), DuplicatePrediction
    )
    assert Prediction.objects.count() == 1
