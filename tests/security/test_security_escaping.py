"""Text anyone typed reaches pages, emails and feeds escaped: script and markup payloads in every
field, and web addresses that must be http(s) refuse javascript:."""

import datetime as dt
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own feed output

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from forecasts.admin.catalogue import ExpertChangeForm
from forecasts.models import Expert, Prediction, Question, Review, Source
from forecasts.services import (
    correct_prediction,
    create_expert,
    create_question,
    get_or_create_source,
    get_or_create_topic,
    record_prediction,
    update_question,
)
from forecasts.services.reviews.assignments import mark_due_questions
from forecasts.services.reviews.reminders import send_review_reminders
from forecasts.services.reviews.verdicts import resolve_question, submit_verdict
from tests.builders import past_question

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
MARKUP = '"><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
RAW = ("<script>alert", "<img src=x", "onerror=alert(1)>")
ATOM = "{http://www.w3.org/2005/Atom}"


def payload(field: str) -> str:
    """The field's name, so a test can tell it was shown, then both payloads."""
    return f"{field} {SCRIPT}{MARKUP}"


def assert_escaped(text: str, *fields: str) -> None:
    """No payload is live in `text`, and each field was shown (escaped)."""
    for raw in RAW:
        assert raw not in text
    missing = [field for field in fields if f"{field} {ESCAPED}" not in text]
    assert missing == []


@pytest.fixture
def ledger(carol, oscar, today, django_capture_on_commit_callbacks) -> dict:
    """One of everything, every free-text field carrying the payloads."""
    topic = get_or_create_topic(name=payload("xss-topic"))
    expert = create_expert(
        name=payload("xss-expert"),
        affiliation=payload("xss-affiliation"),
        bio=payload("xss-bio"),
        links=["https://example.org/profile"],
    )
    source = get_or_create_source(
        title=payload("xss-source-title"),
        url="https://example.org/article",
        outlet=payload("xss-outlet"),
        via=payload("xss-via"),
    )
    question = create_question(
        title=payload("xss-title-draft"),
        resolution_criteria=payload("xss-criteria-draft"),
        deadline=today - dt.timedelta(days=10),
        topics=[topic],
        consensus_probability=0.4,
        consensus_source=payload("xss-consensus"),
    )
    question = update_question(
        question=question,
        title=payload("xss-title"),
        resolution_criteria=payload("xss-criteria"),
        deadline=question.deadline,
        reason=payload("xss-revision-reason"),
    )
    prediction = record_prediction(
        expert=expert,
        question=question,
        probability=0.7,
        phrase=payload("xss-phrase"),
        made_on=question.deadline - dt.timedelta(days=60),
        source=source,
        quote=payload("xss-quote-old"),
    )
    correct_prediction(  # after the deadline: by an admin who did not record it
        prediction=prediction,
        reason=payload("xss-correction"),
        corrected_by=oscar,
        quote=payload("xss-quote"),
    )
    evidence = "https://example.org/evidence"
    with django_capture_on_commit_callbacks(execute=True):  # scoring runs on commit
        resolve_question(
            question=question, outcome="no", resolved_by=carol, evidence_url=evidence, note="1st"
        )
        resolve_question(
            question=question,
            outcome="yes",
            resolved_by=carol,
            evidence_url=evidence,
            note=payload("xss-note"),
            reason=payload("xss-reason"),
        )
    return {"expert": expert, "question": question, "source": source}


@pytest.fixture
def due_for_bob(bob) -> Question:
    """A question waiting for bob's verdict, with a payload in everything he is shown."""
    question = past_question(payload("xss-due-title"))
    Question.objects.filter(pk=question.pk).update(resolution_criteria=payload("xss-due-rules"))
    record_prediction(
        expert=create_expert(name=payload("xss-due-expert")),
        question=question,
        probability=0.6,
        made_on=question.deadline - dt.timedelta(days=5),
        quote=payload("xss-due-quote"),
    )
    mark_due_questions()
    return question


PAGE_FIELDS = {
    "leaderboard": ["xss-expert", "xss-affiliation", "xss-topic"],
    "expert": [
        "xss-expert",
        "xss-affiliation",
        "xss-bio",
        "xss-title",
        "xss-phrase",
        "xss-correction",
    ],
    "question": [
        "xss-title",
        "xss-criteria",
        "xss-topic",
        "xss-consensus",
        "xss-expert",
        "xss-quote",
        "xss-phrase",
        "xss-source-title",
        "xss-outlet",
        "xss-via",
        "xss-note",
        "xss-reason",
        "xss-revision-reason",
        "xss-criteria-draft",
        "xss-correction",
    ],
}


