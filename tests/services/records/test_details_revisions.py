"""Experts' and sources' details are edited in place but never silently: each change is a
numbered revision with who and why, shown in the admin, the API and on the expert page."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from forecasts.models import DetailsRevision
from forecasts.services import edit_expert, edit_source, get_or_create_source

pytestmark = pytest.mark.django_db


def test_the_first_change_keeps_the_original_and_the_change(expert, alice):
    slug = expert.slug
    edit_expert(expert, changed_by=alice, reason="Moved in March.", affiliation="Harbour U")
    first, second = DetailsRevision.objects.filter(expert=expert)
    assert (first.version, first.details["affiliation"]) == (1, "Institute of Plausible Futures")
    assert (first.changed_by, first.reason, first.changed_at) == (None, "", expert.created_at)
    assert (second.version, second.details["affiliation"]) == (2, "Harbour U")
    assert (second.changed_by, second.reason) == (alice, "Moved in March.")
    expert.refresh_from_db()
    assert (expert.affiliation, expert.slug) == ("Harbour U", slug)  # the URL stays

    edit_expert(expert, changed_by=alice, name="  Vera   Ostrova-Lind ")
    assert list(expert.revisions.values_list("version", flat=True)) == [1, 2, 3]
    assert expert.revisions.last().details["name"] == "Vera Ostrova-Lind"


def test_saving_the_same_details_writes_no_revision(expert, alice):
    edit_expert(expert, changed_by=alice, affiliation=expert.affiliation, bio="")
    assert not DetailsRevision.objects.exists()


def test_a_refused_change_writes_nothing(expert, alice):
    with pytest.raises(ValidationError):
        edit_expert(expert, changed_by=alice, name="   ")
    assert not DetailsRevision.objects.exists()
    expert.refresh_from_db()
    assert expert.name == "Vera Ostrova"


def test_a_source_revision_keeps_the_date_and_a_digest_of_the_text(alice):
    source = get_or_create_source(title="Toll talk", url="https://gazette.example/toll")
    edit_source(source, changed_by=alice, published_on=dt.date(2026, 3, 1), text="Full text.")
    latest = source.revisions.last().details
    assert latest["published_on"] == "2026-03-01"
    assert latest["text_sha256"] == hashlib.sha256(b"Full text.").hexdigest()
    assert "text" not in latest
    assert source.revisions.first().details["published_on"] is None


def test_api_updates_are_versioned_and_the_expert_shows_them(api_as, expert, alice):
    response = api_as(alice).patch(
        f"/api/experts/{expert.slug}/",
        {"affiliation": "Harbour U", "reason": "Moved in March."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert "reason" not in response.json()
    detail = APIClient().get(f"/api/experts/{expert.slug}/").json()
    assert [(r["version"], r["reason"]) for r in detail["revisions"]] == [
        (1, ""),
        (2, "Moved in March."),
    ]
    assert detail["revisions"][1]["details"]["affiliation"] == "Harbour U"


def test_api_source_updates_are_versioned(api_as, alice):
    source = get_or_create_source(title="Toll talk", url="https://gazette.example/toll")
    response = api_as(alice).patch(
        f"/api/sources/{source.pk}/", {"outlet": "Harbour Gazette", "reason": "Typo."}
    )
    assert response.status_code == 200, response.content
    assert source.revisions.last().details["outlet"] == "Harbour Gazette"
    assert source.revisions.last().changed_by == alice


def test_a_creation_through_the_api_ignores_a_reason(api_as, alice):
    response = api_as(alice).post(
        "/api/experts/", {"name": "Ivo Example", "reason": "New pundit."}, format="json"
    )
    assert response.status_code == 201, response.content
    assert not DetailsRevision.objects.exists()


def test_admin_changes_are_versioned_and_listed(client, expert, alice):
    client.force_login(alice)
    url = f"/admin/forecasts/expert/{expert.pk}/change/"
    response = client.post(
        url,
        {
            "name": expert.name,
            "affiliation": "Harbour U",
            "bio": "",
            "links": "[]",
            "reason": "Moved in March.",
            **_empty_inline("revisions"),
        },
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    latest = expert.revisions.last()
    assert (latest.version, latest.changed_by, latest.reason) == (2, alice, "Moved in March.")
    page = client.get(url).content.decode()
    assert "history of these details" in page.lower()
    assert "Moved in March." in page


def test_the_expert_page_says_what_changed_escaped(client, expert, alice):
    payload = '<script>alert("x")</script>'
    edit_expert(expert, changed_by=alice, reason=payload, affiliation=payload)
    page = client.get(f"/experts/{expert.slug}/").content.decode()
    assert "These details were changed 1 time" in page
    assert "affiliation “Institute of Plausible Futures” → “&lt;script&gt;" in page
    assert payload not in page


def _empty_inline(related_name: str) -> dict:
    prefix = related_name
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "0",
    }


def test_admin_source_changes_are_versioned(client, alice):
    source = get_or_create_source(title="Toll talk", url="https://gazette.example/toll")
    client.force_login(alice)
    url = f"/admin/forecasts/source/{source.pk}/change/"
    form = {
        "kind": "article",
        "title": "Toll talk",
        "outlet": "Harbour Gazette",
        "via": "",
        "url": "https://gazette.example/toll",
        "published_on": "2026-03-01",
        "text": "",
        "reason": "Outlet was missing.",
        **_empty_inline("revisions"),
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = source.revisions.last()
    assert latest.details["outlet"] == "Harbour Gazette"
    assert (latest.changed_by, latest.reason) == (alice, "Outlet was missing.")
    assert "Outlet was missing." in client.get(url).content.decode()


def test_a_url_another_source_has_is_refused_under_url_naming_it(alice):
    first = get_or_create_source(title="Gazette", url="https://gazette.example/toll")
    second = get_or_create_source(title="Herald", url="https://herald.example/toll")
    with pytest.raises(ValidationError) as refused:
        edit_source(second, changed_by=alice, reason="Moved.", url=first.url)
    assert refused.value.message_dict["url"] == [
        f"Source {first.pk} (“Gazette”) has this URL already: a URL is one source. Record the "
        "predictions on that source instead."
    ]


def test_the_api_shows_a_sources_versions(alice, api_as):
    source = get_or_create_source(title="Gazette", url="https://gazette.example/toll")
    day = dt.date(2026, 3, 2)
    edit_source(source, changed_by=alice, reason="The date was wrong.", published_on=day)
    body = api_as().get(f"/api/sources/{source.pk}/").json()
    assert [r["version"] for r in body["revisions"]] == [1, 2]
    assert body["revisions"][1]["reason"] == "The date was wrong."
    assert body["revisions"][1]["details"]["published_on"] == "2026-03-02"
