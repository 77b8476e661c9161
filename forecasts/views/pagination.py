"""Links for one paginated list on a page that may hold several (each with its own parameter)."""

from functools import cached_property

from django.core.paginator import Paginator
from django.http import HttpRequest

from forecasts.selectors.search import search_count


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
        known = search_count(self.object_list)
        return known is not None and known[1]

    @cached_property
    def count(self) -> int:
        known = search_count(self.object_list)
        return known[0] if known is not None else super().count


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
