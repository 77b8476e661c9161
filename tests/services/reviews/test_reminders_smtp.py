"""A reminder pass against a real SMTP server (aiosmtpd, in this process): one connection for
the whole pass, and a refused digest costs only that digest."""

from collections.abc import Iterator

import pytest
from django.utils import timezone

from forecasts.models import ReminderRecord
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.reminders import ReminderDeliveryFailed, send_review_reminders
from tests.builders import make_user, past_question
from tests.fault_support import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    servers: list[SmtpServer] = []

    def start(**options: object) -> SmtpServer:
        servers.append(SmtpServer(**options))
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", servers[-1].port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def _due_for(count: int) -> list:
    reviewers = [make_user(f"smtp-reviewer{i}", "Reviewers") for i in range(count)]
    for i in range(count):
        past_question(f"Will the SMTP pass reach reviewer {i}?")
    mark_due_questions()
    return reviewers


def test_one_pass_sends_every_digest_over_one_connection(smtp_server):
    server = smtp_server()
    reviewers = _due_for(4)
    report = send_review_reminders(now=timezone.now())
    assert report.digests_sent == 4
    assert server.sink.recipients() == sorted(r.email for r in reviewers)
    assert len(set(server.sink.peers)) == 1


def test_a_refused_digest_stays_queued_and_the_others_go_out(smtp_server):
    server = smtp_server(refuse_at=2)
    reviewers = _due_for(4)
    with pytest.raises(ReminderDeliveryFailed):
        send_review_reminders(now=timezone.now())
    assert len(server.sink.messages) == 3  # the refused one aside, everyone got theirs
    unsent = ReminderRecord.objects.filter(sent_at__isnull=True)
    assert unsent.count() == 1
    # The connection was dropped after the refusal and a fresh one took the rest.
    assert len(set(server.sink.peers)) == 2
    # The next pass sends the refused digest, and only it.
    send_review_reminders(now=timezone.now())
    assert server.sink.recipients() == sorted(r.email for r in reviewers)
    assert not unsent.exists()
