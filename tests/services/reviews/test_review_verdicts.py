"""Verdicts: permissions, validation, quorum, disputes and admin re-resolution."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from forecasts.models import PredictionScore, Question, ReminderRecord, Review, TrackRecord
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.verdicts import VerdictConflict, resolve_question, submit_verdict
from tests.builders import past_question, predict

pytestmark = pytest.mark.django_db
EVIDENCE = "https://example.org/evidence"


@pytest.fixture
def due(bob, dave) -> Question:
    question = past_question("Will the harbour reopen?")
    predict(question, p=0.8)
    mark_due_questions()
    question.refresh_from_db()
    return question


def verdict(question: Question, user, outcome: str = "yes", **extra):
    extra.setdefault("evidence_url", EVIDENCE)
    return submit_verdict(question=question, reviewer=user, outcome=outcome, **extra)


def _field_errors(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_non_reviewer_is_refused(due, alice):
    with pytest.raises(PermissionDenied, match="Only reviewers"):
        verdict(due, alice)


@pytest.mark.parametrize("outcome", ["maybe", "", "1"])
def test_bad_outcome_names_the_field(due, bob, outcome):
    with pytest.raises(ValidationError) as exc:
        verdict(due, bob, outcome)
    assert "outcome" in _field_errors(exc)


@pytest.mark.parametrize("outcome", ["yes", "no"])
def test_yes_or_no_without_evidence_names_the_field(due, bob, outcome):
    with pytest.raises(ValidationError) as exc:
        verdict(due, bob, outcome, evidence_url="  ")
    assert "evidence URL" in _field_errors(exc)["evidence_url"][0]


def test_evidence_must_be_a_web_address(due, bob):
    with pytest.raises(ValidationError) as exc:
        verdict(due, bob, evidence_url="javascript:alert(1)")
    assert "evidence_url" in _field_errors(exc)


def test_annulled_needs_no_evidence(due, bob):
    verdict(due, bob, "annulled", evidence_url="")
    due.refresh_from_db()
    assert (due.status, due.outcome) == ("annulled", "annulled")


def test_one_review_required_the_first_verdict_resolves_and_scores(
    due, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict(due, bob, "YES")
    due.refresh_from_db()
    assert (due.status, due.outcome) == ("resolved", "yes")
    assert PredictionScore.objects.get(question=due).outcome == 1
    assert TrackRecord.objects.filter(prospective_only=False, topic=None).get().resolved_count == 1


def test_second_verdict_on_a_resolved_question_is_a_conflict_naming_who(due, bob, dave):
    verdict(due, bob, "yes")
    with pytest.raises(VerdictConflict, match="already resolved as YES by bob"):
        verdict(due, dave, "no")
    assert Review.objects.count() == 1


def test_verdict_on_an_open_question_is_a_conflict(bob, question):
    with pytest.raises(VerdictConflict, match="not due"):
        verdict(question, bob)


def test_two_required_agreement_resolves(settings, due, bob, dave):
    settings.REVIEWS_REQUIRED = 2
    mark_due_questions()
    verdict(due, bob, "no")
    due.refresh_from_db()
    assert due.status == "due"
    verdict(due, dave, "no")
    due.refresh_from_db()
    assert (due.status, due.outcome) == ("resolved", "no")
    assert PredictionScore.objects.get(question=due).outcome == 0


def test_same_reviewer_twice_in_a_round_is_a_conflict(settings, due, bob):
    settings.REVIEWS_REQUIRED = 2
    mark_due_questions()  # a second reviewer for the second verdict
    verdict(due, bob, "no")
    with pytest.raises(VerdictConflict, match="already gave a verdict"):
        verdict(due, bob, "yes")


def test_two_required_disagreement_disputes_and_escalates(
    settings, due, bob, dave, carol, django_capture_on_commit_callbacks
):
    settings.REVIEWS_REQUIRED = 2
    mark_due_questions()
    verdict(due, bob, "yes")
    with django_capture_on_commit_callbacks(execute=True):
        verdict(due, dave, "no")
    due.refresh_from_db()
    assert due.status == "disputed"
    assert not PredictionScore.objects.filter(question=due).exists()
    row = ReminderRecord.objects.get(stage="dispute")
    assert (row.recipient, row.sent_at is not None) == (carol, True)
    assert [m.to for m in mail.outbox] == [["carol@example.org"]]
    with pytest.raises(VerdictConflict, match="disputed"):
        verdict(due, bob, "no")


def test_admin_settles_a_dispute(settings, due, bob, dave, carol):
    settings.REVIEWS_REQUIRED = 2
    mark_due_questions()
    verdict(due, bob, "yes")
    verdict(due, dave, "no")
    verdict(due, carol, "no", note="The closure order was never lifted.")
    due.refresh_from_db()
    assert (due.status, due.outcome) == ("resolved", "no")
    assert Review.objects.filter(question=due).count() == 3


def test_admin_re_resolution_needs_a_reason_and_scores_follow(due, bob, carol):
    verdict(due, bob, "yes")
    with pytest.raises(ValidationError) as exc:
        verdict(due, carol, "no")
    assert "reason" in _field_errors(exc)
    verdict(due, carol, "no", reason="The reopening was reversed the same day.")
    due.refresh_from_db()
    assert (due.status, due.outcome, due.review_round) == ("resolved", "no", 2)
    assert PredictionScore.objects.get(question=due).outcome == 0
    assert list(Review.objects.values_list("round", "outcome")) == [(1, "yes"), (2, "no")]


def test_re_resolved_as_annulled_removes_scores(
    due, bob, carol, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        verdict(due, bob, "yes")
    assert TrackRecord.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        verdict(due, carol, "annulled", evidence_url="", reason="The criteria were ambiguous.")
    assert not PredictionScore.objects.exists()
    assert not TrackRecord.objects.exists()


def test_resolve_question_keeps_its_signature_for_seeds(carol, question):
    review = resolve_question(
        question=question, outcome="yes", resolved_by=carol, evidence_url=EVIDENCE, note="n"
    )
    question.refresh_from_db()
    assert (review.round, question.status) == (1, "resolved")
