"""`field__any`: the same rows as `field__in`, as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts.models import Expert, Prediction, Question
from forecasts.models.lookups import int_array
from tests.builders import past_question, predict

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions() -> list[Question]:
    made = [past_question(f"Lookup {i}?") for i in range(4)]
    for question in made[:3]:
        predict(question)
    return made


def _pks(queryset) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


def test_any_selects_what_in_selects_for_ids_and_foreign_keys(questions):
    ids = [questions[0].pk, questions[2].pk, 10**9]
    assert _pks(Question.objects.filter(pk__any=ids)) == _pks(Question.objects.filter(pk__in=ids))
    assert _pks(Question.objects.filter(pk__any=ids)) == [questions[0].pk, questions[2].pk]
    by_fk = Prediction.objects.filter(question_id__any=ids)
    assert _pks(by_fk) == _pks(Prediction.objects.filter(question_id__in=ids))
    assert len(_pks(by_fk)) == 2
    assert not Question.objects.filter(pk__any=[]).exists()


def test_any_takes_values_that_are_not_ids(questions):
    names = list(Expert.objects.values_list("name", flat=True)[:2]) + ["Nobody at all"]
    assert _pks(Expert.objects.filter(name__any=names)) == _pks(
        Expert.objects.filter(name__in=names)
    )
    assert len(_pks(Expert.objects.filter(name__any=names))) == 2


def test_any_is_one_parameter_whatever_the_length_on_postgresql(questions):
    ids = list(range(1, 3_001))
    with CaptureQueriesContext(connection) as captured:
        list(Question.objects.filter(pk__any=ids).values_list("pk", flat=True))
    (query,) = captured.captured_queries
    if connection.vendor == "postgresql":
        assert "= ANY('{1,2,3," in query["sql"]  # one array literal, not 3,000 placeholders
        assert "'::bigint[])" in query["sql"]
    else:
        assert " IN (" in query["sql"]


def test_int_array_is_a_postgresql_array_literal():
    assert int_array([3, 1, 2]) == "{3,1,2}"
    assert int_array([]) == "{}"
    with pytest.raises((TypeError, ValueError)):
        int_array(["1; DROP TABLE x"])
