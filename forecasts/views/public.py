"""Public pages: the leaderboard, an expert's track record, a question.

Reads come from forecasts.selectors; these views parse the query string, order rows for
display and pick templates. Each page runs a fixed number of SQL queries.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from forecasts import selectors
from forecasts.models import Expert, Prediction, Question, Topic
from forecasts.views import charts
from forecasts.views.pagination import CountedPaginator, page_links

MURPHY_MIN_N = 20  # docs/scoring.md: the decomposition is biased for small N, so pages hide it
EXPERT_PAGE_SIZE = 50  # settled calls, and open ones, per page of an expert's record
QUESTION_PAGE_SIZE = 50  # predictions per page of a question
FAVICON = Path(__file__).resolve().parent.parent / "static" / "forecasts" / "favicon.ico"

PERIODS = {"all": None, "12m": 365, "24m": 730}
RECORD_CHOICES = [("all", "All scored"), ("prospective", "Prospective only")]
PERIOD_CHOICES = [
    ("all", "All time"),
    ("12m", "Last 12 months"),
    ("24m", "Last 24 months"),
    ("custom", "Between dates"),
]


@dataclass(frozen=True)
class SortOption:
    label: str
    attribute: str
    best_first_descending: bool  # the direction that puts the best forecaster on top


# `rank` is the default order; the others reorder rows but keep their rank numbers.
SORTS = {
    "rank": SortOption("Rank", "rank", False),
    "n": SortOption("Resolved", "resolved_count", True),
    "hit_rate": SortOption("Hit rate", "hit_rate", True),
    "brier": SortOption("Brier", "brier", False),
    "skill": SortOption("Skill", "brier_skill", True),
    "score": SortOption("Ranking score", "ranking_score", False),
}


class LeaderboardFilters(forms.Form):
    """The leaderboard's query string. Bad values are reported and the default is used."""

    topic = forms.ChoiceField(required=False, label="Topic")
    period = forms.ChoiceField(
        required=False, choices=PERIOD_CHOICES, label="Resolved in", initial="all"
    )
    min_resolved = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1000,
        label="Ranked from",
        help_text="resolved predictions",
    )
    record = forms.ChoiceField(
        required=False,
        choices=RECORD_CHOICES,
        label="Forecasts",
        initial="all",
        help_text="prospective: recorded before the deadline and the resolution",
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data, *, topics: list[Topic]) -> None:
        super().__init__(data)
        self.topics = {t.slug: t for t in topics}
        self.fields["topic"].choices = [("", "All topics")] + [(t.slug, t.name) for t in topics]
        # "from" is a Python keyword, so these two are added by name.
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
            )
        self.fields["min_resolved"].widget.attrs["placeholder"] = settings.RANKING_MIN_RESOLVED

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The end date comes before the start date.")
        return data

    def value(self, name: str):
        """The cleaned value of one field, or None when it was missing or invalid."""
        self.is_valid()  # cached after the first call
        return self.cleaned_data.get(name)

    def prospective(self) -> bool:
        return self.value("record") == "prospective"

    def selected_topic(self) -> Topic | None:
        return self.topics.get(self.value("topic") or "")

    def selected_period(self, today: dt.date) -> tuple[dt.date | None, dt.date | None] | None:
        start, end = self.value("from"), self.value("to")
        if start or end:
            return (start, end)
        days = PERIODS.get(self.value("period") or "all")
        return None if days is None else (today - dt.timedelta(days=days), today)

    def selected_sort(self) -> tuple[str, bool]:
        """(column key, descending) from e.g. ?sort=brier or ?sort=-brier (the reverse)."""
        raw = self.value("sort") or "rank"
        key = raw.lstrip("-")
        if key not in SORTS:
            return "rank", False
        option = SORTS[key]
        reverse = raw.startswith("-")
        return key, option.best_first_descending != reverse


