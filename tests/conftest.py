"""Shared fixtures: personas (alice the editor, bob the reviewer, carol the admin), builders."""

import datetime as dt
import os
import socket

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config.celery import app as celery_app
from tests.builders import make_user
from tests.fault_support import RABBITMQ_URL

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
# CI's second pass (make test-embedded): the embedded defaults `make run` uses, SQLite and no
# Redis. Tests that need PostgreSQL, Redis or RabbitMQ ran in the first pass; here they skip.
EMBEDDED_RUN = os.environ.get("CI_EMBEDDED_RUN", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"
# RabbitMQ for the broker-choice tests: the development and CI machines run it on loopback.


def _rabbitmq_answers() -> bool:
    from urllib.parse import urlsplit

    address = urlsplit(RABBITMQ_URL)
    try:
        socket.create_connection((address.hostname, address.port or 5672), timeout=1).close()
    except OSError:
        return False
    return True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need PostgreSQL, Redis, RabbitMQ or a browser run in CI; elsewhere they say
    how to run them."""
    engine = django_settings.DATABASES["default"]["ENGINE"]
    has_postgres = "postgresql" in engine
    has_redis = bool(django_settings.REDIS_URL)
    has_browser = os.path.exists(CHROMIUM)
    has_rabbitmq = any("rabbitmq" in item.keywords for item in items) and _rabbitmq_answers()
    if EMBEDDED_RUN and (has_postgres or has_redis):
        raise pytest.UsageError("CI_EMBEDDED_RUN is the SQLite pass: unset DATABASE_URL, REDIS_URL")
    for item in items:
        if "browser" in item.keywords or "real_worker" in item.keywords:
            item.add_marker(pytest.mark.slow)
        if "rabbitmq" in item.keywords and not has_rabbitmq:
            if IN_CI and not EMBEDDED_RUN:
                raise pytest.UsageError(f"CI must run RabbitMQ at {RABBITMQ_URL} (see .ci/run)")
            item.add_marker(
                pytest.mark.skip(reason=f"needs RabbitMQ at {RABBITMQ_URL} (or set RABBITMQ_URL)")
            )
        if "postgres" in item.keywords and not has_postgres:
            if IN_CI and not EMBEDDED_RUN:
                raise pytest.UsageError("CI must set DATABASE_URL=postgres://... (see .ci/run)")
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
            )
        if "redis" in item.keywords and not has_redis:
            if IN_CI and not EMBEDDED_RUN:
                raise pytest.UsageError("CI must set REDIS_URL=redis://... (see .ci/run)")
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://..."))
        if "browser" in item.keywords and not has_browser:
            if IN_CI:
                raise pytest.UsageError(f"CI must install Debian's chromium ({CHROMIUM})")
            item.add_marker(
                pytest.mark.skip(reason="needs Debian's chromium: apt-get install chromium")
            )


@pytest.fixture(autouse=True)
def _celery_eager(request: pytest.FixtureRequest):
    """Tasks run inline unless a test brings up a real worker (marker `real_worker`)."""
    eager = "real_worker" not in request.keywords
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    celery_app.conf.task_eager_propagates = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_tests(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    """A cheap password hash, and no API throttling: one test client makes many requests and
    anonymous limits would otherwise be shared across the whole run. Throttling tests set
    their own rates."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests write and read within milliseconds in one process: no memo of the data version.
    settings.LEADERBOARD_VERSION_RECHECK_SECONDS = 0
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", None)
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", None)


@pytest.fixture
def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def alice(db) -> User:
    """An editor."""
    return make_user("alice", "Editors", is_staff=True)


@pytest.fixture
def bob(db) -> User:
    """A reviewer."""
    return make_user("bob", "Reviewers", is_staff=True)


@pytest.fixture
def dave(db) -> User:
    """A second reviewer."""
    return make_user("dave", "Reviewers", is_staff=True)


@pytest.fixture
def carol(db) -> User:
    """An admin."""
    return make_user("carol", None, is_staff=True, is_superuser=True)


@pytest.fixture
def oscar(db) -> User:
    """A second admin: corrects after a deadline what carol will judge, or judges what
    carol recorded (nobody judges a question they recorded anything on)."""
    return make_user("oscar", None, is_staff=True, is_superuser=True)


@pytest.fixture
def expert(db):
    from forecasts.services import create_expert

    return create_expert(name="Vera Ostrova", affiliation="Institute of Plausible Futures")


@pytest.fixture
def question(db, today):
    from forecasts.services import create_question

    return create_question(
        title="Will the Harbour Bridge toll be abolished by the deadline?",
        resolution_criteria="YES if the city council votes the toll away; NO otherwise.",
        deadline=today + dt.timedelta(days=30),
    )


@pytest.fixture
def api_as():
    """An API client signed in as the given user (anonymous with none)."""

    def client_for(user: User | None = None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for
