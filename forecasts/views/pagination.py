"""Links for one paginated list on a page that may hold several (each with its own parameter)."""

from django.http import HttpRequest


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
