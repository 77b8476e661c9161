"""`Idempotency-Key` on API creates: the same key and body answer the first response again
(with `Idempotent-Replayed: true`); the same key with another body is a 422.

The key is claimed and the answer kept in the create's own transaction
(services/idempotency.py), so a create that fails leaves no key behind and a retry runs it.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import transaction
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from forecasts.services import idempotency

HEADER = "Idempotency-Key"


class KeyReusedWithAnotherBody(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def takes_idempotency_key(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Wraps a viewset's create handler; the schema lists the header for handlers marked so."""

    @wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        _check(key)
        with transaction.atomic():
            claim = _claim(request, key)
            if claim.replay:
                return _replay(claim.key)
            response = handler(view, request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)  # no answer kept: a retry runs the create
                return response
            idempotency.record_answer(
                claim=claim,
                status=response.status_code,
                body=response.data,
                location=response.get("Location", ""),
            )
        return response

    wrapper.takes_idempotency_key = True  # type: ignore[attr-defined]
    return wrapper


def _check(key: str) -> None:
    if not key.strip() or len(key) > idempotency.MAX_KEY_LENGTH:
        raise exceptions.ValidationError(
            {HEADER: [f"Send 1 to {idempotency.MAX_KEY_LENGTH} characters, e.g. a UUID."]}
        )


def _claim(request: Request, key: str) -> idempotency.Claim:
    try:
        return idempotency.claim_key(
            user=request.user,
            key=key,
            method=request.method,
            path=request.path,
            body=request.data,
        )
    except idempotency.KeyReused as exc:
        raise KeyReusedWithAnotherBody(str(exc)) from None


def _replay(row: Any) -> Response:
    headers = {"Idempotent-Replayed": "true"}
    if row.location:
        headers["Location"] = row.location
    return Response(row.response_body, status=row.response_status, headers=headers)
