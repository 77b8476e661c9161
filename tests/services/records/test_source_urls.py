"""A source's URL is its natural key whatever way a link spells it: scheme and host case, a
default port, the fragment and tracking parameters aside. Wherever a source is matched by URL
(the services, the API, the CSV import, the admin) one page is one source, and a new source
stores its URL in that form. Sources recorded before keep their URL and match by its key."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from forecasts.models import Prediction, Source
from forecasts.naming import source_url_key
from forecasts.services import edit_source, get_or_create_source
from tests.builders import row, run_import, write_csv

PAGE = "https://example.org/a"


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://Example.org/a", PAGE),
        ("HTTPS://EXAMPLE.ORG/a", PAGE),
        ("https://example.org/a#comments", PAGE),
        ("https://example.org:443/a", PAGE),
        ("https://example.org/a?utm_source=news&utm_medium=email", PAGE),
        ("https://example.org/a?fbclid=x1&GCLID=y2#top", PAGE),
        ("  https://example.org/a  ", PAGE),
        ("https://example.org/a?id=3&utm_campaign=x", "https://example.org/a?id=3"),
        ("https://example.org/A/b/", "https://example.org/A/b/"),  # a path may be case-sensitive
        ("https://example.org/a?q=a+b%20c", "https://example.org/a?q=a+b%20c"),  # as written
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://example.org:80/a", "https://example.org:80/a"),  # not https's default
        ("http://[::1]:80/a", "http://[::1]/a"),
        ("http://[::1", "http://[::1"),  # not a URL: left for validation to refuse
        ("", ""),
    ],
)
def test_the_key_of_a_url(url: str, key: str) -> None:
    assert source_url_key(url) == key


@pytest.mark.django_db
def test_variants_of_a_url_are_one_source_stored_in_its_key_form() -> None:
    first = get_or_create_source(title="Panel", url="https://Example.org:443/a?utm_source=x#y")
    assert (first.url, first.url_key) == (PAGE, PAGE)
    for variant in ("https://example.org/a", "https://EXAMPLE.org/a#comments"):
        assert get_or_create_source(title="Other", url=variant) == first
    other = get_or_create_source(title="Another page", url="https://example.org/a?id=2")
    assert other != first
    assert Source.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_sources_recorded_before_keep_their_url_and_match_by_its_key() -> None:
    old = Source.objects.create(title="Old", url="https://Example.org/a?utm_source=feed")
    migration = importlib.import_module("forecasts.migrations.0011_source_url_key")
    migration.fill_url_keys(apps, None)
    old.refresh_from_db()
    assert (old.url, old.url_key) == ("https://Example.org/a?utm_source=feed", PAGE)
    assert get_or_create_source(title="New", url="https://example.org/a#x") == old


@pytest.mark.django_db
def test_a_source_edited_to_another_ones_url_variant_is_refused() -> None:
    first = get_or_create_source(title="Panel", url=PAGE)
    second = get_or_create_source(title="Report", url="https://example.org/b")
    with pytest.raises(ValidationError, match=f"Source {first.pk} "):
        edit_source(second, changed_by=None, reason="Moved.", url="https://EXAMPLE.org/a#top")
    edited = edit_source(second, changed_by=None, reason="Moved.", url="https://Example.org/c#x")
    assert (edited.url, edited.url_key) == ("https://example.org/c",) * 2


@pytest.mark.django_db
def test_the_api_answers_the_source_on_record_for_a_variant(api_as, alice, expert) -> None:
    client = api_as(alice)
    created = client.post("/api/sources/", {"title": "Panel", "url": PAGE}, format="json")
    assert created.status_code == 201, created.json()
    again = client.post(
        "/api/sources/", {"title": "Panel", "url": "https://Example.org/a?utm_source=x"}
    )
    assert again.status_code == 200, again.json()
    assert again.json()["id"] == created.json()["id"]
    body = {"expert": expert.slug, "source_url": "https://example.org/a#comments",
            "probability": 0.6, "made_on": "2026-01-05",
            "new_question": {"title": "Will the port reopen by 2027?", "deadline": "2027-06-30",
                             "resolution_criteria": "YES if a ship docks."}}  # fmt: skip
    prediction = client.post("/api/predictions/", body, format="json")
    assert prediction.status_code == 201, prediction.json()
    assert Prediction.objects.get().source_id == created.json()["id"]


@pytest.mark.django_db
def test_the_admin_refuses_a_variant_of_a_url_on_record(client, alice) -> None:
    first = get_or_create_source(title="Panel", url=PAGE)
    client.force_login(alice)
    data = {"kind": "article", "title": "Panel again", "url": "https://EXAMPLE.org/a#x"}
    response = client.post("/admin/forecasts/source/add/", data)
    assert response.status_code == 200
    assert f"This URL is already the source “{first}”." in response.content.decode()
    data["url"] = "https://Example.org/new?utm_source=x"
    assert client.post("/admin/forecasts/source/add/", data).status_code == 302
    assert Source.objects.get(title="Panel again").url_key == "https://example.org/new"
    assert Source.objects.get(title="Panel again").url == "https://example.org/new"


@pytest.mark.django_db(transaction=True)
def test_the_csv_import_matches_sources_by_the_key_of_their_url(tmp_path) -> None:
    on_record = get_or_create_source(title="Panel", url=PAGE)
    rows = [
        row(expert="A", source_url="https://Example.org/a?utm_source=x"),
        row(expert="B", source_url="https://example.org/b#top"),
        row(expert="C", source_url="https://EXAMPLE.org:443/b"),
    ]
    assert "3 created" in run_import(write_csv(tmp_path / "in.csv", rows))
    assert sorted(Source.objects.values_list("url", "url_key")) == [
        (PAGE, PAGE),
        ("https://example.org/b", "https://example.org/b"),
    ]
    by_expert = dict(Prediction.objects.values_list("expert__name", "source__url"))
    assert by_expert == {"A": on_record.url, "B": "https://example.org/b", "C": by_expert["B"]}
