"""Liveness and readiness for load balancers and orchestrators."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app


@never_cache
def health_live(request: HttpRequest) -> JsonResponse:
    """The process answers. Touches nothing else, so it never fails for a neighbour's fault."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"; the message names it
        return f"database: {exc.__class__.__name__}: {exc}"
    return None


def _broker_ok() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"broker: {exc.__class__.__name__}: {exc}"
    return None


@never_cache
def health_ready(request: HttpRequest) -> JsonResponse:
    """Database and broker reachable; 503 naming each failing part otherwise."""
    failures = [f for f in (_database_ok(), _broker_ok()) if f]
    if failures:
        return JsonResponse(
            {
                "status": "unavailable",
                "failing": [f.split(":")[0] for f in failures],
                "errors": failures,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": {"database": "ok", "broker": "ok"}})
