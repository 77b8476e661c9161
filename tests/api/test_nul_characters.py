"""A NUL character anywhere a request carries text is a 400 that says so, never a 500
(PostgreSQL text cannot hold one)."""

import pytest

pytestmark = pytest.mark.django_db

BODY = {"expert": "\u0000", "made_on": "2025-01-01", "probability": 0.5, "question": 1}


def test_a_nul_in_a_json_body_is_a_400(api_as, alice):
    response = api_as(alice).post("/api/predictions/", BODY, format="json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_json_key_is_a_400(api_as, alice):
    response = api_as(alice).post("/api/experts/", {"name\u0000": "Ida"}, format="json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path", ["/api/predictions/?search=%00", "/api/experts/?search=a%00b", "/api/experts/%00/"]
)
def test_a_nul_in_a_query_is_a_json_400_under_the_api(client, path):
    response = client.get(path)
    if path.endswith("%00/"):  # in the path, not the query: no route matches it
        assert response.status_code == 404
        return
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_a_nul_in_a_page_query_is_a_400(client):
    response = client.get("/?topic=%00")
    assert response.status_code == 400
    assert b"NUL" in response.content
