"""Liveness and readiness for load balancers and orchestrators."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app

log = logging.getLogger(__name__)


@never_cache
def health_live(request: HttpRequest) -> JsonResponse:
    """The process answers. Touches nothing else, so it never fails for a neighbour's fault."""
    return JsonResponse({"status": "ok"})


def _failure(part: str, exc: Exception) -> tuple[str, str]:
    text = f"{part}: {exc.__class__.__name__}: {exc}"
    log.warning("Not ready: %s", text)
    return part, text


def _database_ok() -> tuple[str, str] | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"
        return _failure("database", exc)
    return None


def _broker_ok() -> tuple[str, str] | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return _failure("broker", exc)
    return None


@never_cache
def health_ready(request: HttpRequest) -> JsonResponse:
    """Database and broker reachable; 503 naming each failing part otherwise.

    The exception text (host names, ports, user names) is logged, and shown only with DEBUG
    on: this URL is public, and the load balancer needs the parts, not the details.
    """
    failures = [f for f in (_database_ok(), _broker_ok()) if f]
    if failures:
        body = {"status": "unavailable", "failing": [part for part, _text in failures]}
        if settings.DEBUG:
            body["errors"] = [text for _part, text in failures]
        return JsonResponse(body, status=503)
    return JsonResponse({"status": "ok", "checks": {"database": "ok", "broker": "ok"}})
