"""Table v2 is for new predictions; one stored under v1 keeps its probability through re-scoring.

"We are confident the dam will hold" reads 0.95 under v1 (only the bare "will" is in it) and
0.80 under v2 ("are confident"), so a re-parse on re-scoring would show.
"""

import datetime as dt

import pytest
from django.core.management import call_command

from forecasts import verbal
from forecasts.models import Prediction, PredictionScore
from forecasts.services import create_expert, record_prediction
from forecasts.services.ledger import chain as ledger
from forecasts.services.ledger.verify import verify_ledger
from tests.builders import make_question, resolve

pytestmark = pytest.mark.django_db

WORDS = "We are confident the dam will hold"


def stored_under_v1(question, expert) -> Prediction:
    """A prediction as the service stored it before v2: parsed with v1, chained in the ledger."""
    parsed = verbal.find_markers(WORDS, verbal.table("v1"))
    prediction = Prediction.objects.create(
        expert=expert,
        question=question,
        probability=parsed.probability,
        basis=parsed.basis,
        phrase=parsed.phrase,
        table_version=parsed.table_version,
        made_on=question.deadline - dt.timedelta(days=30),
        quote=WORDS,
    )
    ledger.append_predictions([prediction])
    return prediction


def test_the_same_words_read_differently_under_the_two_tables() -> None:
    assert verbal.find_markers(WORDS, verbal.table("v1")).probability == 0.95
    assert verbal.find_markers(WORDS).probability == 0.80


def test_a_new_prediction_is_stored_under_v2() -> None:
    question = make_question("Will the dam hold?", deadline=dt.date(2030, 1, 1))
    prediction = record_prediction(
        expert=create_expert(name="Ada Brook"),
        question=question,
        probability="we are confident",
        made_on=dt.date(2026, 1, 1),
    )
    assert (prediction.probability, prediction.table_version) == (0.80, "v2")


def test_rescoring_never_changes_a_prediction_stored_under_v1(carol) -> None:
    question = make_question("Will the dam hold?", deadline=dt.date(2025, 6, 1))
    old = stored_under_v1(question, create_expert(name="Ada Brook"))
    resolve(question, "yes", carol)
    call_command("recompute_track_records")
    old.refresh_from_db()
    assert (old.probability, old.basis, old.phrase, old.table_version) == (
        0.95,
        "bare_assertion",
        "will",
        "v1",
    )
    score = PredictionScore.objects.get(prediction=old)
    assert score.brier == pytest.approx((0.95 - 1) ** 2, abs=1e-9)
    assert verify_ledger()[1] is None
