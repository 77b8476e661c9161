"""import_predictions at size: streamed batches, a fixed number of queries per batch, ledger
payloads built without reading rows back, multiset matching across batches and runs.

Runs on SQLite and, with DATABASE_URL=postgres://..., on PostgreSQL (COPY with ids taken from
the sequences up front); the query-count test needs PostgreSQL.
"""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts import verbal
from forecasts.models import (
    Expert,
    LedgerEntry,
    LedgerHead,
    Prediction,
    PredictionScore,
    Question,
    Review,
    ReviewAssignment,
)
from forecasts.services.imports.run import import_rows
from forecasts.services.imports.state import IdRanges
from forecasts.services.ledger import chain as ledger
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.transfer.csv_io import COLUMNS, SourceRow, parse_probability_text
from tests.builders import forecast, make_question, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


def run_import(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command(
        "import_predictions", str(path), "--quiet", *args, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def summary(output: str) -> str:
    """'N rows in 0.1s: ...' without the time."""
    line = next(line for line in output.splitlines() if " rows in " in line)
    return line.split(": ", 1)[1]


def varied_rows() -> list[dict[str, str]]:
    """Every kind of value the ledger payload holds: numbers, phrases, percentages, unknown
    basis (null probability), sources by URL and by title, quotes with newlines and non-ASCII
    text, outcomes yes/no/annulled with and without resolved_on and evidence_url."""
    rows = []
    cells = ["0.7", "likely", "35%", "we must be prepared for", "3:1", "0.1234567890123", "0.3"]
    for i in range(30):
        rows.append(
            row(
                expert=f"Expert {i % 4}",
                question=f"Question {i % 9}",
                deadline="2025-02-01" if i % 9 != 4 else "2025-03-01",
                probability=cells[i % len(cells)],
                made_on=f"2025-01-{1 + i % 28:02d}",
                outcome=["", "yes", "no", "annulled", "", "", "yes", "", ""][i % 9],
                source_url=f"https://example.org/{i % 5}" if i % 3 else "",
                source_title="Ökonomie heute" if i % 3 == 0 else "",
                topic="Harbour; Économie" if i % 2 else "",
                quote=f'Said "{i}"\nover two lines — ünïcode' if i % 4 == 0 else "",
            )
            | ({"resolved_on": "2025-02-03"} if i % 9 == 1 else {})
            | ({"evidence_url": "https://example.org/verdict"} if i % 9 == 2 else {})
        )
    return rows


OPTIONAL = ("phrase", "evidence_url", "resolved_on", "consensus_probability")


def varied_csv(path: Path) -> Path:
    return write_csv(path, varied_rows(), columns=[*COLUMNS, *OPTIONAL])


@pytest.mark.parametrize("batch_size", ["1", "4", "2000"])
def test_ledger_payloads_are_those_of_the_stored_rows(tmp_path, batch_size):
    output = run_import(varied_csv(tmp_path / "in.csv"), "--batch-size", batch_size)
    assert "30 created, 0 unchanged, 0 errors" in output
    entries = list(LedgerEntry.objects.order_by("seq"))
    for entry in entries:
        if entry.kind == LedgerEntry.Kind.RESOLUTION:
            review = Review.objects.get(pk=entry.object_id)
            facts = ledger.resolution_facts(review.question, review.pk)
            assert entry.payload == ledger.resolution_payload(facts), entry.seq
            continue
        stored = ledger.CHAINED_MODELS[entry.kind].objects.get(pk=entry.object_id)
        assert entry.payload == ledger.canonical_payload(entry.kind, stored), entry.seq
    assert Prediction.objects.filter(probability__isnull=True).exists()  # unknown basis too
    assert Review.objects.count() == 4  # Questions 1, 2, 3 and 6
    assert verify_ledger() == (len(entries), None)
    # chained in file order: the prediction entries follow row order (ids ascend with it)
    ids = [e.object_id for e in entries if e.kind == LedgerEntry.Kind.PREDICTION]
    assert ids == sorted(ids)
    assert [p.quote for p in Prediction.objects.order_by("id")] == [
        r["quote"].strip() for r in varied_rows()
    ]


def test_batch_size_does_not_change_the_result(tmp_path):
    path = varied_csv(tmp_path / "in.csv")
    results = []
    for batch_size in ("1", "7", "2000"):
        output = run_import(path, "--batch-size", batch_size)
        results.append(
            (
                summary(output).split(" rows in ")[0],
                sorted(
                    Prediction.objects.values_list(
                        "expert__name", "question__title", "probability", "phrase", "made_on"
                    )
                ),
                sorted(Question.objects.values_list("title", "status", "outcome")),
                sorted(PredictionScore.objects.values_list("expert__name", "question__title")),
            )
        )
        assert verify_ledger()[1] is None
        for model in (LedgerEntry, LedgerHead, Review, Prediction, Question, Expert):
            model.objects.all().delete()
    assert results[0] == results[1] == results[2]


def test_repeated_rows_match_across_batches_and_runs(tmp_path):
    x = row(probability="0.6")
    y = row(expert="Ivo Example")
    first = write_csv(tmp_path / "first.csv", [x, y, x])
    assert "3 created, 0 unchanged" in run_import(first, "--batch-size", "1")
    assert "0 created, 3 unchanged" in run_import(first, "--batch-size", "1")
    assert "0 created, 3 unchanged" in run_import(first, "--batch-size", "2")
    # A third copy of x is new; the first two match the two recorded ones.
    more = write_csv(tmp_path / "more.csv", [x, y, x, x])
    assert "1 created, 3 unchanged" in run_import(more, "--batch-size", "2")
    assert "0 created, 4 unchanged" in run_import(more, "--batch-size", "3")
    assert Prediction.objects.filter(probability=0.6).count() == 3
    assert verify_ledger() == (5, None)  # the question's revision and 4 predictions


def test_an_existing_open_question_is_settled_in_its_round_and_its_assignments_cancelled(
    tmp_path, carol, expert
):
    question = make_question("Open question")
    forecast(expert, question, 0.2)
    Question.objects.filter(pk=question.pk).update(status="due", review_round=2)
    assignment = ReviewAssignment.objects.create(question=question, reviewer=carol, round=2)
    path = write_csv(
        tmp_path / "in.csv",
        [
            row(
                expert="Ivo Example",
                question="Open question",
                deadline=question.deadline.isoformat(),
                made_on=(question.deadline - dt.timedelta(days=3)).isoformat(),
                probability="0.9",
                outcome="no",
            )
        ],
    )
    output = run_import(path)
    assert "1 created, 0 unchanged, 0 errors" in output
    question.refresh_from_db()
    assert (question.status, question.outcome) == ("resolved", "no")
    review = Review.objects.get(question=question)
    assert review.round == 2
    assert review.created_at == question.resolved_at
    assignment.refresh_from_db()
    assert assignment.state == "cancelled"
    assert PredictionScore.objects.filter(question=question).count() == 2
    assert verify_ledger()[1] is None


def test_rows_are_streamed_a_batch_at_a_time(tmp_path):
    written_when_asked: list[int] = []

    def rows():
        for i in range(12):
            if i % 5 == 0:
                written_when_asked.append(Prediction.objects.count())
            values = row(question=f"Q{i}", quote=f"q{i}")
            yield SourceRow(i + 2, values)

    report = import_rows(rows(), file_label="gen.csv", batch_size=5)
    assert report.created == 12
    # The next batch is read only after the previous one is written.
    assert written_when_asked == [0, 5, 10]


@pytest.mark.postgres
def test_queries_per_batch_do_not_grow_with_its_rows(tmp_path):
    def queries(n: int, offset: int) -> int:
        rows = [
            row(
                expert=f"Expert {i % 3}",
                question=f"Q{offset + i // 2}",
                made_on=f"2025-01-{1 + i % 20:02d}",
                probability=["0.7", "likely", "10%"][i % 3],
                outcome=["yes", "no", ""][(i // 2) % 3],
                source_url=f"https://example.org/{offset + i}",
                topic="Harbour",
            )
            for i in range(n)
        ]
        path = write_csv(tmp_path / f"{n}.csv", rows)
        with CaptureQueriesContext(connection) as captured:
            run_import(path, "--batch-size", "5000")
        return len(captured)

    queries(6, 0)  # the import user, the experts and the topic exist from here on
    small, large = queries(30, 1000), queries(3000, 2000)
    assert large == small


def test_cached_probability_parse_is_the_parse():
    for text in ["0.7", "70%", "likely", "is confident that", "3:1", "we must be prepared for"]:
        assert parse_probability_text(text) == verbal.parse_probability(text)
        assert parse_probability_text(text) is parse_probability_text(text)
    for _ in range(2):  # errors are raised every time, not cached
        with pytest.raises(verbal.UnknownPhrase):
            parse_probability_text("likley")


def test_id_ranges():
    ranges = IdRanges()
    ranges.add([5, 6, 7, 9])
    ranges.add([8, 20, 21])
    ranges.add([1])
    assert [pk for pk in range(25) if pk in ranges] == [1, 5, 6, 7, 8, 9, 20, 21]
    assert len(ranges.starts) == 3
