"""Reminder digests: one per recipient per pass, each stage once, nothing lost."""

import datetime as dt
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.utils import timezone

from forecasts.models import Profile, Question, ReminderRecord
from forecasts.services import update_question
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.reminder_claims import claim_reminders, reviewer_stage
from forecasts.services.reviews.reminders import ReminderDeliveryFailed, send_review_reminders
from forecasts.services.reviews.verdicts import submit_verdict
from tests.builders import past_question, predict

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now()


def _due(n: int, now: dt.datetime) -> list[Question]:
    questions = [past_question(f"Will event {i} happen?") for i in range(n)]
    mark_due_questions(now=now)
    return questions


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.mark.parametrize(
    ("days", "stage"), [(-1, None), (0, "due"), (2, "due"), (3, "day3"), (6, "day3"), (7, "day7")]
)
def test_reviewer_stage_is_the_latest_reached(days, stage):
    assert reviewer_stage(days) == stage


def test_n_due_questions_over_m_reviewers_give_m_digests(bob, dave, now):
    _due(5, now)
    report = send_review_reminders(now=now)
    assert report.digests_sent == 2
    assert _recipients() == ["bob@example.org", "dave@example.org"]
    listed = sum(m.body.count("Review it: ") for m in mail.outbox)
    assert listed == 5


def test_reminder_is_sent_once_when_task_runs_twice(bob, dave, now):
    _due(3, now)
    send_review_reminders(now=now)
    mail.outbox.clear()
    report = send_review_reminders(now=now + dt.timedelta(hours=1))
    assert report.digests_sent == 0
    assert mail.outbox == []


def test_stages_follow_days_overdue_each_once(bob, now):
    _due(1, now)
    sent_stages = []
    for day in range(10):
        mail.outbox.clear()
        send_review_reminders(now=now + day * DAY)
        if mail.outbox:
            sent_stages.append(day)
    assert sent_stages == [0, 3, 7]
    stages = ReminderRecord.objects.values_list("stage", flat=True).order_by("claimed_at")
    assert list(stages) == ["due", "day3", "day7"]


def test_first_pass_long_after_due_sends_only_the_latest_stage(bob, now):
    _due(1, now)
    send_review_reminders(now=now + 8 * DAY)
    assert len(mail.outbox) == 1
    assert list(ReminderRecord.objects.values_list("stage", flat=True)) == ["day7"]


def test_overdue_past_escalation_goes_to_admins_in_one_digest(bob, carol, now):
    _due(2, now)
    send_review_reminders(now=now)
    mail.outbox.clear()
    send_review_reminders(now=now + 14 * DAY)
    # bob is reminded (the latest stage, day 7), carol told of both questions in one digest.
    assert _recipients() == ["bob@example.org", "carol@example.org"]
    (to_carol,) = [m for m in mail.outbox if m.to == ["carol@example.org"]]
    assert "2 escalated reviews" in to_carol.subject
    mail.outbox.clear()
    send_review_reminders(now=now + 15 * DAY)
    assert mail.outbox == []


def test_due_question_nobody_can_review_is_escalated_at_once(carol, now):
    _due(1, now)
    send_review_reminders(now=now)
    assert _recipients() == ["carol@example.org"]


def test_rows_claimed_by_a_crashed_run_are_sent_by_the_next_exactly_once(bob, dave, now):
    _due(4, now)
    claim_reminders(now=now)  # the run died here: claimed, nothing sent
    assert mail.outbox == []
    send_review_reminders(now=now + dt.timedelta(minutes=5))
    send_review_reminders(now=now + dt.timedelta(minutes=10))
    assert _recipients() == ["bob@example.org", "dave@example.org"]
    assert not ReminderRecord.objects.filter(sent_at=None).exists()


def test_failed_smtp_keeps_the_rows_for_the_retry(bob, now, monkeypatch):
    _due(1, now)

    def refuse(self, fail_silently=False):
        raise SMTPServerDisconnected("down")

    with monkeypatch.context() as patched:
        patched.setattr(mail.EmailMultiAlternatives, "send", refuse)
        with pytest.raises(ReminderDeliveryFailed):
            send_review_reminders(now=now)
    assert ReminderRecord.objects.filter(sent_at=None).count() == 1
    send_review_reminders(now=now)
    assert _recipients() == ["bob@example.org"]


