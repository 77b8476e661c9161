"""Settling questions stores scores and keeps every expert's track record in step."""

import pytest
from django.contrib.auth.models import User

from forecasts.models import Prediction, PredictionScore, ScoreSums, TrackRecord
from forecasts.services import correct_prediction, create_expert, get_or_create_topic
from forecasts.services.track_records.rebuild import recompute_track_records
from tests.builders import forecast, make_question, random_history, resolve

pytestmark = pytest.mark.django_db(transaction=True)

E1_P = [0.9, 0.8, 0.7, 0.6, 0.3]
E1_O = ["yes", "yes", "no", "yes", "no"]


def _overall(expert) -> TrackRecord:
    return TrackRecord.objects.get(prospective_only=False, expert=expert, topic__isnull=True)


def test_worked_example_e1_through_resolution(carol):
    expert = create_expert(name="Ivo Example")
    for i, (p, o) in enumerate(zip(E1_P, E1_O, strict=True)):
        question = make_question(f"E1 question {i}")
        forecast(expert, question, p)
        resolve(question, o, carol)
    record = _overall(expert)
    assert record.resolved_count == 5
    assert record.brier == pytest.approx(0.158, abs=1e-9)
    assert -record.log_score == pytest.approx(0.479995, abs=1e-6)
    assert record.brier_skill == pytest.approx(0.368, abs=1e-9)
    assert record.base_rate_skill == pytest.approx(0.341667, abs=1e-6)
    assert [b["count"] for b in record.calibration] == [1, 1, 1, 1, 1]
    assert [b["lower"] for b in record.calibration] == pytest.approx([0.2, 0.5, 0.6, 0.7, 0.8])
    assert record.murphy["reliability"] == pytest.approx(0.158, abs=1e-9)
    assert record.murphy["resolution"] == pytest.approx(0.24, abs=1e-9)
    assert record.murphy["uncertainty"] == pytest.approx(0.24, abs=1e-9)


def test_only_the_latest_prediction_before_the_deadline_counts(carol, oscar):
    expert = create_expert(name="Ivo Example")
    question = make_question("Latest counts")
    forecast(expert, question, 0.2, days_before=30)
    latest = forecast(expert, question, 0.9, days_before=5)
    corrected = correct_prediction(
        prediction=latest, reason="Misread the number", probability=0.8, corrected_by=oscar
    )
    resolve(question, "yes", carol)
    score = PredictionScore.objects.get(question=question)
    assert score.prediction == corrected
    assert score.brier == pytest.approx(0.04)
    assert _overall(expert).resolved_count == 1


def test_annulled_questions_are_not_scored_and_re_resolution_rescores(carol):
    expert = create_expert(name="Ivo Example")
    question = make_question("Flip")
    forecast(expert, question, 0.9)
    resolve(question, "yes", carol)
    assert _overall(expert).brier == pytest.approx(0.01)
    resolve(question, "no", carol, reason="The first source was wrong.")
    assert _overall(expert).brier == pytest.approx(0.81)
    resolve(question, "annulled", carol, reason="The event was cancelled outright.")
    assert not PredictionScore.objects.exists()
    assert not TrackRecord.objects.filter(prospective_only=False, expert=expert).exists()


def test_peer_scores_and_topic_records(carol):
    topic = get_or_create_topic(name="Harbour politics")
    experts = [create_expert(name=n) for n in ("A", "B", "C")]
    question = make_question("Shared", topics=[topic], consensus=0.5)
    for expert, p in zip(experts, [0.9, 0.6, 0.2], strict=True):
        forecast(expert, question, p)
    resolve(question, "yes", carol)
    peers = [PredictionScore.objects.get(expert=e).peer for e in experts]
    assert peers == pytest.approx([95.477125, 34.657359, -130.134484], abs=1e-6)
    topic_record = TrackRecord.objects.get(prospective_only=False, expert=experts[0], topic=topic)
    assert topic_record.peer_mean == pytest.approx(95.477125, abs=1e-6)
    assert topic_record.consensus_count == 1


def test_deleting_a_topic_or_an_expert_takes_their_derived_rows_with_them(carol):
    """Derived tables carry no foreign-key constraints in the database; the ORM's cascade
    still removes what hangs off a deleted topic or expert, and leaves nothing dangling."""
    topic = get_or_create_topic(name="Short-lived topic")
    keep, drop = create_expert(name="Stays"), create_expert(name="Goes")
    question = make_question("Both called it", topics=[topic])
    for expert in (keep, drop):
        forecast(expert, question, 0.7)
    resolve(question, "yes", carol)
    assert TrackRecord.objects.filter(prospective_only=False, topic=topic).count() == 2
    assert ScoreSums.objects.filter(topic=topic).exists()
    topic_id = topic.pk
    topic.delete()
    assert not TrackRecord.objects.filter(prospective_only=False, topic_id=topic_id).exists()
    assert not ScoreSums.objects.filter(topic_id=topic_id).exists()
    assert TrackRecord.objects.filter(
        prospective_only=False, expert=keep, topic__isnull=True
    ).exists()

    Prediction.objects.filter(expert=drop).delete()
    drop_id = drop.pk
    drop.delete()
    for model in (PredictionScore, TrackRecord, ScoreSums):
        assert not model.objects.filter(expert_id=drop_id).exists()
    assert PredictionScore.objects.filter(expert=keep).count() == 1


def _snapshot() -> list[tuple]:
    fields = [
        "expert_id",
        "topic_id",
        "prospective_only",
        "resolved_count",
        "brier",
        "log_score",
        "hit_rate",
        "ranking_score",
        "peer_mean",
        "consensus_relative_mean",
        "yield_score",
        "calibration",
        "murphy",
    ]
    return sorted(TrackRecord.objects.values_list(*fields), key=lambda r: (r[0], r[1] or 0, r[2]))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_updates_equal_a_full_rebuild_on_random_data(seed):
    admin = User.objects.create_superuser("root", "root@example.org", "pw")
    random_history(seed, admin, experts=6, questions=25, decimals=3)
    incremental = _snapshot()
    assert incremental
    recompute_track_records()
    assert _snapshot() == incremental
