"""The due sweep, the leaderboard, the prediction list and feeds, and status filters read
through their indexes (PostgreSQL plans).

Test tables hold a handful of rows, and on a handful of rows a sequential scan is the right
plan, so each test turns sequential scans off for its own transaction (SET LOCAL): the planner
then shows which index it *can* use. A query with no usable index still seq-scans (at a
prohibitive cost) and the assertion names the plan. At benchmark scale the planner picks
the same indexes unprompted (docs/benchmarks.md).
"""

import datetime as dt

import pytest
from django.db import connection

from forecasts.feeds import LatestPredictionsFeed
from forecasts.models import Prediction, PredictionScore, Question, TrackRecord
from forecasts.services import create_expert, get_or_create_topic
from forecasts.services.track_records.rebuild import recompute_track_records
from forecasts.services.track_records.records import update_track_records
from tests.builders import forecast, make_question, resolve

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _plan(queryset, *, sorted_by_index: bool = False) -> str:
    """`sorted_by_index`: sorting off too, so the plan shows whether an index delivers the
    order (with sorting off and no such index, a Sort node stays, at a prohibitive cost)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if sorted_by_index:
            cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


def _sweep_query(today: dt.date):
    # What mark_due_questions selects: open questions past their deadline, oldest first.
    return (
        Question.objects.filter(status=Question.Status.OPEN, deadline__lt=today)
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)
    )


def test_due_sweep_reads_the_status_deadline_index(today):
    for i in range(5):
        make_question(f"Past {i}?", deadline=today - dt.timedelta(days=i + 1))
    plan = _plan(_sweep_query(today))
    assert "question_status_deadline" in plan, plan


@pytest.fixture
def board(carol):
    topic = get_or_create_topic(name="Harbour politics")
    expert = create_expert(name="Indexed Expert")
    for i in range(3):
        question = make_question(f"Indexed {i}?", topics=[topic])
        forecast(expert, question, 0.7)
        resolve(question, "yes", carol)
    update_track_records(expert_ids=[expert.pk])
    return topic, expert


def test_leaderboard_reads_track_records_through_an_index(board):
    topic, _ = board
    # selectors' leaderboard ranks one topic's records (or the overall ones) with a window
    # function, so what must be indexed is reaching those records, not their order.
    for wanted in (topic, None):
        records = TrackRecord.objects.filter(prospective_only=False, topic=wanted).select_related(
            "expert"
        )
        plan = _plan(records.order_by("expert_id"))
        assert "Seq Scan on forecasts_trackrecord" not in plan, plan
        assert any(
            name in plan
            for name in ("trackrecord_topic_rank", "trackrecord_overall_once", "trackrecord_topic")
        ), plan


def test_an_experts_record_update_reads_scores_by_expert(board):
    _, expert = board
    plan = _plan(PredictionScore.objects.filter(expert_id__in=[expert.pk]).values("brier"))
    assert "Seq Scan on forecasts_predictionscore" not in plan, plan
    assert "Index" in plan, plan


def test_connections_run_without_jit():
    # JIT compiled plans for 50-200 ms in front of 1 ms statements whose row estimate was
    # off (statement triggers' transition tables have no statistics): settings turn it off.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db(transaction=True)  # the rebuild truncates: no open test transaction
def test_a_full_rebuild_leaves_statistics_for_the_planner(carol):
    # Without them, after a rebuild the planner guessed "most of the table" for a lookup of
    # a few hundred questions' scores and read all of it (57 ms a batch in the importer).
    experts = [create_expert(name=f"Stats Expert {i}") for i in range(3)]
    for title in ("Stats one?", "Stats two?"):
        question = make_question(title)
        for expert in experts:
            forecast(expert, question, 0.6)
        resolve(question, "yes", carol)
    recompute_track_records()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_distinct FROM pg_stats WHERE tablename = %s AND attname = 'question_id'",
            [PredictionScore._meta.db_table],
        )
        (n_distinct,) = [row[0] for row in cursor.fetchall()]  # 2 of 6 rows: 2 or -1/3
        assert n_distinct in (2, pytest.approx(-1 / 3, abs=1e-6))


@pytest.fixture
def listed(today):
    expert = create_expert(name="Listed Expert")
    for i in range(4):
        question = make_question(f"Listed {i}?", deadline=today + dt.timedelta(days=30 + i))
        forecast(expert, question, 0.4, days_before=30 + i)  # made today
    return expert


def test_the_prediction_list_and_feed_take_their_first_page_from_an_index(listed):
    from forecasts.api.views import PredictionViewSet

    # The API's default order, newest first, over current predictions (what ?page=1 reads).
    first_page = PredictionViewSet.queryset.current().order_by(*Prediction._meta.ordering)[:50]
    plan = _plan(first_page, sorted_by_index=True)
    assert "prediction_current_newest" in plan, plan
    assert "Sort Key" not in plan, plan
    # The feeds: newest recorded first.
    plan = _plan(LatestPredictionsFeed().items(None), sorted_by_index=True)
    assert "Sort Key" not in plan, plan


def test_a_status_filter_reads_the_status_index_without_deduplicating(listed):
    from forecasts.api.filters import QuestionFilter

    questions = QuestionFilter({"status": ["open"]}, queryset=Question.objects.all()).qs
    plan = _plan(questions.order_by("deadline", "id")[:50])
    # Either status index will do (which one depends on the statistics of the moment); what
    # matters is that the rows are read through one and not deduplicated.
    assert "question_status_" in plan, plan
    assert "Unique" not in plan, plan
    assert "HashAggregate" not in plan, plan
