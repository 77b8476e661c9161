"""The review queue page, the verdict form and the links digests carry."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from forecasts.models import Profile, Question
from forecasts.services.reviews import digests
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.reminders import send_review_reminders
from tests.builders import due_question, past_question, predict

pytestmark = pytest.mark.django_db
EVIDENCE = "https://example.org/evidence"


@pytest.fixture
def due(bob) -> Question:
    question = past_question("Will the harbour reopen?")
    predict(question, p=0.8)
    mark_due_questions()
    return question


def _url(question: Question) -> str:
    return f"/review/questions/{question.pk}/"


def _confirmed(question: Question, **fields: str) -> dict[str, str]:
    """A verdict as its summary page sends it back confirmed (test_review_confirmation)."""
    return fields | {"confirm": "yes", "verdicts_seen": str(question.reviews.count())}


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/review/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/review/")


def test_non_reviewer_gets_403(client, alice):
    client.force_login(alice)
    assert client.get("/review/").status_code == 403


def test_queue_lists_my_due_questions_oldest_first_each_with_a_form(client, bob):
    newer = past_question("Newer one")
    older = past_question("Older one")
    now = timezone.now()
    mark_due_questions(now=now)
    Question.objects.filter(pk=older.pk).update(due_at=now - dt.timedelta(days=5))
    client.force_login(bob)
    page = client.get("/review/").content.decode()
    assert page.index("Older one") < page.index("Newer one")
    assert newer.resolution_criteria in page
    assert page.count('name="evidence_url"') == 2
    assert f'action="/review/questions/{older.pk}/"' in page


def test_a_long_queue_comes_a_page_at_a_time_oldest_first(client, bob, carol, monkeypatch):
    monkeypatch.setattr("forecasts.views.review.QUEUE_PAGE_SIZE", 2)
    monkeypatch.setattr("forecasts.views.review.ESCALATED_PAGE_SIZE", 2)
    titles = [f"Queued {i}" for i in range(5)]
    for i, title in enumerate(titles):
        past_question(title, days_ago=10 - i)
    mark_due_questions()
    client.force_login(bob)
    pages = [client.get("/review/", {"page": n}).content.decode() for n in (1, 2, 3)]
    listed = [[t for t in titles if f">{t}<" in page] for page in pages]
    assert listed == [titles[:2], titles[2:4], titles[4:]]
    assert all("5 questions wait for your verdict" in page for page in pages)
    assert 'href="?page=2#waiting" rel="next"' in pages[0]
    assert "Page 3 of 3" in pages[2]
    # A page past the end shows the last one rather than an error.
    assert f">{titles[4]}<" in client.get("/review/", {"page": 99}).content.decode()

    # Admins page through escalations separately, keeping the queue's page.
    Question.objects.update(due_at=timezone.now() - dt.timedelta(days=30))
    client.force_login(carol)
    page = client.get("/review/", {"escalated_page": 3}).content.decode()
    assert "5 questions, oldest first." in page
    assert "Page 3 of 3" in page


def test_item_shows_criteria_predictions_with_source_and_the_form(client, bob, due):
    client.force_login(bob)
    page = client.get(_url(due)).content.decode()
    assert due.resolution_criteria in page
    assert "80%" in page
    assert 'name="evidence_url"' in page
    assert f'<label for="q{due.pk}-evidence_url">' in page


def test_verdict_posted_resolves_and_redirects(client, bob, due):
    client.force_login(bob)
    response = client.post(_url(due), _confirmed(due, outcome="yes", evidence_url=EVIDENCE))
    assert (response.status_code, response["Location"]) == (302, "/review/")
    due.refresh_from_db()
    assert (due.status, due.outcome) == ("resolved", "yes")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"outcome": "perhaps", "evidence_url": EVIDENCE}, "outcome"),
        ({"outcome": "no", "evidence_url": ""}, "evidence_url"),
    ],
)
def test_bad_verdict_re_renders_the_form_with_400_naming_the_field(client, bob, due, data, field):
    client.force_login(bob)
    response = client.post(_url(due), data)
    assert response.status_code == 400
    page = response.content.decode()
    label = {"outcome": "Outcome", "evidence_url": "Evidence URL"}[field]
    assert f'<a href="#q{due.pk}-{field}' in page  # the error links to its field, by label
    assert f">{label}</a>: " in page
    assert 'aria-invalid="true"' in page


def test_conflicting_second_verdict_gets_409_with_the_message(client, bob, dave, due):
    client.force_login(bob)
    client.post(_url(due), _confirmed(due, outcome="yes", evidence_url=EVIDENCE))
    client.force_login(dave)
    response = client.post(_url(due), _confirmed(due, outcome="no", evidence_url=EVIDENCE))
    assert response.status_code == 409
    assert "already resolved as YES by bob" in response.content.decode()


def test_admin_sees_re_resolution_form_on_a_resolved_question(client, bob, carol, due):
    client.force_login(bob)
    client.post(_url(due), _confirmed(due, outcome="yes", evidence_url=EVIDENCE))
    client.force_login(carol)
    page = client.get(_url(due)).content.decode()
    assert "Re-resolve this question" in page
    response = client.post(_url(due), _confirmed(due, outcome="no", evidence_url=EVIDENCE))
    assert response.status_code == 400
    response = client.post(
        _url(due), _confirmed(due, outcome="no", evidence_url=EVIDENCE, reason="Reversed.")
    )
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.outcome == "no"


def test_the_re_resolution_form_refuses_the_outcome_the_question_has(client, bob, carol, due):
    client.force_login(bob)
    client.post(_url(due), _confirmed(due, outcome="yes", evidence_url=EVIDENCE))
    client.force_login(carol)
    response = client.post(
        _url(due), _confirmed(due, outcome="yes", evidence_url=EVIDENCE, reason="Confirming.")
    )
    assert response.status_code == 409
    assert "already resolved YES (round 1)" in response.content.decode()
    due.refresh_from_db()
    assert (due.review_round, due.reviews.count()) == (1, 1)


def test_taking_a_question_held_already_says_so(client, bob):
    question = due_question("Will the ferry run?")  # due, and nobody holds it
    client.force_login(bob)
    first = client.post(f"/review/questions/{question.pk}/take/", follow=True)
    assert "is yours to review now" in first.content.decode()
    again = client.post(f"/review/questions/{question.pk}/take/", follow=True)
    assert "is yours to review already" in again.content.decode()
    assert question.assignments.filter(reviewer=bob).count() == 1


def test_digest_link_opens_the_item_for_its_recipient(client, bob, due):
    send_review_reminders()
    link = next(w for w in mail.outbox[0].body.split() if "/review/" in w and "unsub" not in w)
    path = urlsplit(link).path
    response = client.get(path)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    client.force_login(bob)
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (302, _url(due))


def test_digest_link_for_someone_else_is_refused(client, dave, bob, due):
    token = digests.review_token(question_id=due.pk, user_id=bob.pk)
    client.force_login(dave)
    assert client.get(f"/review/{token}/").status_code == 403


def test_tampered_review_link_is_a_400(client, bob, due):
    token = digests.review_token(question_id=due.pk, user_id=bob.pk)
    client.force_login(bob)
    assert client.get(f"/review/{token[:-2]}xx/").status_code == 400


def test_unsubscribe_link_opts_out_after_confirmation(client, alice):
    token = digests.unsubscribe_token(user_id=alice.pk)
    assert client.get(f"/review/unsubscribe/{token}/").status_code == 200
    assert not Profile.objects.filter(user=alice, email_opt_out=True).exists()
    assert client.post(f"/review/unsubscribe/{token}/").status_code == 200
    assert Profile.objects.get(user=alice).email_opt_out


def test_tampered_unsubscribe_link_is_a_400(client, alice, bob):
    token = digests.unsubscribe_token(user_id=alice.pk)
    forged = f"{bob.pk}:{token.split(':', 1)[1]}"
    assert client.post(f"/review/unsubscribe/{forged}/").status_code == 400
    assert not Profile.objects.filter(email_opt_out=True).exists()


def test_preferences_page_saves_heads_up_and_opt_out(client, alice):
    client.force_login(alice)
    client.post("/review/preferences/", {"heads_up": "on"})
    profile = Profile.objects.get(user=alice)
    assert (profile.heads_up, profile.email_opt_out) == (True, False)
    page = client.get("/review/preferences/").content.decode()
    assert 'id="id_heads_up" name="heads_up" checked' in page
