"""Independent verdicts: nobody judges a question they recorded, corrected or revised anything
on; reviewers judge what is assigned to them, or take a due question nobody eligible holds.
Every path: the API, the review queue, an admin's (re-)resolution, the due sweep."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from forecasts.models import Question, Review, ReviewAssignment
from forecasts.services import correct_prediction, update_question
from forecasts.services.reviews.assignments import mark_due_questions
from tests.builders import due_question, past_question, predict

pytestmark = pytest.mark.django_db

EVIDENCE = "https://example.org/council-minutes"


def _resolve(client: APIClient, question: Question, **body):
    body = {"outcome": "no", "evidence_url": EVIDENCE, **body}
    return client.post(f"/api/questions/{question.pk}/resolve/", body, format="json")


@pytest.fixture
def erin(db) -> User:
    """An editor who is also a reviewer: the insider of the issue."""
    from forecasts.services.roles import ensure_roles

    ensure_roles()
    user = User.objects.create_user("erin", "erin@example.org", "pw-erin", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=["Editors", "Reviewers"]))
    return user


def _assign(question: Question, reviewer: User) -> None:
    ReviewAssignment.objects.create(question=question, reviewer=reviewer, round=1)


def test_record_then_resolve_by_one_person_is_refused_with_a_403_saying_why(api_as, erin):
    client = api_as(erin)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    created = client.post(
        "/api/predictions/",
        {
            "expert": client.post("/api/experts/", {"name": "Ida Moss"}, format="json").json()[
                "slug"
            ],
            "probability": 0.3,
            "made_on": str(yesterday - dt.timedelta(days=30)),
            "new_question": {
                "title": "Will the ferry strike end by yesterday?",
                "resolution_criteria": "YES if the union calls it off; NO otherwise.",
                "deadline": str(yesterday),
                "topics": [],
            },
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    question = Question.objects.get(pk=created.json()["question"]["id"])
    mark_due_questions()
    question.refresh_from_db()
    assert question.status == Question.Status.DUE
    assert not question.assignments.filter(reviewer=erin).exists()  # never assigned to them

    response = _resolve(client, question)
    assert response.status_code == 403
    assert "You recorded a prediction on this question" in response.json()["detail"]
    assert not Review.objects.exists()
    taken = client.post(f"/api/questions/{question.pk}/take/")
    assert taken.status_code == 403
    assert "You recorded a prediction on this question" in taken.json()["detail"]


def test_a_reviewer_cannot_resolve_a_question_assigned_to_someone_else(api_as, bob, dave):
    question = due_question("Will the toll go?")
    predict(question)
    _assign(question, dave)
    response = _resolve(api_as(bob), question)
    assert response.status_code == 403
    assert "assigned to other reviewers" in response.json()["detail"]
    assert _resolve(api_as(dave), question).status_code == 201


def test_a_due_question_nobody_eligible_holds_is_taken_then_judged(api_as, bob, dave):
    question = due_question("Will the toll go?")
    predict(question)
    refused = _resolve(api_as(bob), question)
    assert refused.status_code == 403
    assert "take it from the review queue" in refused.json()["detail"]
    taken = api_as(bob).post(f"/api/questions/{question.pk}/take/")
    assert taken.status_code == 201
    assert taken.json()["reviewer"] == "bob"
    again = api_as(bob).post(f"/api/questions/{question.pk}/take/")
    assert again.status_code == 200  # taking twice is harmless: the assignment held, once
    assert again.json() == taken.json()
    assert question.assignments.filter(reviewer=bob).count() == 1
    # Now someone eligible holds it: it is not dave's to take.
    assert api_as(dave).post(f"/api/questions/{question.pk}/take/").status_code == 409
    assert _resolve(api_as(bob), question).status_code == 201


def test_taking_again_after_the_verdict_keeps_the_assignment_done(settings, api_as, bob):
    settings.REVIEWS_REQUIRED = 2  # one verdict leaves the question due
    question = due_question("Will the toll go?")
    assert api_as(bob).post(f"/api/questions/{question.pk}/take/").status_code == 201
    assert _resolve(api_as(bob), question).status_code == 201
    again = api_as(bob).post(f"/api/questions/{question.pk}/take/")
    assert again.status_code == 200
    assignment = question.assignments.get(reviewer=bob)
    assert assignment.state == ReviewAssignment.State.DONE  # not reopened for a second verdict


def test_an_admin_who_recorded_cannot_resolve_nor_re_resolve(api_as, carol, bob):
    from forecasts.services.reviews.verdicts import resolve_question

    question = due_question("Will the toll go?")
    predict(question, recorded_by=carol)
    response = _resolve(api_as(carol), question)
    assert response.status_code == 403
    assert "You recorded" in response.json()["detail"]

    _assign(question, bob)
    assert _resolve(api_as(bob), question, outcome="yes").status_code == 201
    again = _resolve(api_as(carol), question, outcome="no", reason="Evidence was misread.")
    assert again.status_code == 403
    with pytest.raises(Exception, match="You recorded"):
        resolve_question(
            question=question,
            outcome="no",
            resolved_by=carol,
            evidence_url=EVIDENCE,
            reason="Evidence was misread.",
        )
    question.refresh_from_db()
    assert question.outcome == "yes"


def test_an_independent_admin_re_resolves_with_the_reason_kept(api_as, carol, bob, alice):
    question = due_question("Will the toll go?")
    predict(question, recorded_by=alice)
    _assign(question, bob)
    assert _resolve(api_as(bob), question, outcome="yes").status_code == 201
    no_reason = _resolve(api_as(carol), question, outcome="no")
    assert no_reason.status_code == 400
    response = _resolve(api_as(carol), question, outcome="no", reason="The notice was withdrawn.")
    assert response.status_code == 201
    assert Review.objects.get(reviewer=carol).reason == "The notice was withdrawn."


def test_a_correction_or_revision_makes_a_reviewer_ineligible(api_as, alice, bob, dave, oscar):
    question = due_question("Will the toll go?", reviewers=[oscar])
    prediction = predict(question, recorded_by=alice)
    # An admin who corrects a prediction after the deadline may not judge the question.
    correct_prediction(prediction=prediction, reason="Misread.", corrected_by=oscar, quote="x")
    assert not question.assignments.filter(reviewer=oscar, state="pending").exists()
    response = _resolve(api_as(oscar), question)
    assert response.status_code == 403
    assert "You corrected a prediction" in response.json()["detail"]

    other = past_question("Will the bridge close?")
    update_question(
        question=other,
        reason="Clearer criteria.",
        changed_by=dave,
        resolution_criteria="YES if closed for a day.",
    )
    Question.objects.filter(pk=other.pk).update(status="due", due_at=timezone.now())
    taken = api_as(dave).post(f"/api/questions/{other.pk}/take/")
    assert taken.status_code == 403
    assert "You revised this question" in taken.json()["detail"]


def test_the_sweep_never_assigns_anyone_involved(alice, bob, dave):
    recorded = past_question("Recorded by bob")
    predict(recorded, recorded_by=bob)
    created = past_question("Created by dave")
    Question.objects.filter(pk=created.pk).update(created_by=dave)
    predict(created, recorded_by=alice)
    mark_due_questions()
    assert set(recorded.assignments.values_list("reviewer__username", flat=True)) == {"dave"}
    assert set(created.assignments.values_list("reviewer__username", flat=True)) == {"bob"}


def test_the_review_queue_refuses_an_involved_reviewer_and_offers_takes(client, bob, alice):
    involved = due_question("Recorded by bob")
    predict(involved, recorded_by=bob)
    free = due_question("Recorded by alice")
    predict(free, recorded_by=alice)
    client.force_login(bob)
    queue = client.get("/review/").content.decode()
    assert "Due questions nobody eligible holds" in queue
    assert f"/review/questions/{free.pk}/take/" in queue
    assert f"/review/questions/{involved.pk}/take/" not in queue

    page = client.get(f"/review/questions/{involved.pk}/").content.decode()
    assert "You recorded a prediction on this question" in page
    posted = client.post(
        f"/review/questions/{involved.pk}/", {"outcome": "no", "evidence_url": EVIDENCE}
    )
    assert posted.status_code == 403
    assert "You recorded a prediction" in posted.content.decode()
    assert not Review.objects.exists()

    taken = client.post(f"/review/questions/{free.pk}/take/")
    assert taken.status_code == 302
    judged = client.post(  # as the summary page sends it back confirmed
        f"/review/questions/{free.pk}/",
        {"outcome": "no", "evidence_url": EVIDENCE, "confirm": "yes", "verdicts_seen": "0"},
    )
    assert judged.status_code == 302
    free.refresh_from_db()
    assert free.outcome == "no"


def test_an_admin_re_resolving_on_the_review_page_is_held_to_the_rule(api_as, client, carol, bob):
    question = due_question("Will the toll go?")
    predict(question, recorded_by=carol)
    _assign(question, bob)
    assert _resolve(api_as(bob), question, outcome="yes").status_code == 201
    client.force_login(carol)
    page = client.get(f"/review/questions/{question.pk}/").content.decode()
    assert "You recorded a prediction on this question" in page
    posted = client.post(
        f"/review/questions/{question.pk}/",
        {"outcome": "no", "evidence_url": EVIDENCE, "reason": "Misread."},
    )
    assert posted.status_code == 403
    question.refresh_from_db()
    assert question.outcome == "yes"
