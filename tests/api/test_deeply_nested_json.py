"""JSON nested too deeply to read is a 400 that says so, on every API endpoint that takes a body
and a form error in the admin (both were 500s: Python's parser ran out of stack)."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from forecasts.services import record_prediction

DEPTH = 10_000
NESTED = "[" * DEPTH + "]" * DEPTH


@pytest.fixture
def admin_client(carol) -> APIClient:
    client = APIClient()
    client.force_authenticate(carol)
    return client


@pytest.fixture
def body_paths(expert, question, today) -> list[tuple[str, str]]:
    prediction = record_prediction(
        expert=expert, question=question, probability=0.6, made_on=today - dt.timedelta(days=1)
    )
    return [
        ("POST", "/api/experts/"),
        ("PATCH", f"/api/experts/{expert.slug}/"),
        ("POST", "/api/sources/"),
        ("POST", "/api/topics/"),
        ("POST", "/api/questions/"),
        ("PATCH", f"/api/questions/{question.pk}/"),
        ("POST", f"/api/questions/{question.pk}/resolve/"),
        ("POST", "/api/predictions/"),
        ("POST", f"/api/predictions/{prediction.pk}/corrections/"),
        ("POST", "/api/extract/"),
    ]


def _assert_nested_too_deeply(response) -> None:
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    assert "nested too deeply" in response.json()["detail"]


def test_a_body_of_ten_thousand_nested_lists_is_a_400_everywhere(admin_client, body_paths):
    for method, path in body_paths:
        response = admin_client.generic(method, path, NESTED, content_type="application/json")
        _assert_nested_too_deeply(response)


def test_deep_nesting_inside_a_field_is_a_400_too(admin_client):
    body = '{"name": "Nadia Varga", "links": ' + NESTED + "}"
    response = admin_client.generic("POST", "/api/experts/", body, content_type="application/json")
    _assert_nested_too_deeply(response)


def test_nesting_a_reader_understands_still_parses(admin_client):
    # Twenty levels is deep but readable: the serializer answers, not the parser.
    body = '{"name": "Nadia Varga", "links": ' + "[" * 20 + "]" * 20 + "}"
    response = admin_client.generic("POST", "/api/experts/", body, content_type="application/json")
    assert response.status_code == 400
    assert "links" in response.json()["errors"]


@pytest.mark.parametrize("page", ["add", "change"])
def test_deeply_nested_links_in_the_admin_are_a_form_error(carol, expert, page):
    client = Client()
    client.force_login(carol)
    url = (
        "/admin/forecasts/expert/add/"
        if page == "add"
        else f"/admin/forecasts/expert/{expert.pk}/change/"
    )
    form = {"name": "Nadia Varga", "affiliation": "", "bio": "", "links": NESTED, "reason": ""}
    response = client.post(url, form)
    assert response.status_code == 200  # the form again, with the error
    assert "nested too deeply" in response.content.decode()
