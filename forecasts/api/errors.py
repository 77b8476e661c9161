"""Every API error is JSON with a message that says what to fix.

The body is always `{"detail": "<one readable sentence>"}`, plus `"errors"` (the field-by-field
map) when a request was invalid. Django ValidationError and IntegrityError raised by services
become 400s, a verdict that lost a race a 409, so no rule broken in a service surfaces as a 500.
"""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from forecasts.services.records.duplicates import DuplicatePrediction
from forecasts.services.records.questions import DuplicateQuestion
from forecasts.services.reviews.verdicts import VerdictConflict

log = logging.getLogger(__name__)

NOT_AUTHENTICATED = (
    "Log in first: send `Authorization: Token <key>` (GET /api/auth/token/ shows your key) "
    "or use a session."
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record changed meanwhile; reload it and try again."
    default_code = "conflict"


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DuplicatePrediction):
        return _duplicate(exc, context, "api:prediction-detail")
    if isinstance(exc, DuplicateQuestion):
        return _duplicate(exc, context, "api:question-detail")
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and "detail" in response.data and len(response.data) == 1:
        # A list of messages under "detail" (a service's ValidationError without a field)
        # is read out, never str()-ed: that would show Python's [ErrorDetail(string=...)].
        response.data = {"detail": _summary(response.data["detail"])}
    elif isinstance(response.data, dict | list):
        response.data = {"detail": _summary(response.data), "errors": response.data}
    return response


def _duplicate(
    exc: DuplicatePrediction | DuplicateQuestion, context: dict[str, Any], view: str
) -> Response:
    """409 with a link to the record already there (and a Location header to it)."""
    path = reverse(view, args=[exc.existing.pk])
    request = context.get("request")
    url = request.build_absolute_uri(path) if request is not None else path
    body = {"detail": exc.messages[0], "existing": {"id": exc.existing.pk, "url": url}}
    return Response(body, status=status.HTTP_409_CONFLICT, headers={"Location": url})


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return exceptions.ValidationError(detail=detail)
    if isinstance(exc, VerdictConflict):
        return Conflict(str(exc))
    if isinstance(exc, ProtectedError):
        return Conflict("Other records point to this one, so it stays; the history is kept.")
    if isinstance(exc, IntegrityError):
        # A database constraint caught what no service check did: say so, never a 500.
        log.warning("IntegrityError reached the API: %s", exc)
        return exceptions.ValidationError(
            {
                "detail": [
                    "This would break a rule of the record (a duplicate or a bad value); "
                    "check the fields and try again."
                ]
            }
        )
    if isinstance(exc, exceptions.NotAuthenticated):
        exc.detail = exceptions.ErrorDetail(NOT_AUTHENTICATED, code="not_authenticated")
        return exc  # keeps the 401 and WWW-Authenticate DRF set (settings: token auth first)
    if isinstance(exc, exceptions.AuthenticationFailed):
        hint = "GET /api/auth/token/ (logged in) shows your current key."
        exc.detail = exceptions.ErrorDetail(f"{exc.detail} {hint}", code=exc.detail.code)
        return exc
    if isinstance(exc, exceptions.UnsupportedMediaType):
        hint = "Send JSON with `Content-Type: application/json`."
        return exceptions.UnsupportedMediaType("", detail=f"{exc.detail} {hint}")
    if isinstance(exc, exceptions.ParseError):
        return exceptions.ParseError(f"{exc.detail} Send a valid JSON body.")
    return exc


# Keys whose messages are about the request as a whole: shown without a label.
UNLABELLED = {"non_field_errors", "detail", NON_FIELD_ERRORS}


def _summary(errors: Any) -> str:
    """One readable sentence from DRF's error structure, however nested: dicts by field (or
    list index, for list fields), lists of messages, lists with one dict per item (many=True,
    {} for an item without errors). Messages are str()-ed one by one, never the containers."""
    if isinstance(errors, dict):
        parts = []
        for field, messages in errors.items():
            text = _summary(messages)
            if text:
                parts.append(text if field in UNLABELLED else f"{field}: {text}")
        return "; ".join(parts)
    if isinstance(errors, list):
        if any(isinstance(e, dict) for e in errors):
            return "; ".join(f"{i}: {_summary(e)}" for i, e in enumerate(errors) if e)
        return " ".join(_summary(e) for e in errors)
    return str(errors)


@csrf_exempt  # any method: a PUT to an unknown path is a 404, not a CSRF page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown /api/ paths: JSON, not the site's HTML 404 page."""
    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}. The endpoints are listed at /api/docs/."},
        status=404,
    )


class NotFoundSaid(Http404):
    """A 404 whose message is for the client (plain Http404 messages name models)."""


def json_404(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A plain Django view under /api/ whose 404 is JSON, not the site's HTML page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFoundSaid as exc:
            return JsonResponse({"detail": str(exc)}, status=404)
        except Http404:
            return JsonResponse({"detail": f"Nothing at {request.path}."}, status=404)

    return wrapper
