"""A verdict given on the review page is summed up and confirmed before it is recorded: it
becomes part of the public record and is never edited, only superseded with a reason. The API
records at once (its contract), which tests/api covers."""

import html
import re

import pytest
from django.test import Client

from forecasts.models import Question, Review
from forecasts.services.reviews.assignments import mark_due_questions
from tests.builders import past_question, predict

pytestmark = pytest.mark.django_db
EVIDENCE = "https://example.org/harbour-authority/reopening-notice"


@pytest.fixture
def due(bob) -> Question:
    question = past_question("Will the harbour reopen to ferries?")
    predict(question, p=0.8)
    mark_due_questions()
    return question


def _url(question: Question) -> str:
    return f"/review/questions/{question.pk}/"


def _hidden_fields(page: str) -> dict[str, str]:
    """What the summary's form sends back when the reviewer confirms, but the CSRF token."""
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return {name: html.unescape(value) for name, value in found if name != "csrfmiddlewaretoken"}


def test_a_verdict_posted_without_confirming_records_nothing_and_sums_it_up(
    client: Client, bob, due
):
    client.force_login(bob)
    response = client.post(
        _url(due), {"outcome": "yes", "evidence_url": EVIDENCE, "note": "Notice of 2 May."}
    )

    assert response.status_code == 200
    assert not Review.objects.exists()
    due.refresh_from_db()
    assert (due.status, due.outcome) == ("due", "")
    page = response.content.decode()
    summary = re.search(r'<p class="verdict[^"]*" id="verdict-summary">(.*?)</p>', page, re.S)
    text = re.sub(r"<[^>]+>", "", summary.group(1))
    assert text == (f"Question {due.pk}, “{due.title}”, resolves YES, with evidence {EVIDENCE}.")
    assert "This becomes part of the public record." in page
    assert "Note, shown on the public page: Notice of 2 May." in page
    assert _hidden_fields(page) == {
        "outcome": "yes",
        "evidence_url": EVIDENCE,
        "note": "Notice of 2 May.",
        "reason": "",
        "verdicts_seen": "0",
    }
    assert 'name="confirm" value="yes"' in page


def test_confirming_records_the_verdict_once(client: Client, bob, due):
    client.force_login(bob)
    summary = client.post(_url(due), {"outcome": "no", "evidence_url": EVIDENCE})
    confirmation = _hidden_fields(summary.content.decode()) | {"confirm": "yes"}

    response = client.post(_url(due), confirmation)
    assert (response.status_code, response["Location"]) == (302, "/review/")
    review = Review.objects.get()
    assert (review.reviewer, review.outcome, review.evidence_url) == (bob, "no", EVIDENCE)
    due.refresh_from_db()
    assert (due.status, due.outcome) == ("resolved", "no")

    # The same confirmation again (a double click, a reload) records nothing more.
    again = client.post(_url(due), confirmation)
    assert again.status_code == 409
    assert "A verdict was recorded on this question after you checked yours" in (
        again.content.decode()
    )
    assert Review.objects.count() == 1


def test_an_admins_re_resolution_confirmed_twice_opens_one_round(client: Client, bob, carol, due):
    client.force_login(bob)
    first = client.post(_url(due), {"outcome": "yes", "evidence_url": EVIDENCE})
    client.post(_url(due), _hidden_fields(first.content.decode()) | {"confirm": "yes"})
    client.force_login(carol)
    data = {"outcome": "no", "evidence_url": EVIDENCE, "reason": "The notice was withdrawn."}

    summary = client.post(_url(due), data).content.decode()
    assert "Confirm the re-resolution" in summary
    assert "It is YES now; that verdict stays on record beside this one." in summary
    assert "Reason for re-resolving: The notice was withdrawn." in summary
    confirmation = _hidden_fields(summary) | {"confirm": "yes"}
    assert client.post(_url(due), confirmation).status_code == 302
    assert client.post(_url(due), confirmation).status_code == 409

    due.refresh_from_db()
    assert (due.outcome, due.review_round) == ("no", 2)
    assert list(Review.objects.order_by("pk").values_list("outcome", flat=True)) == ["yes", "no"]


def test_change_it_goes_back_to_the_form_as_typed_and_records_nothing(client: Client, bob, due):
    client.force_login(bob)
    summary = client.post(_url(due), {"outcome": "annulled", "note": "Port renamed."})
    assert "is <strong>ANNULLED</strong>, with no evidence URL." in summary.content.decode()

    back = client.post(_url(due), _hidden_fields(summary.content.decode()) | {"change": "1"})
    assert back.status_code == 200
    page = back.content.decode()
    assert f'id="q{due.pk}-outcome-annulled" name="outcome" value="annulled" required checked' in (
        page
    )
    assert ">Port renamed.</textarea>" in page
    assert not Review.objects.exists()


def test_a_verdict_the_service_would_refuse_comes_back_on_the_form_not_the_summary(
    client: Client, bob, due
):
    client.force_login(bob)
    response = client.post(_url(due), {"outcome": "yes", "evidence_url": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "A YES or NO verdict needs an evidence URL." in page
    assert 'id="verdict-summary"' not in page
    assert not Review.objects.exists()


def test_the_summary_shows_what_was_typed_escaped(client: Client, bob, due):
    client.force_login(bob)
    note = '<script>alert("note")</script>'
    page = client.post(
        _url(due), {"outcome": "yes", "evidence_url": EVIDENCE, "note": note}
    ).content.decode()
    assert note not in page
    assert "&lt;script&gt;alert(&quot;note&quot;)&lt;/script&gt;" in page
    assert _hidden_fields(page)["note"] == note
