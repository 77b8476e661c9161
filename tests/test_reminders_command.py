"""The operators' commands: one sweep, one reminder pass, synchronously."""

import pytest
from django.core import mail
from django.core.management import call_command

from tests.review_helpers import past_question

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
    assert tasks.send_review_reminders.delay().get() == {"digests": 1, "rows": 1}