def _sort_headers(request: HttpRequest, key: str, descending: bool) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it and, if current, its aria-sort."""
    headers = {}
    for name, option in SORTS.items():
        params = request.GET.copy()
        for page in ("page", "provisional_page"):  # a new order starts on its first page
            params.pop(page, None)
        current = name == key
        # A click on the current column flips it; on another column it sorts best first.
        flip = current and descending == option.best_first_descending
        params["sort"] = ("-" if flip else "") + name
        if name == "rank" and not flip:
            params.pop("sort")
        headers[name] = {
            "url": "?" + params.urlencode(),
            "aria_sort": ("descending" if descending else "ascending") if current else None,
        }
    return headers


def _with_calibration(rows) -> list:
    return [(row, charts.calibration_gap(row.calibration)) for row in rows]


def leaderboard(request: HttpRequest) -> HttpResponse:
    """One page (50 rows) of ranked experts and one of provisional ones, ranked in SQL."""
    # Anonymous visitors share one rendering per query string for up to a minute; the key
    # changes with the data and topics (selectors.leaderboard_version) and the day.
    key = None
    if not request.user.is_authenticated:
        key = selectors.leaderboard_cache_key("page", request.get_full_path(), timezone.localdate())
        content = cache.get(key)
        if content is not None:
            return HttpResponse(content)
    topics = list(Topic.objects.order_by("name"))
    filters = LeaderboardFilters(request.GET, topics=topics)
    topic = filters.selected_topic()
    period = filters.selected_period(timezone.localdate())
    min_resolved = filters.value("min_resolved")
    sort_key, descending = filters.selected_sort()
    board = selectors.BoardFilters(
        topic=topic, min_resolved=min_resolved, period=period, prospective=filters.prospective()
    )
    ranked, provisional = board.pages(
        sort_key, descending, request.GET.get("page"), request.GET.get("provisional_page")
    )
    response = render(
        request,
        "forecasts/leaderboard.html",
        {
            "board": board,
            "ranked": _with_calibration(ranked),
            "provisional": _with_calibration(provisional),
            "ranked_count": ranked.paginator.count,
            "provisional_count": provisional.paginator.count,
            "ranked_pages": page_links(request, "page", ranked),
            "provisional_pages": page_links(request, "provisional_page", provisional),
            "filters": filters,
            "filtered": bool(topic or period or min_resolved or board.prospective),
            "narrowed": bool(topic or period),  # to a topic or a time: fewer resolved calls
            "sort_key": sort_key,
            "sort_label": SORTS[sort_key].label,
            "sort_headers": _sort_headers(request, sort_key, descending),
            "policy": {"mu0": settings.RANKING_MU0, "k": settings.RANKING_K},
        },
    )
    if key and not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        cache.set(key, response.content, selectors.RESPONSE_CACHE_SECONDS)
    return response


def expert_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The track record, then the settled and the open calls, each paged on its own: a
    prolific pundit has thousands, and the page stays the same size."""
    expert = get_object_or_404(Expert, slug=slug)
    if expert.merged_into_id is not None:
        # Merged into another expert (services.records.merges): the old URL stays valid.
        survivor = selectors.surviving_expert(expert)
        return HttpResponsePermanentRedirect(reverse("expert-detail", args=[survivor.slug]))
    record = selectors.expert_record(expert)
    overall = record.overall
    calibration = overall.calibration if overall else []
    settled_count, open_count = selectors.expert_prediction_counts(expert)
    resolved = CountedPaginator(
        selectors.expert_predictions(expert, settled=True), EXPERT_PAGE_SIZE, count=settled_count
    ).get_page(request.GET.get("resolved_page"))
    pending = CountedPaginator(
        selectors.expert_predictions(expert, settled=False), EXPERT_PAGE_SIZE, count=open_count
    ).get_page(request.GET.get("pending_page"))
    return render(
        request,
        "forecasts/expert_detail.html",
        {
            "expert": expert,
            "details_history": selectors.details_history(list(expert.revisions.all())),
            "merges": selectors.expert_merges(expert),
            "record": record,
            "overall": overall,
            "show_murphy": bool(overall and overall.murphy)
            and overall.resolved_count >= MURPHY_MIN_N,
            "murphy_min_n": MURPHY_MIN_N,
            "calibration_chart": charts.calibration_chart(calibration),
            "brier_chart": charts.brier_chart(selectors.brier_over_time(expert)),
            "resolved": resolved,
            "resolved_pages": page_links(request, "resolved_page", resolved),
            "pending": pending,
            "pending_pages": page_links(request, "pending_page", pending),
            "today": timezone.localdate(),
        },
    )


def question_detail(request: HttpRequest, question_id: int) -> HttpResponse:
    """The question, its predictions a page at a time (a popular question gathers thousands),
    its verdicts and its history."""
    try:
        question = selectors.question_detail(question_id, predictions=0)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None
    predictions = CountedPaginator(
        selectors.question_predictions(question.pk),
        QUESTION_PAGE_SIZE,
        count=question.prediction_count,  # counted with the question, in the same query
    ).get_page(request.GET.get("page"))
    # Corrections are an editor's act, one at a time: few enough to list whole.
    corrected = Prediction.objects.filter(question=question).filter(
        Q(superseded_at__isnull=False) | Q(version__gt=1)
    )
    return render(
        request,
        "forecasts/question_detail.html",
        {
            "question": question,
            "predictions": predictions,
            "prediction_pages": page_links(request, "page", predictions),
            "reviews": question.all_reviews,
            "revisions": question.all_revisions,
            "corrections": list(
                corrected.select_related("expert").order_by("expert__name", "made_on", "version")
            ),
            "topics": list(question.topics.all()),
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever the page's <link> says: the file itself
    (237 bytes), so the answer needs no collected static files and is no 404 in the logs."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
