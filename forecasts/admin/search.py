"""The admin's `?q=` (and the autocomplete) through the shared search selectors, so the
trigram indexes serve it on PostgreSQL: the default search ORs icontains across joined tables,
which no index can serve (2-3 s at 1,000,000 predictions)."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest

from forecasts.selectors.search import (
    search_experts,
    search_planning,
    search_predictions,
    search_questions,
)
from forecasts.views.pagination import SearchPaginator

DATE_DRILL_MATCHES = 1_000


class _SelectorSearchMixin:
    search_with: Callable[[QuerySet, str], QuerySet]
    paginator = SearchPaginator
    # "N results (1,000,000 total)": a count of the whole table on every search page.
    show_full_result_count = False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return type(self).search_with(queryset, search_term), False

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)  # type: ignore[misc]
        if changelist.query and (
            changelist.paginator.capped or changelist.result_count > DATE_DRILL_MATCHES
        ):
            # The date drill-down reads every match (its first and last dates, its years):
            # 1.4 s twice over a phrase found in 8% of a million predictions, 100 ms over
            # 6,500. A search with more matches goes without it; a date chosen before still
            # applies (it is in the URL).
            changelist.date_hierarchy = None
        return changelist

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        if not request.GET.get("q", "").strip():
            return super().changelist_view(request, extra_context)  # type: ignore[misc]
        with search_planning():
            response = super().changelist_view(request, extra_context)  # type: ignore[misc]
            changelist = getattr(response, "context_data", {}).get("cl")
            if changelist is not None and changelist.paginator.capped:
                messages.info(
                    request,
                    f"More than {changelist.paginator.count:,} match this search: the count "
                    "and the pages stop there. Add words or a filter to narrow it.",
                )
            # Rendered inside, so the lazy querysets run with the search's planning.
            return response.render() if hasattr(response, "render") else response


class ExpertSearchMixin(_SelectorSearchMixin):
    """Experts by any spelling of the name (aliases, accents, Cyrillic) or affiliation."""

    search_with = staticmethod(search_experts)


class QuestionSearchMixin(_SelectorSearchMixin):
    search_with = staticmethod(search_questions)


class PredictionSearchMixin(_SelectorSearchMixin):
    search_with = staticmethod(search_predictions)
