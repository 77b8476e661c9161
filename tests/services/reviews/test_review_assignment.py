"""The due sweep: open questions past their deadline fall due and get balanced reviewers."""

import datetime as dt

import pytest
from django.utils import timezone

from forecasts.models import Question, ReviewAssignment
from forecasts.services.reviews.assignments import mark_due_questions
from tests.builders import past_question, pick_reviewers, predict

pytestmark = pytest.mark.django_db


def _assigned(question: Question) -> set[str]:
    rows = ReviewAssignment.objects.filter(question=question, state="pending")
    return {a.reviewer.username for a in rows.select_related("reviewer")}


def test_open_question_past_its_deadline_falls_due(bob):
    question = past_question("Will the ferry run by spring?")
    sweep = mark_due_questions()
    question.refresh_from_db()
    assert (sweep.marked_due, question.status) == (1, "due")
    assert question.due_at is not None
    assert _assigned(question) == {"bob"}


def test_question_whose_deadline_is_today_is_not_due_yet(bob, question):
    question.deadline = timezone.localdate()
    question.save()
    assert mark_due_questions().marked_due == 0


def test_sweep_run_twice_changes_nothing_the_second_time(bob, dave):
    past_question("Q1")
    first = mark_due_questions()
    due_at = Question.objects.get().due_at
    second = mark_due_questions(now=timezone.now() + dt.timedelta(hours=1))
    assert (first.marked_due, first.assigned) == (1, 1)
    assert (second.marked_due, second.assigned) == (0, 0)
    assert Question.objects.get().due_at == due_at
    assert ReviewAssignment.objects.count() == 1


def test_reviewers_are_balanced_by_open_load(bob, dave):
    for n in range(4):
        past_question(f"Question {n}")
    mark_due_questions()
    loads = {
        name: ReviewAssignment.objects.filter(reviewer__username=name).count()
        for name in ("bob", "dave")
    }
    assert loads == {"bob": 2, "dave": 2}


def test_new_work_goes_to_the_reviewer_with_less_open_work(bob, dave):
    for n in range(2):
        past_question(f"Older {n}")
    mark_due_questions()
    ReviewAssignment.objects.filter(reviewer=bob).update(state="done")
    fresh = past_question("Fresh one")
    mark_due_questions()
    assert _assigned(fresh) == {"bob"}


def test_two_reviews_required_assigns_two_distinct_reviewers(settings, bob, dave):
    settings.REVIEWS_REQUIRED = 2
    question = past_question("Two eyes")
    mark_due_questions()
    assert _assigned(question) == {"bob", "dave"}


def test_the_recorder_of_the_predictions_is_not_assigned(bob, dave):
    question = past_question("Recorded by bob")
    predict(question, recorded_by=bob)
    mark_due_questions()
    assert _assigned(question) == {"dave"}


def test_recorder_is_never_the_only_reviewer(bob):
    question = past_question("Only bob around, and he recorded it")
    predict(question, recorded_by=bob)
    sweep = mark_due_questions()
    assert _assigned(question) == set()
    assert sweep.short_of_reviewers == [question.pk]


def test_a_recorder_is_not_even_a_second_reviewer(settings, bob, dave):
    settings.REVIEWS_REQUIRED = 2
    question = past_question("Recorded by bob, two needed")
    predict(question, recorded_by=bob)
    sweep = mark_due_questions()
    assert _assigned(question) == {"dave"}
    assert sweep.short_of_reviewers == [question.pk]


def test_reviewer_added_later_is_assigned_to_a_question_left_short(bob):
    question = past_question("Waiting for someone")
    predict(question, recorded_by=bob)
    mark_due_questions()
    from tests.builders import make_user

    make_user("erin", "Reviewers")
    mark_due_questions()
    assert _assigned(question) == {"erin"}


def test_non_reviewers_are_never_assigned(alice, carol):
    question = past_question("Nobody to review")
    mark_due_questions()
    assert _assigned(question) == set()


@pytest.mark.parametrize(
    ("candidates", "needed", "involved", "already", "expected"),
    [
        ({1: 0, 2: 0}, 1, set(), set(), [1]),
        ({1: 3, 2: 1}, 1, set(), set(), [2]),
        ({1: 0, 2: 5}, 1, {1}, set(), [2]),
        ({1: 0}, 1, {1}, set(), []),
        # Someone involved in the question is never its reviewer, not even a second one.
        ({1: 0}, 1, {1}, {2}, []),
        ({1: 0, 2: 0}, 2, {1}, set(), [2]),
        ({1: 0, 2: 0, 3: 0}, 1, set(), {1}, [2]),
        ({1: 0, 2: 0}, 0, set(), set(), []),
    ],
)
def test_pick_reviewers(candidates, needed, involved, already, expected):
    picked = pick_reviewers(
        candidates=candidates, needed=needed, involved=involved, already=already
    )
    assert picked == expected
