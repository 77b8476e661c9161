"""/health/ready names the failing part to anyone, but the exception's text (host names,
ports, user names) only with DEBUG on; the text always goes to the log."""

import logging

import pytest
from django.db import OperationalError, connection

from config.celery import app as celery_app

SECRET_DETAIL = 'password authentication failed for user "ledger" at db.internal:5432'


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError(SECRET_DETAIL)

    monkeypatch.setattr(connection, "cursor", refuse)


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://:hunter2@127.0.0.1:1/0")
    monkeypatch.setattr(celery_app, "_pool", None, raising=False)


@pytest.mark.django_db
def test_with_debug_off_only_the_failing_part_is_named(client, settings, database_down, caplog):
    settings.DEBUG = False
    with caplog.at_level(logging.WARNING, logger="forecasts.views.health"):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["database"]}
    assert "db.internal" not in response.content.decode()
    assert SECRET_DETAIL in caplog.text


@pytest.mark.django_db
def test_with_debug_off_a_broker_failure_shows_no_address(client, settings, broker_down):
    settings.DEBUG = False
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["broker"]}
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_with_debug_on_the_exception_text_is_shown(client, settings, database_down):
    settings.DEBUG = True
    response = client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["errors"] == [f"database: OperationalError: {SECRET_DETAIL}"]
