"""The public list of experts: the way to an expert whom the leaderboard does not list yet
(nothing resolved), by name, alias or affiliation."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from forecasts.models import Expert, Prediction, TrackRecord
from forecasts.selectors.search import search_experts, search_phrase
from forecasts.views.pagination import page_links

EXPERTS_PAGE_SIZE = 50


def expert_list(request: HttpRequest) -> HttpResponse:
    """Experts A to Z (merged ones lead to their survivor, so are left out), or those
    matching ?q=; each with the predictions on record and how many have resolved. The counts
    are read for the page's experts only (two indexed queries), not grouped over the table."""
    query = search_phrase(request.GET.get("q", ""))
    experts = search_experts(
        Expert.objects.filter(merged_into__isnull=True).order_by("name", "id"), query
    )
    page = Paginator(experts, EXPERTS_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [expert.pk for expert in page]
    recorded = dict(
        Prediction.objects.current()
        .filter(expert_id__in=ids)
        .values_list("expert_id")
        .annotate(n=Count("id"))
        .values_list("expert_id", "n")
    )
    resolved = dict(
        TrackRecord.objects.filter(
            expert_id__in=ids, topic__isnull=True, prospective_only=False
        ).values_list("expert_id", "resolved_count")
    )
    rows = [(expert, recorded.get(expert.pk, 0), resolved.get(expert.pk, 0)) for expert in page]
    return render(
        request,
        "forecasts/expert_list.html",
        {"rows": rows, "page": page, "pages": page_links(request, "page", page), "query": query},
    )
