"""The operators' commands: one sweep, one reminder pass, synchronously."""

import pytest
from django.core import mail
from django.core.management import call_command

from tests.builders import make_user, past_question

pytestmark = pytest.mark.django_db


def test_commands_mark_due_and_send_one_pass(bob, capsys):
    past_question("Will the bridge open?")
    call_command("mark_due_questions")
    call_command("send_review_reminders")
    call_command("send_review_reminders")
    out = capsys.readouterr().out
    assert "1 question(s) fell due" in out
    assert "Sent 1 digest(s)" in out
    assert "Sent 0 digest(s)" in out
    assert len(mail.outbox) == 1


def test_celery_tasks_run_the_same_services(bob):
    from forecasts import tasks

    past_question("Will the ferry run?")
    assert tasks.mark_due_questions.delay().get() == {"marked_due": 1, "assigned": 1}
    assert tasks.send_review_reminders.delay().get() == {"digests": 1, "rows": 1, "handed_off": 0}


def test_a_pass_past_the_chunk_size_hands_the_rest_to_delivery_tasks(
    settings, django_capture_on_commit_callbacks
):
    from forecasts import tasks

    settings.REMINDER_DELIVERY_CHUNK = 2
    reviewers = [make_user(f"reader{i}", "Reviewers") for i in range(5)]
    for i in range(5):
        past_question(f"Will lock {i} reopen?")
    tasks.mark_due_questions.delay().get()

    with django_capture_on_commit_callbacks(execute=True) as handed:
        result = tasks.send_review_reminders.delay().get()
    assert result == {"digests": 2, "rows": 2, "handed_off": 3}
    assert len(handed) == 2  # chunks of 2 and 1 recipients, one task each
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in reviewers)

    with django_capture_on_commit_callbacks(execute=True) as handed:
        again = tasks.send_review_reminders.delay().get()
    assert again == {"digests": 0, "rows": 0, "handed_off": 0}
    assert handed == []
    assert len(mail.outbox) == 5


def test_a_retried_pass_does_not_hand_the_chunks_off_again(
    settings, django_capture_on_commit_callbacks
):
    from forecasts import tasks

    settings.REMINDER_DELIVERY_CHUNK = 2
    for i in range(5):
        make_user(f"retry{i}", "Reviewers")
        past_question(f"Will gate {i} open?")
    tasks.mark_due_questions.delay().get()

    # As after a failed first attempt: the handed-off tasks exist already, so a retry only
    # delivers its own chunk (and the next beat pass plans whatever is still unsent).
    with django_capture_on_commit_callbacks(execute=True) as handed:
        retried = tasks.send_review_reminders.apply(retries=1).get()
    assert retried == {"digests": 2, "rows": 2, "handed_off": 0}
    assert handed == []
    assert len(mail.outbox) == 2
