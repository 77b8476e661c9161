"""Every API error is JSON with a message; throttling follows settings; tokens; the docs."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config.settings import env_rate
from tests.builders import make_question


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def throttle_rates(monkeypatch: pytest.MonkeyPatch):
    """Set the anon/user rates for one test (DRF reads them once, at import)."""

    def set_rates(anon: str | None, user: str | None) -> None:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", anon)
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", user)
        cache.clear()

    set_rates(None, None)
    yield set_rates
    cache.clear()


@pytest.mark.parametrize(
    "path", ["/api/experts/nobody/", "/api/questions/999999/", "/api/no-such-thing/", "/api/x"]
)
def test_not_found_is_json_with_a_message(db, throttle_rates, path):
    response = APIClient().get(path, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_bad_json_body_is_a_400_that_says_to_send_json(api_as, alice, throttle_rates):
    response = api_as(alice).generic(
        "POST", "/api/experts/", '{"name": "Broken', content_type="application/json"
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_an_unsupported_media_type_is_a_415_with_a_hint(api_as, alice, throttle_rates):
    response = api_as(alice).generic("POST", "/api/experts/", "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_a_method_the_endpoint_lacks_is_a_json_405(api_as, alice, expert, throttle_rates):
    response = api_as(alice).delete(f"/api/experts/{expert.slug}/")
    assert response.status_code == 405
    assert response.json()["detail"]


def test_a_service_validation_error_is_a_400_naming_the_field(api_as, alice, throttle_rates):
    response = api_as(alice).post("/api/experts/", {"name": "   "}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_throttling_is_off_when_settings_say_off(db, throttle_rates):
    assert env_rate("API_THROTTLE_ANON_TEST_UNSET", "off") is None
    throttle_rates(None, None)
    statuses = {APIClient().get("/api/topics/").status_code for _ in range(30)}
    assert statuses == {200}


def test_throttling_answers_429_with_a_message_when_on(api_as, alice, throttle_rates):
    throttle_rates("3/min", "5/min")
    anonymous = [APIClient().get("/api/topics/").status_code for _ in range(4)]
    assert anonymous == [200, 200, 200, 429]
    response = APIClient().get("/api/topics/")
    assert response.json()["detail"]
    assert "Retry-After" in response
    editor = api_as(alice)
    assert [editor.get("/api/topics/").status_code for _ in range(6)] == [200] * 5 + [429]


def test_a_user_sees_and_rotates_their_own_token(alice, throttle_rates):
    assert APIClient().get("/api/auth/token/").status_code == 401
    client = APIClient()
    client.login(username="alice", password="pw-alice")
    shown = client.get("/api/auth/token/")
    assert shown.status_code == 200
    key = shown.json()["key"]
    assert key == Token.objects.get(user=alice).key
    assert client.get("/api/auth/token/").json()["key"] == key
    rotated = client.post("/api/auth/token/")
    assert rotated.status_code == 201
    assert rotated.json()["key"] != key
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert old.get("/api/auth/token/").status_code == 401  # the old key is gone
    new = APIClient()
    new.credentials(HTTP_AUTHORIZATION=f"Token {rotated.json()['key']}")
    assert new.get("/api/auth/token/").json()["username"] == "alice"


def test_session_writes_need_the_csrf_token(alice, throttle_rates):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="alice", password="pw-alice")
    response = client.post("/api/experts/", {"name": "Someone"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_schema_and_its_page_are_served_without_a_cdn(db, throttle_rates):
    schema = APIClient().get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/leaderboard/", "/api/experts/{slug}/", "/api/questions/{id}/resolve/"):
        assert path in document["paths"]
    page = APIClient().get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/questions/{id}/resolve/" in html
    assert "<script" not in html
    assert "<style" not in html  # the CSP allows only our own files
    assert "cdn" not in html.lower()


def test_every_read_answers_a_browser_with_the_browsable_page(
    api_as, alice, carol, expert, question, throttle_rates
):
    """A person following an API link in a browser (Accept: text/html) gets DRF's browsable
    page, not a server error: /api/leaderboard/ used to answer 500, the browsable page asking
    a view with no queryset for one."""
    from tests.builders import forecast, resolve

    prediction = forecast(expert, question, 0.7, days_before=30)  # made today
    resolve(question, "yes", carol)
    paths = [
        "/api/leaderboard/",
        "/api/leaderboard/?min_resolved=1",
        "/api/experts/",
        f"/api/experts/{expert.slug}/",
        "/api/questions/",
        f"/api/questions/{question.pk}/",
        "/api/predictions/",
        f"/api/predictions/{prediction.pk}/",
        "/api/reviews/",
        "/api/track-records/",
        "/api/topics/",
        "/api/sources/",
        "/api/auth/token/",
    ]
    for path in paths:
        response = api_as(alice).get(path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
        assert response.status_code == 200, (path, response.status_code)
        assert response["Content-Type"].startswith("text/html"), path


@pytest.mark.parametrize("bad", [1.5, 1.9, "1.5", True, [1]])
def test_an_id_that_is_not_a_whole_number_is_refused_not_cut_to_another_row(
    api_as, alice, expert, throttle_rates, bad
):
    # Django cut 1.9 to 1, attaching the prediction to a question the client did not name.
    first = make_question("Will the Vell ferry run in 2027?")
    make_question("Will the Vell bridge open in 2027?")
    body = {"expert": expert.slug, "question": bad, "probability": 0.6, "made_on": "2025-01-01"}
    response = api_as(alice).post("/api/predictions/", body, format="json")
    assert response.status_code == 400
    assert "whole number" in str(response.json()), response.json()
    assert not first.predictions.exists()


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "says"),
    [
        ("post", "/api/experts/", {"name": "Ida Moss", "affilation": "Vell U"}, "affilation",
         "this endpoint has no such field"),
        ("post", "/api/experts/", {"name": "Ida Moss", "slug": "ida"}, "slug",
         "the slug is made from the name once"),
        ("patch", "/api/questions/{question}/", {"status": "resolved", "reason": "x"}, "status",
         "POST /api/questions/{id}/resolve/"),
        ("post", "/api/predictions/", {"expert": "{expert}", "question": "{question}",
         "probability": 0.6, "made_on": "2025-01-01", "qoute": "lost words"}, "qoute",
         "The fields taken are "),
    ],
)  # fmt: skip
def test_a_field_the_endpoint_does_not_take_is_a_400_not_dropped(
    api_as, alice, expert, throttle_rates, method, path, body, field, says
):
    question = make_question("Will the Vell ferry run in 2027?")
    ids = {"{question}": question.pk, "{expert}": expert.slug}
    body = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response = getattr(api_as(alice), method)(
        path.replace("{question}", str(question.pk)), body, format="json"
    )
    assert response.status_code == 400, response.json()
    assert says in " ".join(response.json()["errors"][field])
    assert not question.predictions.exists()


def test_a_day_that_does_not_exist_is_said_to_be_one(api_as, alice, expert, throttle_rates):
    question = make_question("Will the Vell ferry run in 2027?")
    body = {"expert": expert.slug, "question": question.pk, "probability": 0.6,
            "made_on": "2024-02-30"}  # fmt: skip
    response = api_as(alice).post("/api/predictions/", body, format="json")
    assert response.status_code == 400
    (message,) = response.json()["errors"]["made_on"]
    assert message.startswith("2024-02-30 is not a day of the calendar")
