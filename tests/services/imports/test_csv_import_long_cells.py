"""A CSV cell longer than the csv module's field limit (128 KiB) is that row's error, with
its row number; the rows before and after it are imported (it used to end the import).
A quoted over-long cell spanning several lines is stepped over whole, even when its lines
look like rows."""

import csv
import io

import pytest

from forecasts.models import Prediction
from forecasts.services.transfer.csv_io import read_ledger_rows
from tests.builders import row, run_import, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = csv.field_size_limit()
TOO_LONG = f"row 3: a cell is longer than {LIMIT:,} characters"


def _line(values: dict[str, str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values.values())
    return out.getvalue()


def _experts_imported() -> list[str]:
    return sorted(Prediction.objects.values_list("expert__name", flat=True))


def test_an_over_long_cell_is_its_rows_error_and_the_other_rows_are_kept(tmp_path):
    rows = [
        row(expert="Ada Before"),
        row(expert="Bo Long", quote="x" * (LIMIT + 1)),
        row(expert="Cy After"),
    ]
    output = run_import(write_csv(tmp_path / "in.csv", rows))
    assert TOO_LONG in output
    assert "2 created" in output
    assert "1 errors" in output
    assert _experts_imported() == ["Ada Before", "Cy After"]


def test_a_quoted_over_long_cell_over_several_lines_is_stepped_over_whole(tmp_path):
    # The cell's own lines look like rows of the file; none of them may be imported.
    lookalike = _line(row(expert="Ghost Row"))
    cell = "x" * LIMIT + '\n"quoted" words\n' + lookalike + "\n" + "y" * 10
    rows = [row(expert="Ada Before"), row(expert="Bo Long", quote=cell), row(expert="Cy After")]
    output = run_import(write_csv(tmp_path / "in.csv", rows))
    assert TOO_LONG in output
    assert "row 4:" not in output
    assert _experts_imported() == ["Ada Before", "Cy After"]


def test_a_cell_at_the_limit_is_read():
    header = ",".join(row().keys())
    text = header + "\r\n" + _line(row(quote="q" * LIMIT)) + "\r\n"
    (only,) = read_ledger_rows(io.StringIO(text, newline=""))
    assert only.problem == ""
    assert len(only.values["quote"]) == LIMIT


@pytest.mark.parametrize(
    "long_cell",
    [
        '"' + "a" * (LIMIT + 1) + '"',  # quoted, one line
        '"' + "a" * LIMIT + '""\n,""\n"',  # escaped quotes and line breaks inside
        '"short"' + "b" * LIMIT,  # text after a closing quote: read on, unquoted
    ],
    ids=["quoted", "escaped quotes and line breaks", "text after the closing quote"],
)
def test_reading_resumes_at_the_next_row_whatever_the_quoting(long_cell):
    header = ",".join(row().keys())
    good = _line(row(expert="Cy After"))
    bad = _line(row(expert="Bo Long")) + long_cell  # the last column, quote, was empty
    text = "\r\n".join([header, bad, good, ""])
    rows = list(read_ledger_rows(io.StringIO(text, newline="")))
    assert [(r.number, bool(r.problem)) for r in rows] == [(2, True), (3, False)]
    assert rows[1].values["expert"] == "Cy After"
