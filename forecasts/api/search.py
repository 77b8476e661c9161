"""`?search=` through the shared search selectors (forecasts/selectors/search.py), so the API
and the admin find the same rows and the same indexes serve both."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from forecasts.api.filters import ListedSearchFilter
from forecasts.selectors import search

SEARCHES: dict[str, Callable[[QuerySet, str], QuerySet]] = {
    "forecasts.expert": search.search_experts,
    "forecasts.question": search.search_questions,
    "forecasts.prediction": search.search_predictions,
}


class SearchPlanningMixin:
    """Lists answer a `?search=` inside search_planning (selectors.search), so the page and
    its count are planned for the trigram indexes."""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not request.query_params.get("search", "").strip():
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        with search.search_planning():
            return super().list(request, *args, **kwargs)  # type: ignore[misc]


class LedgerSearchFilter(ListedSearchFilter):
    """DRF's SearchFilter (its parameter listed only where a list searches), with the
    selectors' matching for the models they cover. The default filter backend (settings)."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: object) -> QuerySet:
        text = request.query_params.get(self.search_param, "")
        chosen = SEARCHES.get(queryset.model._meta.label_lower)
        if chosen is None or not getattr(view, "search_fields", None):
            return super().filter_queryset(request, queryset, view)
        return chosen(queryset, text) if text.strip() else queryset
