"""The admin's `?q=` (and the autocomplete) through the shared search selectors, so the
trigram indexes serve it on PostgreSQL: the default search ORs icontains across joined tables,
which no index can serve (2-3 s at 1,000,000 predictions)."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from forecasts.selectors.search import (
    search_experts,
    search_planning,
    search_predictions,
    search_questions,
)


class _SelectorSearchMixin:
    search_with: Callable[[QuerySet, str], QuerySet]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return type(self).search_with(queryset, search_term), False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        if not request.GET.get("q", "").strip():
            return super().changelist_view(request, extra_context)  # type: ignore[misc]
        with search_planning():
            response = super().changelist_view(request, extra_context)  # type: ignore[misc]
            # Rendered inside, so the lazy querysets run with the search's planning.
            return response.render() if hasattr(response, "render") else response


class ExpertSearchMixin(_SelectorSearchMixin):
    """Experts by any spelling of the name (aliases, accents, Cyrillic) or affiliation."""

    search_with = staticmethod(search_experts)


class QuestionSearchMixin(_SelectorSearchMixin):
    search_with = staticmethod(search_questions)


class PredictionSearchMixin(_SelectorSearchMixin):
    search_with = staticmethod(search_predictions)
    # "N results (1,000,000 total)": a count of the whole table on every search page.
    show_full_result_count = False
