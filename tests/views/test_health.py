"""Health endpoints for load balancers."""

import pytest

from config.celery import app as celery_app


def test_live_answers_without_touching_the_database(client):
    # No django_db mark: any query here would raise instead of answering.
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_checks_database_and_broker(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_ready_names_the_broker_when_it_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app, "_pool", None, raising=False)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
