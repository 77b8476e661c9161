"""The admin's `?q=` (and the autocomplete) through the shared search selectors, so the
trigram indexes serve it on PostgreSQL: the default search ORs icontains across joined tables,
which no index can serve (2-3 s at 1,000,000 predictions)."""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import HttpRequest

from forecasts.selectors.search import search_experts, search_predictions, search_questions


class _SelectorSearchMixin:
    search_with: Callable[[QuerySet, str], QuerySet]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return type(self).search_with(queryset, search_term), False


class ExpertSearchMixin(_SelectorSearchMixin):
    """Experts by any spelling of the name (aliases, accents, Cyrillic) or affiliation."""

    search_with = staticmethod(search_experts)


class QuestionSearchMixin(_SelectorSearchMixin):
    search_with = staticmethod(search_questions)


class PredictionSearchMixin(_SelectorSearchMixin):
    search_with = staticmethod(search_predictions)
