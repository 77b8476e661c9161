"""An expert's track record and a question's detail, for the public pages and the API.

Predictions and reviews carry their hash in the tamper-evident ledger (`_ledger_hash`), since
these pages publish it. Each read runs a fixed number of queries whatever the number of
predictions.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from forecasts.models import (
    DetailsRevision,
    Expert,
    ExpertMerge,
    LedgerEntry,
    Prediction,
    PredictionScore,
    Question,
    Review,
    TrackRecord,
)


@dataclass(frozen=True)
class ExpertRecord:
    expert: Expert
    overall: TrackRecord | None  # over every scored forecast
    by_topic: list[TrackRecord]
    prospective: TrackRecord | None = None  # over prospective forecasts only (docs/scoring.md)


@dataclass(frozen=True)
class DetailsChange:
    """One change of an expert's details as the page shows it."""

    version: int
    changed_at: dt.datetime
    reason: str
    fields: list[tuple[str, str, str]]  # (name, before, after), lists joined with ", "


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def details_history(revisions: list[DetailsRevision]) -> list[DetailsChange]:
    """What each revision after the first changed, oldest first (revisions in version order)."""
    changes = []
    for before, after in zip(revisions, revisions[1:], strict=False):
        fields = [
            (name, _shown(before.details.get(name)), _shown(value))
            for name, value in after.details.items()
            if before.details.get(name) != value
        ]
        changes.append(DetailsChange(after.version, after.changed_at, after.reason, fields))
    return changes


def _ledger_hash(kind: str) -> Subquery:
    """The row's hash in the tamper-evident chain, for pages that publish it."""
    entries = LedgerEntry.objects.filter(kind=kind, object_id=OuterRef("pk"))
    return Subquery(entries.values("hash")[:1])


ON_SETTLED = Question.settled_q("question__")  # a prediction whose question is settled
# At most this many points on the Brier-over-time chart: one per score up to here, beyond it
# the running mean at the end of each day, thinned evenly (the last day always kept).
BRIER_CHART_POINTS = 400


def expert_predictions(expert: Expert, *, settled: bool | None = None) -> QuerySet:
    """Current predictions, newest first, with their question, source, score and ledger hash
    joined in; only those on settled (resolved or annulled) questions, or only the others."""
    predictions = Prediction.objects.current().filter(expert=expert)
    if settled is not None:
        predictions = predictions.filter(ON_SETTLED if settled else ~ON_SETTLED)
    return (
        predictions.annotate(ledger_hash=_ledger_hash(LedgerEntry.Kind.PREDICTION))
        .select_related("question", "source", "score")
        .order_by("-made_on", "-id")
    )


def expert_prediction_counts(expert: Expert) -> tuple[int, int]:
    """(settled, open) current predictions of the expert, counted in one query."""
    counts = (
        Prediction.objects.current()
        .filter(expert=expert)
        .aggregate(settled=Count("id", filter=ON_SETTLED), open=Count("id", filter=~ON_SETTLED))
    )
    return counts["settled"], counts["open"]


def expert_record(expert: Expert) -> ExpertRecord:
    """The expert's track records, overall and by topic, and overall over prospective
    forecasts only (the predictions are paged apart)."""
    records = list(
        TrackRecord.objects.filter(expert=expert)
        .filter(Q(prospective_only=False) | Q(topic__isnull=True))
        .select_related("topic")
    )
    overall = next((r for r in records if r.topic_id is None and not r.prospective_only), None)
    prospective = next((r for r in records if r.topic_id is None and r.prospective_only), None)
    by_topic = sorted(
        (r for r in records if r.topic_id and not r.prospective_only), key=lambda r: r.topic.name
    )
    return ExpertRecord(expert, overall, by_topic, prospective)


