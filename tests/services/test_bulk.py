"""write_rows/write_models: what goes in comes back, on both backends (binary COPY on
PostgreSQL, where every value must suit its column's type)."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from forecasts.models import PredictionScore, TrackRecord
from forecasts.services.bulk import write_models, write_rows
from forecasts.services.track_records.records import RECORD_FIELDS
from tests.builders import past_question, predict

pytestmark = pytest.mark.django_db


def test_json_columns_take_json_text_or_python_values(expert):
    calibration = [{"bin": 3, "n": 2, "mean_p": 0.35, "low": None}]
    murphy = {"reliability": 0.01, "resolution": 0.2}
    record = TrackRecord(expert=expert, scoring_version="v-test", updated_at=timezone.now())
    values = {f.attname: getattr(record, f.attname) for f in RECORD_FIELDS}
    values |= {"calibration": json.dumps(calibration), "murphy": json.dumps(murphy)}
    columns = tuple(f.column for f in RECORD_FIELDS)
    assert write_rows(TrackRecord._meta.db_table, columns, [tuple(values.values())]) == 1

    stored = TrackRecord.objects.get(prospective_only=False, expert=expert, topic=None)
    assert stored.calibration == calibration  # the list, not a JSON string holding it
    assert stored.murphy == murphy

    stored.delete()
    record.calibration, record.murphy = calibration, {"reliability": 0.5}
    assert write_models(TrackRecord, [record]) == 1
    assert TrackRecord.objects.get(prospective_only=False, expert=expert).calibration == calibration


def test_numbers_dates_and_nulls_keep_their_values(expert):
    question = past_question("Will the bulk writer keep values?")
    prediction = predict(question, expert=expert, p=0.8)
    row = {
        "prediction_id": prediction.pk,
        "expert_id": expert.pk,
        "question_id": question.pk,
        "probability": 0.8,
        "outcome": 1,
        "brier": 0,  # an int where the column is a float
        "log_score": -0.2231435513142097,
        "baseline": 0.3,
        "peer": None,
        "consensus_relative": None,
        "consensus_called": None,
        "calibration_bin": 7,
        "hit": 1,
        "yield_term": None,
        "resolved_on": dt.date(2026, 3, 1),
        "hindsight": True,
        "scoring_version": "scoring-v1",
    }
    write_rows(PredictionScore._meta.db_table, tuple(row), [tuple(row.values())])
    stored = PredictionScore.objects.values(*row).get(prediction=prediction)
    assert stored == row
