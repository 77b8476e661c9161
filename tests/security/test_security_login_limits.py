"""Login rate limiting (django-axes on the admin login) and per-client API throttling that a
forged X-Forwarded-For cannot dodge."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config.login_limits import client_ip
from tests.paths import ROOT

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _try(client: Client, user: User, password: str, **headers: str):
    return client.post(LOGIN, {"username": user.username, "password": password}, **headers)


def _fail_until_locked(client: Client, user: User, limit: int, **headers: str) -> None:
    for attempt in range(limit - 1):
        response = _try(client, user, f"wrong-{attempt}", **headers)
        assert response.status_code == 200  # the login form again, with its error


def test_the_right_password_logs_in(client, carol):
    response = _try(client, carol, "pw-carol")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_too_many_failures_answer_429_and_refuse_even_the_right_password(client, carol, settings):
    _fail_until_locked(client, carol, settings.AXES_FAILURE_LIMIT)
    locked = _try(client, carol, "wrong-again")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert _try(client, carol, "pw-carol").status_code == 429
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_the_lock_holds_whatever_username_is_tried_next(client, carol, alice, settings):
    _fail_until_locked(client, carol, settings.AXES_FAILURE_LIMIT)
    assert _try(client, carol, "wrong-again").status_code == 429
    assert _try(client, alice, "pw-alice").status_code == 429


def test_another_client_address_is_not_locked(client, carol, settings):
    _fail_until_locked(client, carol, settings.AXES_FAILURE_LIMIT)
    assert _try(client, carol, "wrong-again").status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert _try(other, carol, "pw-carol").status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, carol, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _try(client, carol, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    assert _try(client, carol, "pw-carol", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_the_limit_and_cool_off_come_from_the_environment():
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "AXES_FAILURE_LIMIT": "3",
            "AXES_COOLOFF_MINUTES": "30",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split()[-2:] == ["3", "1800.0"], result.stderr


def test_test_client_login_without_a_request_is_not_counted(client, carol):
    """client.login() and shell logins carry no request: not network paths, let through."""
    assert client.login(username="carol", password="pw-carol")


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "192.0.2.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client prepended a forged hop
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (1, "", "192.0.2.1"),
    ],
)
def test_client_address_trusts_only_the_proxies_we_run(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.fixture
def anon_limit(monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/min")
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_api_throttle_counts_per_address_even_with_forged_forwarded_for(anon_limit):
    client = APIClient()
    codes = [
        client.get("/api/experts/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
