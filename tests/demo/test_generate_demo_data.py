"""generate_demo_data: bulk, deterministic for a seed, realistic shape, chained in the ledger."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from forecasts.demo.generator import DemoSpec, generate_demo_data
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
    TrackRecord,
)
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.reviews.reminders import send_review_reminders
from tests.builders import make_user

pytestmark = pytest.mark.django_db
ANCHOR = dt.date(2026, 1, 15)
TINY = {"experts": 30, "questions": 120, "predictions": 600, "topics": 6, "reviewers": 3}


def _snapshot() -> dict:
    return {
        "experts": list(Expert.objects.order_by("pk").values_list("pk", "name", "slug")),
        "questions": list(
            Question.objects.order_by("pk").values_list(
                "pk",
                "title",
                "deadline",
                "status",
                "outcome",
                "resolved_at",
                "consensus_probability",
            )  # fmt: skip
        ),
        "predictions": list(
            Prediction.objects.order_by("pk").values_list(
                "pk",
                "expert_id",
                "question_id",
                "probability",
                "basis",
                "phrase",
                "made_on",
                "source_id",
            )  # fmt: skip
        ),
        "topics": sorted(Question.topics.through.objects.values_list("question_id", "topic_id")),
        "ledger": list(LedgerEntry.objects.order_by("seq").values_list("hash", flat=True)),
    }


def _wipe() -> None:
    for model in (
        LedgerEntry, PredictionScore, TrackRecord, Review, ReminderRecord, ReviewAssignment,
        Prediction,
        QuestionRevision, Question, Source, Expert, LedgerHead,
    ):  # fmt: skip
        model.objects.all().delete()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not():
    generate_demo_data(DemoSpec(seed=5, anchor=ANCHOR, **TINY))
    first = _snapshot()
    _wipe()
    generate_demo_data(DemoSpec(seed=5, anchor=ANCHOR, **TINY))
    assert _snapshot() == first
    _wipe()
    generate_demo_data(DemoSpec(seed=6, anchor=ANCHOR, **TINY))
    assert _snapshot()["predictions"] != first["predictions"]


def test_generated_rows_are_chained_exactly_as_the_ledger_would_chain_them():
    generate_demo_data(DemoSpec(seed=2, anchor=ANCHOR, **TINY))
    checked, problem = verify_ledger()
    assert problem is None, str(problem)
    # Each question's first revision, each prediction, each verdict and its settlement.
    published = Question.objects.count() + Prediction.objects.count() + 2 * Review.objects.count()
    assert checked == published


def test_shape_many_occasional_experts_popular_questions_mostly_resolved():
    spec = DemoSpec(seed=3, anchor=ANCHOR, overdue=10, **{**TINY, "predictions": 2000})
    generate_demo_data(spec)
    assert Prediction.objects.count() == 2000
    assert not Prediction.objects.filter(made_on__gt=F("question__deadline")).exists()
    per_expert = sorted(
        Expert.objects.annotate(n=Count("predictions")).values_list("n", flat=True), reverse=True
    )
    assert per_expert[0] > 5 * per_expert[len(per_expert) // 2]  # a few prolific, many not
    per_question = Question.objects.annotate(n=Count("predictions")).values_list("n", flat=True)
    assert max(per_question) >= 4  # several experts on popular questions
    statuses = dict(
        Question.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    assert 0.55 <= statuses["resolved"] / spec.questions <= 0.85
    assert statuses.get("annulled", 0) > 0
    overdue = Question.objects.filter(status="open", deadline__lt=ANCHOR).count()
    assert overdue == 10
    assert Question.topics.through.objects.exists()
    assert Review.objects.count() == statuses["resolved"] + statuses["annulled"]


def test_command_generates_scores_and_track_records():
    out = StringIO()
    call_command(
        "generate_demo_data", "--experts", "10", "--questions", "40", "--predictions", "150",
        "--seed", "4", "--anchor", "2026-01-15", "--quiet", stdout=out,
    )  # fmt: skip
    assert "150 predictions" in out.getvalue()
    assert PredictionScore.objects.exists()
    assert TrackRecord.objects.filter(prospective_only=False, topic__isnull=True).exists()


def test_questions_already_due_come_with_the_reminders_a_live_service_sent(settings):
    """A backlog of due questions has had its reminders; the next pass owes only what is new."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = make_user("demo-admin", is_superuser=True)
    generate_demo_data(DemoSpec(seed=7, anchor=ANCHOR, overdue=4, **TINY))
    due = list(Question.objects.filter(status="due").values_list("pk", "due_at"))
    assert due
    noon = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
    for pk, due_at in due:
        sent = dict(ReminderRecord.objects.filter(question_id=pk).values_list("stage", "sent_at"))
        reached = {
            stage for stage, days in settings.REMINDER_STAGE_DAYS.items()
            if due_at + dt.timedelta(days=days) <= noon
        }  # fmt: skip
        if due_at + dt.timedelta(days=settings.ESCALATION_AFTER_DAYS) <= noon:
            reached.add("escalation")
        assert set(sent) == reached
        assert all(at is not None and at <= noon for at in sent.values())
    escalations = ReminderRecord.objects.filter(stage="escalation")
    assert set(escalations.values_list("recipient_id", flat=True)) == {admin.pk}

    # The first pass after generation, on the anchor day, tells nobody about the backlog.
    report = send_review_reminders(now=noon)
    assert report.rows_sent == 0
    assert not ReminderRecord.objects.filter(sent_at__isnull=True).exists()
