"""Export every current prediction in the import format: re-imported, the same forecasts on
the same questions, with their probabilities, words, dates, quotes, sources, topics, outcomes,
evidence and scores.

Not carried back by the import, on purpose or for lack of a column: when each forecast entered
the record (`recorded_at`, `recorded_via`, `hindsight`, `corrected_after_deadline` are written
for readers, but a typed time must never decide the hindsight rule, so re-imported forecasts
are recorded, and judged, as of the import), the verdicts' notes, the questions' consensus
source, and the experts' aliases, affiliations and bios. A whole ledger moves with
`export_all` / `import_all` (services.transfer.backup), which loses nothing.

Rows come question by question and, within a question, in the order the predictions were
recorded: re-imported, a later prediction of the same day stays the later one, which matters
because only an expert's latest prediction by the deadline counts.
"""

import csv
from collections.abc import Iterator
from typing import TextIO

from django.db.models import QuerySet
from django.utils import timezone

from forecasts import verbal
from forecasts.models import Prediction, Question, Review
from forecasts.services.transfer.csv_io import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    TOPIC_SEPARATOR,
    guard_cell,
    implied_phrase,
    parse_probability_text,
)

# Written for readers, ignored by the import: when the record was made cannot be typed in.
EXPORT_ONLY_COLUMNS = ("recorded_at", "recorded_via", "hindsight", "corrected_after_deadline")
EXPORT_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS, *EXPORT_ONLY_COLUMNS)


def probability_cell(prediction: Prediction) -> str:
    """What to write in the probability column so that importing it gives back the same
    probability and basis: the words as recorded when they parse to them, else an equivalent."""
    if prediction.phrase:
        try:
            parsed = parse_probability_text(prediction.phrase)
        except ValueError:
            parsed = None
        if parsed and (parsed.probability, parsed.basis) == (
            prediction.probability,
            prediction.basis,
        ):
            return prediction.phrase
    if prediction.probability is None:
        # Recorded but not scored: a contingency phrase reads back as exactly that.
        return verbal.VERBAL_TABLE.contingency[0]
    for marker in verbal.VERBAL_TABLE.markers.values():
        if (marker.probability, marker.basis) == (prediction.probability, prediction.basis):
            return marker.phrase
    return repr(prediction.probability)


def _phrase_on_import(cell: str) -> str:
    return implied_phrase(cell, parse_probability_text(cell))


def _verdicts() -> dict[int, Review]:
    """The verdict that settled each settled question (its latest review)."""
    reviews = Review.objects.filter(Question.settled_q("question__")).order_by(
        "question_id", "round", "created_at", "id"
    )
    return {review.question_id: review for review in reviews.only("question_id", "evidence_url")}


def exportable_predictions() -> QuerySet:
    """Every current prediction, joined and ordered as export_rows writes them."""
    return (
        Prediction.objects.current()
        .select_related("expert", "question", "source")
        .prefetch_related("question__topics")
        .order_by("question__deadline", "question_id", "id")
    )


def export_rows(predictions: QuerySet | None = None) -> Iterator[dict[str, str]]:
    """One CSV row per prediction: all current ones, or `predictions` (exportable_predictions
    narrowed by filters, as the API's export does)."""
    verdicts = _verdicts()
    if predictions is None:
        predictions = exportable_predictions()
    for prediction in predictions.iterator(chunk_size=2000):
        yield _row(prediction, verdicts)


def _row(prediction: Prediction, verdicts: dict[int, Review]) -> dict[str, str]:
    question, source = prediction.question, prediction.source
    settled = question.is_settled
    cell = probability_cell(prediction)
    verdict = verdicts.get(question.pk) if settled else None
    consensus = question.consensus_probability
    # Text anyone typed goes out through guard_cell: a spreadsheet must not run it.
    return {
        "expert": guard_cell(prediction.expert.name),
        "question": guard_cell(question.title),
        "deadline": question.deadline.isoformat(),
        "probability": cell,
        "made_on": prediction.made_on.isoformat(),
        "outcome": question.outcome if settled else "",
        "resolution_criteria": guard_cell(question.resolution_criteria),
        "source_url": source.url if source else "",
        "source_title": guard_cell(source.title) if source else "",
        "topic": guard_cell(
            f"{TOPIC_SEPARATOR} ".join(sorted(t.name for t in question.topics.all()))
        ),
        "quote": guard_cell(prediction.quote),
        "phrase": ""
        if prediction.phrase == _phrase_on_import(cell)
        else guard_cell(prediction.phrase),
        "evidence_url": verdict.evidence_url if verdict else "",
        "resolved_on": timezone.localdate(question.resolved_at).isoformat() if settled else "",
        "consensus_probability": "" if consensus is None else repr(consensus),
        # For readers only; an import never reads them (docs/scoring.md: nobody types these).
        "recorded_at": prediction.recorded_at.isoformat(),
        "recorded_via": prediction.recorded_via,
        "hindsight": "yes" if prediction.hindsight else "",
        "corrected_after_deadline": "yes" if prediction.corrected_after_deadline else "",
    }


def write_predictions_csv(stream: TextIO) -> int:
    """Write the header and every current prediction; returns the number of rows."""
    writer = csv.DictWriter(stream, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    count = 0
    for row in export_rows():
        writer.writerow(row)
        count += 1
    return count
