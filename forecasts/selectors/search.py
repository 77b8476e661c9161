"""Text search over experts, questions and predictions: one definition for the API's
`?search=` and the admin's `?q=` (and its autocomplete).

The text is one phrase, matched as a case-insensitive substring (`icontains`; DRF's
SearchFilter and the admin match each word apart, which made a word like "the" match every
row and read the whole table). Its SQL on PostgreSQL,
UPPER(col::text) LIKE UPPER(%s), is what the trigram indexes of migration 0004 are built on.
Experts match on naming.name_keys of their name and aliases, so "ana-li", "Aná Li" and
"Ана Ли" find the same person.

Predictions are searched through their own quote and phrase, their question's title and their
expert's names. An OR across the joined tables cannot use any index (PostgreSQL scanned all
1,000,000 rows), so each part picks prediction ids by its own index and the parts are
UNIONed: `id IN (… UNION …)`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from forecasts.models import Expert, Prediction, Question
from forecasts.naming import name_key


def search_phrase(text: str) -> str:
    """The text searched: one phrase, whitespace collapsed. Searching each word apart made
    "the port" match every row ("the" is in every title) and scan the table."""
    # A NUL cannot be stored nor searched; the rest of the request is still answered.
    return " ".join(text.replace("\x00", "").split())[:200]


def search_experts(queryset: QuerySet, text: str) -> QuerySet:
    phrase = search_phrase(text)
    if not phrase:
        return queryset
    key = name_key(phrase)
    by_name = Q(search_names__contains=key) if key else Q(pk__in=[])
    return queryset.filter(by_name | Q(affiliation__icontains=phrase))


def search_questions(queryset: QuerySet, text: str) -> QuerySet:
    phrase = search_phrase(text)
    if not phrase:
        return queryset
    return queryset.filter(Q(title__icontains=phrase) | Q(resolution_criteria__icontains=phrase))


# A trigram index needs three characters; a shorter phrase would read every prediction's
# quote, so it searches only the (far smaller) experts' names and questions' titles.
MIN_QUOTE_PHRASE = 3


def matching_prediction_ids(phrase: str) -> QuerySet:
    """The ids of every prediction (any version) the phrase matches, as a subquery."""
    ids = Prediction.objects.order_by().values("pk")
    key = name_key(phrase)
    experts = Expert.objects.filter(search_names__contains=key) if key else Expert.objects.none()
    questions = Question.objects.filter(title__icontains=phrase)
    found = ids.filter(question__in=questions.values("pk")).union(
        ids.filter(expert__in=experts.values("pk"))
    )
    if len(phrase) >= MIN_QUOTE_PHRASE:
        found = found.union(
            ids.filter(quote__icontains=phrase), ids.filter(phrase__icontains=phrase)
        )
    return found


def search_predictions(queryset: QuerySet, text: str) -> QuerySet:
    phrase = search_phrase(text)
    if not phrase:
        return queryset
    return queryset.filter(pk__in=matching_prediction_ids(phrase))


# The planner's default random_page_cost (4) prices index reads for spinning disks: for a
# phrase matching 8% of 220,000 questions it read the whole table (170 ms) rather than the
# trigram index's 17,000 hits (55 ms). Search runs with the SSD figure; nothing else changes.
SEARCH_RANDOM_PAGE_COST = 1.1


@contextmanager
def search_planning() -> Iterator[None]:
    """A transaction whose queries the planner prices for an index-served search."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL random_page_cost = {SEARCH_RANDOM_PAGE_COST}")
        yield
