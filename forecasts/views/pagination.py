"""Links for one paginated list on a page that may hold several (each with its own parameter)."""

from functools import cached_property

from django.core.paginator import Paginator
from django.http import HttpRequest

from forecasts.selectors import search


class CountedPaginator(Paginator):
    """A Paginator told its count, for lists counted together in one query."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class SearchPaginator(Paginator):
    """Takes a prediction search's count from the search (selectors.search), which had it
    already; past the cap that count is the cap, so it pages that far and no further, and
    `capped` says so. Any other list is counted as usual."""

    @cached_property
    def capped(self) -> bool:
        known = search.search_count(self.object_list)
        return known is not None and known[1]

    @cached_property
    def count(self) -> int:
        known = search.search_count(self.object_list)
        return known[0] if known is not None else super().count

    def page(self, number):
        """A search's page of up to 10,000 matches in two reads: the page's ids first, in the
        list's order, then those rows. The ids come from the ordering's index alone (an index
        -only scan that checks each id against the matches); reading whole rows to order them
        touched a table page per row passed over (9,000 pages for one phrase, 40-150 ms when
        they were not in memory), for the 50 rows of the page. Past the cap: _capped_page.
        Any other list is read as usual."""
        base = search.search_base(self.object_list)
        if base is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if self.capped:
            return self._capped_page(base, number, bottom, top)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        # From the queryset before the search: with both id lists in one query the planner
        # expected one row and read the whole table. The ids already passed every filter.
        rows = base.filter(pk__in=ids)
        if self.object_list.query.order_by:  # else the model's ordering, the same on both
            rows = rows.order_by(*self.object_list.query.order_by)
        return self._get_page(rows, number, self)

    def _capped_page(self, base, number: int, bottom: int, top: int):
        """A page of a search past the cap: its list read in order, the phrase checked row by
        row. That walk costs the rows it passes before the page is full, and in a list newest
        first the newest rows can all miss: after an import of 100,000 unrelated rows an admin
        search walked them all (350-400 ms, and more with a larger import). Such a list is
        looked at from the table's newest CAPPED_WINDOW ids down first; when the page is not
        there, every match is read from the indexes and ordered (40-170 ms for 14,000-79,000
        matches of 1.1 million). Other orders walk as before: measured, a window cost the
        API's list (-made_on) more than its walk, whose matches are dense at the top."""
        order = {str(field) for field in self.object_list.query.order_by}  # admin: -id twice
        if not order or not order <= {"-id", "-pk"}:
            return super().page(number)
        newest = base.model._base_manager.order_by("-pk").values_list("pk", flat=True)
        bound = list(newest[search.CAPPED_WINDOW - 1 : search.CAPPED_WINDOW])
        rows = list(self.object_list.filter(pk__gte=bound[0])[bottom:top]) if bound else []
        if len(rows) < top - bottom:
            rows = list(search.every_match(self.object_list).order_by("-pk")[bottom:top])
        return self._get_page(rows, number, self)


def page_links(request: HttpRequest, param: str, page) -> dict:
    """Pagination for one list: previous/next and nearby page links keeping the filters."""

    def url(number: int) -> str:
        params = request.GET.copy()
        params[param] = str(number)
        if number == 1:
            params.pop(param)
        return "?" + params.urlencode() if params else request.path

    paginator = page.paginator
    nearby = paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return {
        "page": page,
        "param": param,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else None,
        "next_url": url(page.next_page_number()) if page.has_next() else None,
        "links": [
            {"number": n, "url": None if n == paginator.ELLIPSIS else url(n)} for n in nearby
        ],
    }
