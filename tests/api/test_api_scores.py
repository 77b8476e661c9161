"""The API's leaderboard and expert pages: contract shapes, figures of docs/scoring.md."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from forecasts.services import create_expert, get_or_create_topic
from tests.builders import forecast, make_question, resolve

pytestmark = pytest.mark.django_db(transaction=True)

E1_P = [0.9, 0.8, 0.7, 0.6, 0.3]
E1_O = ["yes", "yes", "no", "yes", "no"]


def _e1_expert(carol, name: str = "Ivo Example", topic=None):
    expert = create_expert(name=name)
    for i, (p, o) in enumerate(zip(E1_P, E1_O, strict=True)):
        question = make_question(f"{name} question {i}", topics=[topic] if topic else [])
        forecast(expert, question, p)
        resolve(question, o, carol)
    return expert


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_leaderboard_rows_carry_the_contract_fields(carol):
    topic = get_or_create_topic(name="South Caucasus")
    _e1_expert(carol, topic=topic)
    rows = _rows(APIClient().get("/api/leaderboard/"))
    assert len(rows) == 1
    row = rows[0]
    assert row["rank"] == 1
    assert row["provisional"] is False
    assert row["expert"] == {"slug": "ivo-example", "name": "Ivo Example"}
    assert row["resolved_count"] == 5
    assert row["brier"] == pytest.approx(0.158, abs=1e-9)
    assert -row["log_score"] == pytest.approx(0.479995, abs=1e-6)
    assert row["hit_rate"] == pytest.approx(4 / 5)  # 0.7 on NO is the miss
    assert row["brier_skill"] == pytest.approx(0.368, abs=1e-9)
    assert row["ranking_score"] == pytest.approx((0.79 + 10 * 0.25) / 15, abs=1e-9)
    for field in ("hit_rate_low", "hit_rate_high", "peer_mean", "consensus_relative_mean"):
        assert field in row


def test_provisional_experts_follow_the_ranked_ones_with_rank_null(carol):
    _e1_expert(carol)
    newcomer = create_expert(name="Lucky Once")
    question = make_question("One lucky call")
    forecast(newcomer, question, 0.99)
    resolve(question, "yes", carol)
    rows = _rows(APIClient().get("/api/leaderboard/"))
    assert [(r["expert"]["slug"], r["rank"], r["provisional"]) for r in rows] == [
        ("ivo-example", 1, False),
        ("lucky-once", None, True),
    ]
    lowered = _rows(APIClient().get("/api/leaderboard/", {"min_resolved": 1}))
    assert [r["rank"] for r in lowered] == [1, 2]


def test_leaderboard_filters_by_topic_and_period(carol):
    caucasus = get_or_create_topic(name="South Caucasus")
    _e1_expert(carol, "On Topic", topic=caucasus)
    _e1_expert(carol, "Off Topic")
    by_topic = _rows(APIClient().get("/api/leaderboard/", {"topic": caucasus.slug}))
    assert [r["expert"]["slug"] for r in by_topic] == ["on-topic"]
    recent = _rows(APIClient().get("/api/leaderboard/", {"period": "12m"}))
    assert len(recent) == 2  # resolved today
    old = _rows(APIClient().get("/api/leaderboard/", {"to": "2000-01-01"}))
    assert old == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"topic": "no-such-topic"}, "topic"),
        ({"min_resolved": "many"}, "min_resolved"),
        ({"period": "soon"}, "period"),
        ({"from": "2025-02-30"}, "from"),
    ],
)
def test_bad_leaderboard_parameters_are_400s_naming_the_parameter(db, params, field):
    response = APIClient().get("/api/leaderboard/", params)
    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"]
    assert body["detail"].startswith(f"{field}:")


def test_expert_detail_has_the_track_record_of_scoring_md_e1(carol):
    topic = get_or_create_topic(name="South Caucasus")
    expert = _e1_expert(carol, topic=topic)
    response = APIClient().get(f"/api/experts/{expert.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == expert.slug
    record = body["track_record"]
    assert record["resolved_count"] == 5
    assert record["brier"] == pytest.approx(0.158, abs=1e-9)
    assert -record["log_score"] == pytest.approx(0.479995, abs=1e-6)
    assert record["hit_rate"] == pytest.approx(0.8)
    assert record["brier_skill"] == pytest.approx(0.368, abs=1e-9)
    assert record["base_rate_skill"] == pytest.approx(0.341667, abs=1e-6)
    assert record["hit_rate_low"] < 0.8 < record["hit_rate_high"]
    bins = record["calibration"]
    assert [b["count"] for b in bins] == [1, 1, 1, 1, 1]
    assert [b["lower"] for b in bins] == pytest.approx([0.2, 0.5, 0.6, 0.7, 0.8])
    assert [b["mean_forecast"] for b in bins] == pytest.approx([0.3, 0.6, 0.7, 0.8, 0.9])
    assert [b["observed_rate"] for b in bins] == [0, 1, 0, 1, 1]
    assert all(b["ci_low"] <= b["observed_rate"] <= b["ci_high"] for b in bins)
    murphy = record["murphy"]
    assert murphy["reliability"] == pytest.approx(0.158, abs=1e-9)
    assert murphy["resolution"] == pytest.approx(0.24, abs=1e-9)
    assert murphy["uncertainty"] == pytest.approx(0.24, abs=1e-9)
    assert murphy["within_bin_variance"] == pytest.approx(0, abs=1e-12)
    assert murphy["within_bin_covariance"] == pytest.approx(0, abs=1e-12)
    assert record["peer_mean"] is None  # nobody else forecast these questions
    (by_topic,) = body["track_record_by_topic"]
    assert by_topic["topic"]["slug"] == topic.slug
    assert by_topic["resolved_count"] == 5


def test_an_expert_with_nothing_resolved_has_an_empty_track_record_not_a_404(db, expert):
    response = APIClient().get(f"/api/experts/{expert.slug}/")
    assert response.status_code == 200
    record = response.json()["track_record"]
    assert record["resolved_count"] == 0
    assert record["brier"] is None
    assert record["log_score"] is None
    assert record["hit_rate"] is None
    assert record["calibration"] == []
    assert record["murphy"]["reliability"] is None
    assert record["provisional"] is True


def test_track_records_list_filters_by_expert_and_overall(carol):
    topic = get_or_create_topic(name="South Caucasus")
    expert = _e1_expert(carol, topic=topic)
    rows = _rows(APIClient().get("/api/track-records/", {"expert": expert.slug}))
    assert sorted(str(r["topic"] and r["topic"]["slug"]) for r in rows) == [
        "None",
        "south-caucasus",
    ]
    overall = _rows(APIClient().get("/api/track-records/", {"topic": "overall"}))
    assert [r["brier"] for r in overall] == [pytest.approx(0.158, abs=1e-9)]


def _queries(path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert APIClient().get(path).status_code == 200
    return len(captured)


def test_leaderboard_and_expert_pages_run_a_fixed_number_of_queries(carol):
    topic = get_or_create_topic(name="South Caucasus")
    first = _e1_expert(carol, "First Expert", topic=topic)
    paths = ["/api/leaderboard/", f"/api/leaderboard/?topic={topic.slug}&period=12m"]
    detail = f"/api/experts/{first.slug}/"
    small = [_queries(path) for path in paths] + [_queries(detail)]
    for i in range(4):
        _e1_expert(carol, f"Expert {i}", topic=get_or_create_topic(name=f"Topic {i}"))
        # The first expert's record grows too: more topics, more resolved questions.
        question = make_question(f"More for first {i}", topics=[get_or_create_topic(name=f"T{i}")])
        forecast(first, question, 0.6)
        resolve(question, "yes", carol)
    large = [_queries(path) for path in paths] + [_queries(detail)]
    assert small == large
