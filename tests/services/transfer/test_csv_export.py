"""manage.py export_predictions: our import columns; export → import into an empty database."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from forecasts.models import (
    Expert,
    LedgerEntry,
    LedgerHead,
    Prediction,
    PredictionScore,
    Question,
    QuestionRevision,
    ReminderRecord,
    Review,
    ReviewAssignment,
    Source,
    StaleTrackRecord,
    Topic,
    TrackRecord,
)
from forecasts.services import (
    correct_prediction,
    create_expert,
    get_or_create_topic,
    record_prediction,
)
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.transfer.csv_io import COLUMNS, FORMULA_START, guard_cell, unguard_cell
from seeds.loader import load_seeds
from tests.builders import forecast, late_corrector, make_question, resolve

pytestmark = pytest.mark.django_db(transaction=True)


def _extra_record(carol) -> None:
    """Cases the seeds may not cover: same-day forecasts, consensus, annulled, numbers."""
    topic = get_or_create_topic(name="Harbour politics")
    a, b = create_expert(name="Ivo Example"), create_expert(name="ivo example")
    question = make_question("Same day twice", topics=[topic], consensus=0.4)
    forecast(a, question, 0.3, days_before=3)
    forecast(a, question, 0.8, days_before=3)
    first = forecast(b, question, "unlikely")
    correct_prediction(
        prediction=first, reason="Misheard", probability="0.35", corrected_by=late_corrector()
    )
    forecast(b, make_question("Never settled"), "we must be prepared for")
    resolve(question, "yes", carol)
    annulled = make_question("Called off")
    forecast(a, annulled, "70%")
    resolve(annulled, "annulled", carol)
    # Text a spreadsheet would run as a formula, and text that starts with the guard itself.
    handle = create_expert(name="@harbour_watch")
    tricky = make_question("+2 points for the mayor?", topics=[get_or_create_topic(name="-Local")])
    record_prediction(
        expert=handle,
        question=tricky,
        probability=0.6,
        made_on=tricky.deadline - dt.timedelta(days=5),
        quote='=HYPERLINK("https://evil.example","poll")',
    )
    record_prediction(
        expert=b, question=tricky, probability=0.2, made_on=tricky.deadline, quote="'Tis unlikely."
    )


def _rounded(value):
    """Floats to 12 places: a peer score sums in expert-id order, and ids change on import."""
    if isinstance(value, float):
        return round(value, 12)
    if isinstance(value, list | tuple):
        return type(value)(_rounded(v) for v in value)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def _snapshot() -> dict[str, list]:
    """The record by natural keys (ids differ after a re-import)."""
    return {part: _rounded(rows) for part, rows in _parts().items()}


def _parts() -> dict[str, list]:
    # Ids differ after a re-import; their order within one expert's day must not.
    predictions = Prediction.objects.current().order_by(
        "question__title", "question__deadline", "expert__name", "made_on", "id"
    )
    questions = Question.objects.filter(predictions__isnull=False).distinct()
    # Over every scored forecast: a re-import records each forecast anew in this ledger, after
    # its question's resolution, so the prospective-only records are not carried over
    # (SCORING.md, hindsight: recorded_at is the ledger's clock, never read from a file).
    records = TrackRecord.objects.filter(prospective_only=False).select_related("expert", "topic")
    verdicts = Review.objects.order_by("question__title", "round", "created_at")
    return {
        "predictions": list(
            predictions.values_list(
                "expert__name",
                "question__title",
                "question__deadline",
                "probability",
                "basis",
                "phrase",
                "table_version",
                "made_on",
                "source__url",
                "source__title",
                "quote",
            )
        ),
        "questions": sorted(
            (
                q.title,
                q.deadline,
                q.resolution_criteria,
                "open" if q.status == "due" else q.status,
                q.outcome,
                q.resolved_at.date() if q.resolved_at else None,
                q.consensus_probability,
                sorted(t.name for t in q.topics.all()),
            )
            for q in questions
        ),
        "verdicts": sorted(
            {r.question.title: (r.outcome, r.evidence_url) for r in verdicts}.items()
        ),
        "scores": sorted(
            PredictionScore.objects.values_list(
                "expert__name", "question__title", "probability", "outcome", "brier", "peer"
            )
        ),
        "track_records": sorted(
            (
                r.expert.name,
                r.topic.name if r.topic else "",
                r.resolved_count,
                r.brier,
                r.log_score,
                r.hit_rate,
                r.ranking_score,
                r.peer_mean,
                r.consensus_relative_mean,
                r.yield_score,
                r.calibration,
                r.murphy,
            )
            for r in records
        ),
    }


def _empty_the_record() -> None:
    """Delete the forecasts tables' rows, children first (users stay)."""
    for model in (LedgerEntry, LedgerHead, StaleTrackRecord, PredictionScore, TrackRecord):
        model.objects.all().delete()
    for model in (ReminderRecord, ReviewAssignment, Review):
        model.objects.all().delete()
    Prediction.objects.update(supersedes=None)
    for model in (Prediction, QuestionRevision, Question, Source, Topic, Expert):
        model.objects.all().delete()


def test_export_writes_the_import_columns(carol):
    _extra_record(carol)
    out = io.StringIO()
    call_command("export_predictions", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)
    assert len(rows) == Prediction.objects.current().count()
    same_day = [r["probability"] for r in rows if r["question"] == "Same day twice"]
    assert same_day == ["0.3", "0.8", "0.35"]
    called_off = next(r for r in rows if r["question"] == "Called off")
    assert (called_off["probability"], called_off["outcome"]) == ("70%", "annulled")


def test_text_a_spreadsheet_would_run_goes_out_behind_an_apostrophe(carol):
    _extra_record(carol)
    out = io.StringIO()
    call_command("export_predictions", stdout=out)
    rows = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if "mayor" in r["question"]]
    assert {r["question"] for r in rows} == {"'+2 points for the mayor?"}
    assert {r["topic"] for r in rows} == {"'-Local"}
    assert sorted((r["expert"], r["quote"]) for r in rows) == [
        ("'@harbour_watch", '\'=HYPERLINK("https://evil.example","poll")'),
        ("ivo example", "''Tis unlikely."),
    ]


def test_export_then_import_into_an_empty_database_loses_nothing(tmp_path, carol):
    load_seeds()
    _extra_record(carol)
    before = _snapshot()
    assert before["track_records"]
    assert before["scores"]
    assert TrackRecord.objects.filter(prospective_only=True, resolved_count__gt=0).exists()
    path = tmp_path / "export.csv"
    call_command("export_predictions", "--output", str(path), stderr=io.StringIO())
    _empty_the_record()
    assert not Question.objects.exists()
    call_command("import_predictions", str(path), "--quiet", stdout=io.StringIO())
    after = _snapshot()
    assert verify_ledger()[1] is None
    # The seeds' prospective forecasts come back as hindsight: recorded after the resolution.
    prospective = TrackRecord.objects.filter(prospective_only=True, resolved_count__gt=0)
    assert not prospective.exists()
    for part in before:
        assert [x for x in after[part] if x not in before[part]] == [], part
        assert [x for x in before[part] if x not in after[part]] == [], part
        assert after[part] == before[part], part


@given(st.text(max_size=20))
def test_the_guard_comes_off_exactly(text):
    assert unguard_cell(guard_cell(text)) == text
    assert guard_cell(text)[:1] not in FORMULA_START