@pytest.mark.parametrize("page", sorted(PAGE_FIELDS))
def test_public_pages_show_every_field_escaped(client, ledger, page):
    url = {
        "leaderboard": "/",
        "expert": f"/experts/{ledger['expert'].slug}/",
        "question": f"/questions/{ledger['question'].pk}/",
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    assert_escaped(response.content.decode(), *PAGE_FIELDS[page])


def test_expert_links_are_plain_web_addresses(client, ledger):
    page = client.get(f"/experts/{ledger['expert'].slug}/").content.decode()
    assert 'href="https://example.org/profile"' in page
    assert "javascript:" not in page


def test_review_queue_and_item_show_every_field_escaped(client, bob, due_for_bob):
    client.force_login(bob)
    fields = ["xss-due-title", "xss-due-rules", "xss-due-expert", "xss-due-quote"]
    assert_escaped(client.get("/review/").content.decode(), *fields)
    item = client.get(f"/review/questions/{due_for_bob.pk}/").content.decode()
    assert_escaped(item, *fields)


def test_review_item_shows_earlier_verdicts_escaped(client, carol, ledger):
    client.force_login(carol)
    page = client.get(f"/review/questions/{ledger['question'].pk}/").content.decode()
    assert_escaped(page, "xss-title", "xss-note", "xss-reason")


def test_a_rejected_verdict_echoes_the_typed_note_escaped(client, bob, due_for_bob):
    client.force_login(bob)
    response = client.post(
        f"/review/questions/{due_for_bob.pk}/",
        {"outcome": "yes", "evidence_url": "javascript:alert(1)", "note": payload("xss-typed")},
    )
    page = response.content.decode()
    assert not Review.objects.exists()
    assert_escaped(page, "xss-typed")
    assert 'value="javascript:alert(1)"' in page  # shown back in the field, never as a link
    assert 'href="javascript:' not in page


def test_review_digest_email_html_is_escaped_and_subject_carries_no_user_text(bob, due_for_bob):
    send_review_reminders()
    (message,) = [m for m in mail.outbox if m.to == [bob.email]]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert_escaped(html, "xss-due-title")
    assert "xss" not in message.subject
    # The text part is plain text: shown as typed, and no mail client reads it as HTML.
    assert message.content_subtype == "plain"
    assert payload("xss-due-title") in message.body


@pytest.mark.parametrize(
    "admin_url",
    [
        "admin:forecasts_expert_change",
        "admin:forecasts_source_change",
        "admin:forecasts_question_change",
        "admin:forecasts_prediction_change",
        "admin:forecasts_prediction_changelist",
        "admin:forecasts_review_changelist",
        "admin:forecasts_questionrevision_changelist",
    ],
)
def test_admin_pages_show_every_field_escaped(client, carol, ledger, admin_url):
    client.force_login(carol)
    objects = {
        "expert": ledger["expert"],
        "source": ledger["source"],
        "question": ledger["question"],
        "prediction": Prediction.objects.current().get(),
    }
    model = admin_url.split("_")[1]
    args = [objects[model].pk] if admin_url.endswith("_change") else []
    response = client.get(reverse(admin_url, args=args))
    assert response.status_code == 200
    page = response.content.decode()
    for raw in RAW:
        assert raw not in page
    assert ESCAPED in page


def test_the_extraction_page_never_renders_the_article_html(client, alice):
    """An uploaded page's scripts are dropped; markup written as text comes back escaped."""
    source = Source.objects.create(title="Harbour notes", published_on=dt.date(2026, 3, 1))
    article = (
        "<html><head><script>alert(1)</script></head><body><article>"
        "<p>The harbour council met on Monday to discuss the ferry timetable.</p>"
        "<p>“The new pier &lt;img src=x onerror=alert(1)&gt; will open by the end of 2027,” "
        "said harbour engineer Lotte Brenner.</p>"
        "<p onclick=alert(1)>The pier was damaged in a storm in January.</p>"
        "</article></body></html>"
    )
    client.force_login(alice)
    url = reverse("admin:forecasts_source_extract", args=[source.pk])
    upload = SimpleUploadedFile("article.html", article.encode(), content_type="text/html")
    client.post(url, {"read_article": "1", "html_file": upload})
    page = client.get(url).content.decode()
    assert "Lotte Brenner" in page  # the candidates are shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    for raw in RAW:
        assert raw not in page
    assert "onclick" not in page


def _entries(client: Client, url: str) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314


@pytest.mark.parametrize("feed", ["predictions", "resolutions", "experts/{slug}"])
def test_feed_titles_are_plain_text(client, ledger, feed):
    (entry,) = _entries(client, f"/api/feeds/{feed.format(slug=ledger['expert'].slug)}/")
    title = entry.find(f"{ATOM}title")
    assert title.get("type") in (None, "text")  # a reader shows it as text, markup and all
    assert "xss-title" in title.text


@pytest.mark.parametrize("feed", ["predictions", "resolutions"])
def test_feed_summaries_escape_markup_a_reader_would_render(client, ledger, feed):
    (entry,) = _entries(client, f"/api/feeds/{feed}/")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # The XML parser undoes the XML escaping: what is left is the HTML a reader renders.
    assert_escaped(summary.text)
    assert ESCAPED in summary.text


def test_browsable_api_shows_records_escaped(client, ledger):
    response = client.get(f"/api/experts/{ledger['expert'].slug}/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    for raw in RAW:
        assert raw not in page
    assert "&lt;script&gt;" in page


# --- Addresses that become links: http(s) only ------------------------------------------------

JS_URL = "javascript:alert(1)"


def test_a_verdict_with_a_javascript_evidence_url_is_refused(bob, due_for_bob):
    with pytest.raises(ValidationError, match="evidence_url"):
        submit_verdict(question=due_for_bob, reviewer=bob, outcome="yes", evidence_url=JS_URL)


def test_a_source_with_a_javascript_url_is_refused(db):
    with pytest.raises(ValidationError):
        get_or_create_source(title="Harbour notes", url=JS_URL)


def test_admin_refuses_a_javascript_link_on_an_expert(db):
    expert = Expert.objects.create(name="Vera Ostrova", slug="vera-ostrova")
    form = ExpertChangeForm(
        instance=expert,
        data={"name": "Vera Ostrova", "affiliation": "", "bio": "", "links": f'["{JS_URL}"]'},
    )
    assert not form.is_valid()
    assert "not a web address" in str(form.errors["links"])


def test_api_refuses_a_javascript_link_on_an_expert(alice):
    client = APIClient()
    client.force_authenticate(alice)
    response = client.post(
        "/api/experts/", {"name": "Vera Ostrova", "links": [JS_URL]}, format="json"
    )
    assert response.status_code == 400
    assert "links" in response.content.decode()
