"""Text search and the similar-question lookup read through the trigram and full-text
indexes of migration 0004 (PostgreSQL plans), as the API and the admin run them.

As in test_explain.py, sequential scans are off for each test's transaction so the plan
shows which index the planner *can* use on a handful of rows.
"""

import pytest
from django.db import connection

from forecasts.models import Expert, Prediction, Question
from forecasts.selectors.search import matching_ids, search_experts, search_questions
from forecasts.selectors.similar import TITLE_DISTANCE_SQL, title_matches
from forecasts.services import create_expert
from tests.builders import forecast, make_question

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _plan(queryset, *, bitmap_only: bool = False, no_sort: bool = False) -> str:
    """With `bitmap_only`, plain index scans are off too: otherwise, with statistics left by
    earlier tests, the planner may walk a primary key and filter every row, which says nothing
    about whether the search's own index can serve it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if bitmap_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
        if no_sort:
            # On a handful of rows, sorting them costs no more than the ordered index scan, and
            # with the statistics earlier tests leave the planner may take either.
            cursor.execute("SET LOCAL enable_sort = off")
    return queryset.explain()


@pytest.fixture
def ledger():
    expert = create_expert(name="Ruben Megrabyan", aliases=["Mehrabyan"])
    for i in range(3):
        forecast(expert, make_question(f"Will the corridor open by {2030 + i}?"), 0.6)


def test_expert_search_reads_the_name_key_and_affiliation_indexes(ledger):
    plan = _plan(search_experts(Expert.objects.all(), "Mehrabyan"))
    assert "expert_search_names_trgm" in plan, plan
    assert "expert_affiliation_trgm" in plan, plan


def test_question_search_reads_title_and_criteria_indexes(ledger):
    # Unordered: with the list order, a handful of rows is as cheaply read in deadline order
    # (the order's own index) and filtered; the test is about what serves the filter.
    plan = _plan(search_questions(Question.objects.order_by(), "corridor"))
    assert "question_title_trgm" in plan, plan
    assert "question_criteria_trgm" in plan, plan


def test_prediction_search_reads_an_index_for_each_part(ledger):
    # Every version (the admin's list): on a handful of rows the current-only partial index
    # would be read instead, which says nothing about the search's own indexes.
    plan = _plan(matching_ids(Prediction.objects.all(), "corridor")[:10_001], bitmap_only=True)
    for index in (
        "prediction_quote_trgm",
        "prediction_phrase_trgm",
        "question_title_trgm",
        "expert_search_names_trgm",
    ):
        assert index in plan, plan
    assert "Seq Scan on forecasts_prediction" not in plan, plan


def test_similar_questions_read_the_nearest_open_titles_from_the_gist_index(ledger):
    open_questions = Question.objects.filter(status=Question.Status.OPEN).exclude(title="")
    nearest = open_questions.extra(  # noqa: S610 - the lookup's own ORDER BY, to EXPLAIN it
        select={"title_distance": TITLE_DISTANCE_SQL},
        select_params=["Will the corridor open?"],
        order_by=["title_distance"],
    )[:50]
    plan = _plan(nearest, no_sort=True)
    assert "open_question_title_knn" in plan, plan
    assert "Sort" not in plan.split("Limit")[1].split("->")[1], plan  # the index gives the order


def test_similar_questions_read_the_trigram_and_full_text_indexes(ledger):
    # Without the status filter, which a btree serves too: the text match alone.
    plan = _plan(title_matches(Question.objects.order_by(), "Will the corridor open?"))
    assert "question_title_trgm" in plan, plan
    assert "question_title_fts" in plan, plan
