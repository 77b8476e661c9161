"""Extraction from an article not yet recorded: paste its text or give its URL, and a source
is created from it before its candidates are shown. No test reaches the internet."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from forecasts.models import Source
from tests.extraction.test_extraction_fetching import server  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
NEW = "admin:forecasts_source_extract_new"
ARTICLE = (
    "Pipeline hearing\n"
    "The regional regulator held a hearing on Tuesday about the Trans-Valley pipeline.\n"
    "“The pipeline will not be completed before the end of 2027,” said energy analyst "
    "Laila Haddad, who added that the tariff increase will probably be approved next year.\n"
    "The pipeline was first proposed in 2019 and has been delayed several times since then."
)


@pytest.fixture
def editor(client: Client, alice: User) -> Client:
    client.force_login(alice)
    return client


def test_pasted_text_becomes_a_source_and_its_candidates_are_shown(editor):
    response = editor.post(
        reverse(NEW), {"text": ARTICLE, "outlet": "Radio Meridian", "published_on": "2026-03-03"}
    )
    source = Source.objects.get()
    assert response["Location"] == reverse("admin:forecasts_source_extract", args=[source.pk])
    assert (source.title, source.outlet, source.published_on) == (
        "Pipeline hearing",
        "Radio Meridian",
        dt.date(2026, 3, 3),
    )
    assert "Laila Haddad" in source.text
    page = editor.get(response["Location"])
    assert "Laila Haddad" in [form.initial["speaker"] for form in page.context["formset"].forms]


def test_a_url_is_fetched_and_the_source_keeps_it(editor, server):  # noqa: F811
    response = editor.post(reverse(NEW), {"url": f"{server}/article"})
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.url == f"{server}/article"
    assert source.title == "Ferry plans"  # the article's heading
    assert "Lotte Brenner" in source.text
    # The same URL again is the same source, not a second one.
    editor.post(reverse(NEW), {"url": f"{server}/article"})
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste the article's text or give its URL"),
        ({"text": ARTICLE, "url": "https://example.org/a"}, "one of the two"),
        ({"text": "Too short."}, "does not look like an article"),
    ],
)
def test_bad_input_says_what_to_fix_and_records_nothing(editor, data, message):
    response = editor.post(reverse(NEW), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].non_field_errors())
    assert not Source.objects.exists()
