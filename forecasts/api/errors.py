"""Every API error is JSON with a message that says what to fix."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def json_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, dict) and "detail" in response.data and len(response.data) == 1:
        response.data = {"detail": response.data["detail"]}
    elif isinstance(response.data, dict | list):
        response.data = {"detail": _summary(response.data), "errors": response.data}
    return response


def _summary(errors: Any) -> str:
    if isinstance(errors, dict):
        parts = []
        for field, messages in errors.items():
            text = (
                " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
            )
            parts.append(text if field in {"non_field_errors", "detail"} else f"{field}: {text}")
        return "; ".join(parts)
    if isinstance(errors, list):
        return " ".join(str(e) for e in errors)
    return str(errors)
