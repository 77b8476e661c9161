"""A NUL character in a query string is refused with a 400, on every page and in the API.

PostgreSQL text cannot hold a NUL, so a search, a filter or a lookup by slug given one raised a
DataError, a 500. Nothing we read from a query string needs it. Request bodies are checked where
they are parsed (forecasts/api/parsers.py; Django's forms refuse NUL in text fields already).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = "The query string holds a NUL character (%00), which no parameter accepts; remove it."


class RefuseNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