def test_deadline_moved_later_resets_the_stages(bob, now):
    (question,) = _due(1, now)
    send_review_reminders(now=now + 3 * DAY)
    update_question(
        question=question,
        title=question.title,
        resolution_criteria=question.resolution_criteria,
        deadline=timezone.localdate(now) + 2 * DAY,
        reason="The summit was postponed.",
    )
    question.refresh_from_db()
    assert (question.status, question.reminder_cycle) == ("open", 2)
    mail.outbox.clear()
    later = now + 4 * DAY
    mark_due_questions(now=later)
    send_review_reminders(now=later)
    assert len(mail.outbox) == 1
    assert ReminderRecord.objects.filter(cycle=2, stage="due").count() == 1


def test_reminder_for_a_question_resolved_since_the_claim_is_not_sent(bob, now):
    (question,) = _due(1, now)
    claim_reminders(now=now)
    submit_verdict(
        question=question, reviewer=bob, outcome="yes", evidence_url="https://example.org/e"
    )
    report = send_review_reminders(now=now)
    assert (report.digests_sent, report.rows_lapsed, mail.outbox) == (0, 1, [])


def test_digest_has_text_and_html_signed_links_and_unsubscribe_headers(bob, now):
    (question,) = _due(1, now)
    send_review_reminders(now=now)
    (message,) = mail.outbox
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert question.title in message.body
    assert "/review/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/review/unsubscribe/" in html


def test_digest_escapes_question_titles_in_html(bob, now):
    question = past_question("Will <script>alert(1)</script> & co win?")
    mark_due_questions(now=now)
    send_review_reminders(now=now)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert question.title in mail.outbox[0].body


def _heads_up_user(user, **prefs):
    Profile.objects.create(user=user, heads_up=True, **prefs)


def test_heads_up_goes_a_week_before_the_deadline_to_who_asked(alice, question, now):
    _heads_up_user(alice)
    question.deadline = timezone.localdate(now) + 5 * DAY
    question.save()
    predict(question, recorded_by=alice)
    send_review_reminders(now=now)
    send_review_reminders(now=now + DAY)
    assert _recipients() == ["alice@example.org"]
    assert "deadline" in mail.outbox[0].subject


def test_heads_up_respects_the_opt_out(alice, question, now):
    _heads_up_user(alice, email_opt_out=True)
    question.deadline = timezone.localdate(now) + 5 * DAY
    question.save()
    predict(question, recorded_by=alice)
    send_review_reminders(now=now)
    assert mail.outbox == []


def test_opt_out_does_not_stop_essential_review_reminders(bob, now):
    Profile.objects.create(user=bob, email_opt_out=True)
    _due(1, now)
    send_review_reminders(now=now)
    assert _recipients() == ["bob@example.org"]


def test_reviewer_with_many_stages_at_once_gets_one_digest(bob, carol, now):
    old = _due(1, now - 8 * DAY)
    fresh = past_question("Fresh")
    mark_due_questions(now=now)
    send_review_reminders(now=now)
    assert _recipients() == ["bob@example.org"]
    body = mail.outbox[0].body
    assert old[0].title in body
    assert fresh.title in body


def test_the_reminder_task_sweeps_first_so_a_question_due_this_tick_is_in_its_digest(bob):
    # Beat fires the due sweep and the pass in the same tick; whichever runs first, the
    # question that fell due since the last sweep must not wait a whole interval.
    from forecasts import tasks

    question = past_question("Will the ferry timetable change?")
    assert question.status == Question.Status.OPEN
    result = tasks.send_review_reminders.delay().get()
    assert result == {"digests": 1, "rows": 1, "handed_off": 0}
    assert _recipients() == ["bob@example.org"]
    question.refresh_from_db()
    assert question.status == Question.Status.DUE
