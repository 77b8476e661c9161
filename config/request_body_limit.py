"""A request body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with a 413 that says the limit.

Left to Django, such a body raises RequestDataTooBig when something reads it, which Django
answers as a 400 (a SuspiciousOperation) with no reason given: an HTML page, even under
/api/. The declared length is checked before any code reads the body, so the answer is the
same wherever the body would have been read (a view, DRF, the CSRF check of a form).

The whole body counts, files included. The largest upload we take is an article of 2 MB
(forecasts.extraction.text.MAX_UPLOAD_BYTES), which fits; anything larger is refused before
Django would write it to a temporary file.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: no body


def too_large(request: HttpRequest, length: int, limit: int) -> HttpResponse:
    megabytes = f"{limit / (1024 * 1024):.3g} MB"
    message = (
        f"The request body is too large: {length:,} bytes; the limit is {limit:,} bytes "
        f"({megabytes}). Send less at a time."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=413)
    context = {"length": length, "limit": limit, "megabytes": megabytes}
    return render(request, "413.html", context, status=413)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = _declared_length(request)
        if limit is not None and length > limit:
            return too_large(request, length, limit)
        return self.get_response(request)
