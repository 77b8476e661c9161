"""Page-numbered lists: `?page=` (a page past the last is a JSON 404) and a bounded
`?page_size=` (1..MAX_PAGE_SIZE; anything else is a 400 that says so)."""

from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from forecasts.views.pagination import SearchPaginator

MAX_PAGE_SIZE = 200


class LedgerPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = SearchPaginator

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            paginator = self.django_paginator_class(queryset, self.get_page_size(request))
            if paginator.capped:
                raise exceptions.NotFound(
                    f"This search matched more than {paginator.count:,} results and pages "
                    "stop there: narrow it (more words, or a filter such as expert or "
                    "question)."
                ) from None
            raise

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        # True when `count` is a lower bound: a search matched more than it counts.
        response.data["count_capped"] = self.page.paginator.capped
        return response

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size or settings.REST_FRAMEWORK["PAGE_SIZE"]
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paged = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):  # OpenAPI 3.1: null is a type, not `nullable`
            paged["properties"][link].pop("nullable", None)
            paged["properties"][link]["type"] = ["string", "null"]
        paged["properties"]["count_capped"] = {
            "type": "boolean",
            "example": False,
            "description": (
                "True when a search matched more than it counts: `count` is then the cap "
                "(10,000), a lower bound, and pages stop there."
            ),
        }
        return paged

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
                param["description"] = "A page number; one past the last is a 404."
            elif param["name"] == self.page_size_query_param:
                param["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size or settings.REST_FRAMEWORK["PAGE_SIZE"],
                }
                param["description"] = f"Results per page, 1 to {self.max_page_size}."
        return params
