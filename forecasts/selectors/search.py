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
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from forecasts.models import Expert, Question
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


def matching_ids(queryset: QuerySet, phrase: str) -> QuerySet:
    """The ids of the queryset's predictions the phrase matches, each place it is found read
    through its own index. UNION ALL streams and stops at a limit (a plain UNION collects
    every match first); a prediction found two ways comes twice."""
    first, *rest = _branches(queryset.order_by().values_list("pk", flat=True), phrase)
    return first.union(*rest, all=True)


SEARCH_PLACES = 4  # the most branches _branches gives


def _branches(ids: QuerySet, phrase: str) -> list[QuerySet]:
    """One query per place a phrase is found, each served by its own index."""
    key = name_key(phrase)
    experts = Expert.objects.filter(search_names__contains=key) if key else Expert.objects.none()
    branches = [
        ids.filter(expert__in=experts.values("pk")),
        ids.filter(question__in=Question.objects.filter(title__icontains=phrase).values("pk")),
    ]
    if len(phrase) >= MIN_QUOTE_PHRASE:
        branches += [ids.filter(quote__icontains=phrase), ids.filter(phrase__icontains=phrase)]
    return branches


# Past this many matches a search stops counting: its list says "at least 10,000" and pages
# no further (Elasticsearch's track_total_hits and max_result_window make the same trade).
# Counting every match of a phrase found in 8% of a million predictions cost 750 ms.
SEARCH_COUNT_CAP = 10_000


def search_predictions(queryset: QuerySet, text: str) -> QuerySet:
    """Predictions of the queryset matching the phrase, counted (`search_count`).

    The indexes give the matching ids, each place a phrase is found read apart and
    streamed, stopping past SEARCH_COUNT_CAP. Up to the cap, those ids are the result and
    their number its exact count. Past it, the list is read in its own order with the
    phrase checked row by row, which finds a page among so many matches at once where
    collecting all of them first cost a second; its count is the cap, marked as capped.
    """
    phrase = search_phrase(text)
    if not phrase:
        return queryset
    ids = matching_ids(queryset, phrase)
    streamed = list(ids[: SEARCH_COUNT_CAP + 1])
    if len(streamed) > SEARCH_COUNT_CAP and len(set(streamed)) <= SEARCH_COUNT_CAP:
        # Many found two ways: read on until the distinct ids decide. A prediction comes at
        # most once per place searched, so a full read of this many has more than the cap.
        streamed = list(ids[: SEARCH_PLACES * (SEARCH_COUNT_CAP + 1)])
    found = set(streamed)  # a prediction found two ways came twice
    if len(found) <= SEARCH_COUNT_CAP:
        # One array parameter (models/lookups.py): 6,500 placeholders took 80 ms to build,
        # send and plan, for a 2 ms query.
        result = queryset.filter(pk__any=sorted(found))
        # Kept on the query, which later orderings copy, for the paginators; the queryset
        # before the search reads a page's rows once their ids are known (SearchPaginator).
        result.query.search_count = (len(found), False)
        result.query.search_base = queryset
        return result
    key = name_key(phrase)
    dense = Q(question__title__icontains=phrase)
    if len(phrase) >= MIN_QUOTE_PHRASE:
        dense |= Q(quote__icontains=phrase) | Q(phrase__icontains=phrase)
    if key:
        dense |= Q(expert__search_names__contains=key)
    result = queryset.filter(dense)
    result.query.search_count = (SEARCH_COUNT_CAP, True)
    result.query.search_base, result.query.search_phrase = queryset, phrase
    return result


# A page of a list newest first (the admin's) searched past the cap is looked for among the
# table's newest CAPPED_WINDOW rows first (SearchPaginator): a phrase that matches 1% of the
# rows fills a page of 50 there, and failing costs a walk of 5,000 rows (about 20 ms).
CAPPED_WINDOW = 5_000


def every_match(queryset: QuerySet) -> QuerySet:
    """The matches of a search past the cap, from the queryset before the search, narrowed to
    its matching ids read from the indexes in full (each place apart, as matching_ids): it
    costs what the matches do, not what the list does. (With the phrase's row-by-row
    condition also in the query, the planner walked the list instead: 79 ms became 341.)"""
    base, phrase = queryset.query.search_base, queryset.query.search_phrase
    return base.filter(pk__in=matching_ids(base, phrase))


def search_base(queryset: Any) -> QuerySet | None:
    """The queryset a search_predictions result was made from, else None."""
    return getattr(getattr(queryset, "query", None), "search_base", None)


def search_count(queryset: Any) -> tuple[int, bool] | None:
    """(count, capped) of a search_predictions result, None for any other queryset. The
    count holds for the queryset as searched and ordered, not for one filtered further."""
    return getattr(getattr(queryset, "query", None), "search_count", None)


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
