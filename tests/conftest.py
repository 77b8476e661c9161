"""Shared fixtures: personas (alice the editor, bob the reviewer, carol the admin), builders."""

import datetime as dt
import importlib
import os
import socket

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from rest_framework.throttling import SimpleRateThrottle

from config.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"
# RabbitMQ for the broker-choice tests: the development and CI machines run it on loopback.
RABBITMQ_URL = os.environ.get("RABBITMQ_URL") or "amqp://guest:guest@127.0.0.1:5672//"


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
    for item in items:
        if "rabbitmq" in item.keywords and not has_rabbitmq:
            if IN_CI:
                raise pytest.UsageError(f"CI must run RabbitMQ at {RABBITMQ_URL} (see .ci/run)")
            item.add_marker(
                pytest.mark.skip(reason=f"needs RabbitMQ at {RABBITMQ_URL} (or set RABBITMQ_URL)")
            )
        if "postgres" in item.keywords and not has_postgres:
            if IN_CI:
                raise pytest.UsageError("CI must set DATABASE_URL=postgres://... (see .ci/run)")
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
            )
        if "redis" in item.keywords and not has_redis:
            if IN_CI:
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


def ensure_groups() -> None:
    """The Editors and Reviewers groups, as the data migration makes them. A transactional
    test's flush empties them, so persona fixtures put them back before use."""
    if Group.objects.filter(name__in=["Editors", "Reviewers"]).count() < 2:
        importlib.import_module("forecasts.migrations.0003_groups").create_groups(django_apps, None)
        importlib.import_module("forecasts.migrations.0013_details_revision_permissions").grant(
            django_apps, None
        )


@pytest.fixture
def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _user(username: str, group: str | None = None, **extra: object) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password="pw-" + username, **extra
    )
    if group:
        ensure_groups()
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def alice(db) -> User:
    """An editor."""
    return _user("alice", "Editors", is_staff=True)


@pytest.fixture
def bob(db) -> User:
    """A reviewer."""
    return _user("bob", "Reviewers", is_staff=True)


@pytest.fixture
def dave(db) -> User:
    """A second reviewer."""
    return _user("dave", "Reviewers", is_staff=True)


@pytest.fixture
def carol(db) -> User:
    """An admin."""
    return _user("carol", None, is_staff=True, is_superuser=True)


@pytest.fixture
def oscar(db) -> User:
    """A second admin: corrects after a deadline what carol will judge, or judges what
    carol recorded (nobody judges a question they recorded anything on)."""
    return _user("oscar", None, is_staff=True, is_superuser=True)


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
