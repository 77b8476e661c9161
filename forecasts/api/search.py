"""`?search=` through the shared search selectors (forecasts/selectors/search.py), so the API
and the admin find the same rows and the same indexes serve both."""

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework.filters import SearchFilter
from rest_framework.request import Request

from forecasts.selectors import search

SEARCHES: dict[str, Callable[[QuerySet, str], QuerySet]] = {
    "forecasts.expert": search.search_experts,
    "forecasts.question": search.search_questions,
    "forecasts.prediction": search.search_predictions,
}


class LedgerSearchFilter(SearchFilter):
    """DRF's SearchFilter (and its schema parameter), with the selectors' matching for the
    models they cover."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: object) -> QuerySet:
        text = request.query_params.get(self.search_param, "")
        chosen = SEARCHES.get(queryset.model._meta.label_lower)
        if chosen is None or not getattr(view, "search_fields", None):
            return super().filter_queryset(request, queryset, view)
        return chosen(queryset, text) if text.strip() else queryset
