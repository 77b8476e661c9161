"""Text search over experts, questions and predictions: one definition for the API's
`?search=` and the admin's `?q=` (and its autocomplete).

Each whitespace-separated term must match (as DRF's SearchFilter and the admin do). Matching
is a case-insensitive substring (`icontains`), whose SQL on PostgreSQL,
UPPER(col::text) LIKE UPPER(%s), is what the trigram indexes of migration 0004 are built on.
Experts match on naming.name_keys of their name and aliases, so "ana-li", "Aná Li" and
"Ана Ли" find the same person.

Predictions are searched through their own quote and phrase, their question's title and their
expert's names. An OR across the joined tables cannot use any index (PostgreSQL scanned all
1,000,000 rows), so each part picks prediction ids by its own index and the parts are
UNIONed: `id IN (… UNION …)`.
"""

from django.db.models import Q, QuerySet

from forecasts.models import Expert, Prediction, Question
from forecasts.naming import name_key


def search_terms(text: str) -> list[str]:
    # A NUL cannot be stored nor searched; the rest of the request is still answered.
    return [term for term in text.replace("\x00", "").split() if term][:10]


def search_experts(queryset: QuerySet, text: str) -> QuerySet:
    for term in search_terms(text):
        key = name_key(term)
        by_name = Q(search_names__contains=key) if key else Q(pk__in=[])
        queryset = queryset.filter(by_name | Q(affiliation__icontains=term))
    return queryset


def search_questions(queryset: QuerySet, text: str) -> QuerySet:
    for term in search_terms(text):
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(resolution_criteria__icontains=term)
        )
    return queryset


def matching_prediction_ids(term: str) -> QuerySet:
    """The ids of every prediction (any version) that one term matches, as a subquery."""
    ids = Prediction.objects.order_by().values("pk")
    key = name_key(term)
    experts = Expert.objects.filter(search_names__contains=key) if key else Expert.objects.none()
    questions = Question.objects.filter(title__icontains=term)
    return (
        ids.filter(quote__icontains=term)
        .union(ids.filter(phrase__icontains=term))
        .union(ids.filter(question__in=questions.values("pk")))
        .union(ids.filter(expert__in=experts.values("pk")))
    )


def search_predictions(queryset: QuerySet, text: str) -> QuerySet:
    for term in search_terms(text):
        queryset = queryset.filter(pk__in=matching_prediction_ids(term))
    return queryset
