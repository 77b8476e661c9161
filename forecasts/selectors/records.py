"""An expert's track record and a question's detail, for the public pages and the API.

Predictions and reviews carry their hash in the tamper-evident ledger (`_ledger_hash`), since
these pages publish it. Each read runs a fixed number of queries whatever the number of
predictions.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from forecasts.models import (
    DetailsRevision,
    Expert,
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
    overall: TrackRecord | None
    by_topic: list[TrackRecord]
    predictions: list[Prediction]
    brier_over_time: list[tuple[dt.date, float, int]]  # (resolved on, running mean Brier, n)

    @property
    def resolved(self) -> list[Prediction]:
        return [p for p in self.predictions if p.question.is_settled]

    @property
    def pending(self) -> list[Prediction]:
        return [p for p in self.predictions if not p.question.is_settled]


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


def expert_predictions(expert: Expert) -> QuerySet:
    """Current predictions with their question, source, score and ledger hash joined in."""
    return (
        Prediction.objects.current()
        .filter(expert=expert)
        .annotate(ledger_hash=_ledger_hash(LedgerEntry.Kind.PREDICTION))
        .select_related("question", "source", "score")
        .order_by("-made_on", "-id")
    )


def expert_record(expert: Expert) -> ExpertRecord:
    records = list(TrackRecord.objects.filter(expert=expert).select_related("topic"))
    overall = next((r for r in records if r.topic_id is None), None)
    by_topic = sorted((r for r in records if r.topic_id), key=lambda r: r.topic.name)
    scores = PredictionScore.objects.filter(expert=expert).order_by("resolved_on", "question_id")
    running, points = 0.0, []
    for n, (day, brier) in enumerate(scores.values_list("resolved_on", "brier"), start=1):
        running += brier
        points.append((day, running / n, n))
    return ExpertRecord(expert, overall, by_topic, list(expert_predictions(expert)), points)


def question_detail(question_id: int) -> Question:
    """A question with its topics, current predictions (expert, source, score), verdicts."""
    return (
        Question.objects.prefetch_related(
            "topics",
            Prefetch(
                "predictions",
                queryset=Prediction.objects.current()
                .annotate(ledger_hash=_ledger_hash(LedgerEntry.Kind.PREDICTION))
                .select_related("expert", "source", "score")
                .order_by("expert__name", "-made_on"),
                to_attr="current_predictions",
            ),
            Prefetch(
                "reviews",
                queryset=Review.objects.annotate(ledger_hash=_ledger_hash(LedgerEntry.Kind.REVIEW))
                .select_related("reviewer")
                .order_by("round", "created_at"),
                to_attr="all_reviews",
            ),
            Prefetch("revisions", to_attr="all_revisions"),
        )
        .select_related("created_by")
        .get(pk=question_id)
    )