def brier_over_time(
    expert: Expert, max_points: int = BRIER_CHART_POINTS
) -> list[tuple[dt.date, float, int]]:
    """(resolved on, running mean Brier, n) for the chart: at most `max_points` rows, read
    in at most two queries whatever the number of scores."""
    scores = PredictionScore.objects.filter(expert=expert)
    first = list(
        scores.order_by("resolved_on", "question_id").values_list("resolved_on", "brier")[
            : max_points + 1
        ]
    )
    if len(first) <= max_points:
        running, points = 0.0, []
        for n, (day, brier) in enumerate(first, start=1):
            running += brier
            points.append((day, running / n, n))
        return points
    days = (
        scores.values_list("resolved_on")
        .annotate(total=Sum("brier"), count=Count("id"))
        .order_by("resolved_on")
    )
    running, n, points = 0.0, 0, []
    for day, total, count in days:
        running, n = running + total, n + count
        points.append((day, running / n, n))
    if len(points) <= max_points:
        return points
    if max_points < 2:
        return points[-max_points:]  # the whole record, or nothing
    step = (len(points) - 1) / (max_points - 1)
    return [points[round(i * step)] for i in range(max_points)]


# The predictions a question's API detail nests; beyond them, /api/predictions/?question=<id>
# pages through all of them (a question can gather thousands).
QUESTION_DETAIL_PREDICTIONS = 100


def current_prediction_count(owner: str = "question") -> Coalesce:
    """Annotation: how many current predictions the question (or, with owner="expert", the
    expert) of OuterRef pk has. A correlated count: computed for the rows shown, where a join
    and GROUP BY counted every prediction before a page of 50 was cut."""
    counts = (
        Prediction.objects.current()
        .filter(**{owner: OuterRef("pk")})
        .order_by()
        .values(owner)
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def question_predictions(question_id: int) -> QuerySet:
    """A question's current predictions by expert name, with expert, source, score and ledger
    hash joined in."""
    return (
        Prediction.objects.current()
        .filter(question_id=question_id)
        .annotate(ledger_hash=_ledger_hash(LedgerEntry.Kind.PREDICTION))
        .select_related("expert", "source", "score")
        .order_by("expert__name", "-made_on", "id")
    )


def question_detail(question_id: int, *, predictions: int | None = None) -> Question:
    """A question with its topics, verdicts, revisions, its count of current predictions
    (`prediction_count`) and the first `predictions` of them (`current_predictions`, in
    question_predictions order; QUESTION_DETAIL_PREDICTIONS by default; none with 0: the page
    pages through them itself)."""
    if predictions is None:
        predictions = QUESTION_DETAIL_PREDICTIONS
    prefetches: list = [
        "topics",
        Prefetch(
            "reviews",
            queryset=Review.objects.annotate(ledger_hash=_ledger_hash(LedgerEntry.Kind.REVIEW))
            .select_related("reviewer")
            .order_by("round", "created_at"),
            to_attr="all_reviews",
        ),
        Prefetch("revisions", to_attr="all_revisions"),
    ]
    if predictions:
        shown = question_predictions(question_id)[:predictions]
        prefetches.append(Prefetch("predictions", queryset=shown, to_attr="current_predictions"))
    return (
        Question.objects.prefetch_related(*prefetches)
        .annotate(prediction_count=current_prediction_count())
        .select_related("created_by")
        .get(pk=question_id)
    )


def surviving_expert(expert: Expert) -> Expert:
    """The expert this one was merged into, following later merges; itself if never merged."""
    seen = {expert.pk}
    while expert.merged_into_id is not None and expert.merged_into_id not in seen:
        seen.add(expert.merged_into_id)
        expert = Expert.objects.get(pk=expert.merged_into_id)
    return expert


def expert_merges(expert: Expert) -> list[ExpertMerge]:
    """The records merged into this expert's, oldest first, with who merged them (one query)."""
    merges = ExpertMerge.objects.filter(into=expert).select_related("merged", "merged_by")
    return list(merges.order_by("merged_at", "id"))
