"""A question made with its deadline already passed is due, with a reviewer, at once: the
admin form, the API, extraction and the CSV import all apply the one rule (fall_due_now)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forecasts import services
from forecasts.extraction.drafts import ConfirmedCandidate, confirm_candidates
from forecasts.models import Question, ReviewAssignment, Source
from forecasts.services.reviews.assignments import fall_due_now, mark_due_questions
from forecasts.services.reviews.reminders import send_review_reminders
from tests.builders import ADD_PREDICTION, record_data, row, run_import, write_csv

pytestmark = pytest.mark.django_db
TITLE = "Will the ferry line have reopened by the deadline?"
CRITERIA = "YES if a scheduled ferry sailed; NO otherwise."


@pytest.fixture
def yesterday(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=1)


def made_question() -> Question:
    return Question.objects.get(title=TITLE)


def assert_due_and_assigned_to(question: Question, *reviewers: User) -> None:
    assert question.status == Question.Status.DUE
    assert question.due_at is not None
    pending = question.assignments.filter(state=ReviewAssignment.State.PENDING)
    assert sorted(pending.values_list("reviewer__username", flat=True)) == sorted(
        r.username for r in reviewers
    )


def test_the_admin_add_prediction_form(client, alice, bob, expert, today, yesterday):
    client.force_login(alice)
    data = record_data(
        expert,
        None,
        today - dt.timedelta(days=20),
        new_question_title=TITLE,
        new_question_criteria=CRITERIA,
        new_question_deadline=yesterday.isoformat(),
    )
    assert client.post(reverse(ADD_PREDICTION), data).status_code == 302
    assert_due_and_assigned_to(made_question(), bob)


def test_the_admin_add_question_form(client, alice, bob, yesterday):
    client.force_login(alice)
    data = {
        "title": TITLE,
        "resolution_criteria": CRITERIA,
        "deadline": yesterday.isoformat(),
        "consensus_source": "",
    }
    response = client.post(reverse("admin:forecasts_question_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert_due_and_assigned_to(made_question(), bob)


def test_the_api_new_question_leaves_out_the_reviewer_who_recorded_it(
    api_as, dave, bob, expert, today, yesterday
):
    """dave (made first, so the lighter pick on a tie) records the prediction, so he is
    involved: bob gets the review (issue 15)."""
    body = {
        "expert": expert.slug,
        "probability": 0.3,
        "made_on": (today - dt.timedelta(days=20)).isoformat(),
        "new_question": {
            "title": TITLE,
            "resolution_criteria": CRITERIA,
            "deadline": yesterday.isoformat(),
        },
    }
    dave.groups.add(Group.objects.get(name="Editors"))  # a reviewer who also edits
    response = api_as(dave).post("/api/predictions/", body, format="json")
    assert response.status_code == 201, response.json()
    assert_due_and_assigned_to(made_question(), bob)


def test_extraction_confirm(alice, bob, today, yesterday):
    source = Source.objects.create(title="Ferry notes", published_on=today - dt.timedelta(days=20))
    candidate = ConfirmedCandidate(
        speaker="Lotte Brenner",
        question_title=TITLE,
        resolution_criteria=CRITERIA,
        deadline=yesterday,
        probability="will probably",
        quote="The ferry will probably be back.",
    )
    confirm_candidates(source=source, rows=[candidate], user=alice)
    assert_due_and_assigned_to(made_question(), bob)


def test_the_csv_import(tmp_path, bob, today, yesterday):
    made_on = (today - dt.timedelta(days=20)).isoformat()
    path = write_csv(
        tmp_path / "rows.csv",
        [row(question=TITLE, deadline=yesterday.isoformat(), made_on=made_on)],
    )
    run_import(path)
    assert_due_and_assigned_to(made_question(), bob)


def test_a_question_with_its_deadline_ahead_stays_open(client, alice, bob, expert, today):
    client.force_login(alice)
    data = record_data(
        expert,
        None,
        today,
        new_question_title=TITLE,
        new_question_criteria=CRITERIA,
        new_question_deadline=today.isoformat(),  # due only once today is over
    )
    assert client.post(reverse(ADD_PREDICTION), data).status_code == 302
    question = made_question()
    assert question.status == Question.Status.OPEN
    assert not question.assignments.exists()


def test_the_next_reminder_pass_covers_it_without_a_sweep(client, alice, bob, expert, today):
    client.force_login(alice)
    data = record_data(
        expert,
        None,
        today - dt.timedelta(days=20),
        new_question_title=TITLE,
        new_question_criteria=CRITERIA,
        new_question_deadline=(today - dt.timedelta(days=1)).isoformat(),
    )
    client.post(reverse(ADD_PREDICTION), data)

    report = send_review_reminders(now=timezone.now())  # the service alone: no sweep first

    assert report.digests_sent == 1
    assert mail.outbox[0].to == [bob.email]
    assert TITLE in mail.outbox[0].body


def test_running_the_rule_again_or_the_sweep_after_it_changes_nothing(bob, yesterday):
    question = services.create_question(
        title=TITLE, resolution_criteria=CRITERIA, deadline=yesterday
    )
    first = fall_due_now(question_ids=[question.pk])
    again = fall_due_now(question_ids=[question.pk])
    sweep = mark_due_questions()
    assert (first.marked_due, first.assigned) == (1, 1)
    assert (again.marked_due, again.assigned, sweep.marked_due, sweep.assigned) == (0, 0, 0, 0)
    assert ReviewAssignment.objects.count() == 1
