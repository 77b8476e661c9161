"""A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 that says the limit: JSON under /api/, a
page elsewhere, never a 500 (Django answered an unexplained HTML 400 everywhere)."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # Django's default, 2,621,440 bytes


def _editor_client(alice) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


def _json_of(size: int) -> str:
    """A JSON object of exactly `size` bytes."""
    empty = json.dumps({"name": "Nadia Varga", "bio": ""})
    return empty.replace('"bio": ""', '"bio": "' + "x" * (size - len(empty)) + '"')


def test_an_oversized_api_body_is_a_json_413_naming_the_limit(alice):
    body = _json_of(LIMIT + 1)
    response = _editor_client(alice).generic(
        "POST", "/api/experts/", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert f"{LIMIT + 1:,} bytes" in detail
    assert f"the limit is {LIMIT:,} bytes (2.5 MB)" in detail


def test_a_body_at_the_limit_is_read(alice):
    body = _json_of(LIMIT)
    response = _editor_client(alice).generic(
        "POST", "/api/experts/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content[:200]


def test_anonymous_clients_get_the_same_413_before_any_check(db):
    response = APIClient().generic(
        "POST", "/api/predictions/", _json_of(LIMIT + 10), content_type="application/json"
    )
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_an_oversized_upload_to_the_extraction_api_is_a_json_413(alice):
    upload = SimpleUploadedFile("a.html", b"<p>" + b"a" * LIMIT, content_type="text/html")
    response = _editor_client(alice).post("/api/extract/", {"file": upload}, format="multipart")
    assert response.status_code == 413
    assert f"the limit is {LIMIT:,} bytes" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/admin/login/", "/review/", "/no-such-page/"])
def test_an_oversized_form_elsewhere_is_a_413_page(db, path):
    response = Client().post(path, {"username": "alice", "password": "x" * (LIMIT + 1)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "2,621,440 bytes (2.5 MB)" in page
    assert "Traceback" not in page


def test_a_smaller_limit_in_settings_is_the_one_named(alice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _editor_client(alice).generic(
        "POST", "/api/experts/", _json_of(1001), content_type="application/json"
    )
    assert response.status_code == 413
    assert "the limit is 1,000 bytes" in response.json()["detail"]
