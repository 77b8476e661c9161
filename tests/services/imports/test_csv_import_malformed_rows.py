"""Rows the CSV reader can read, but not as the editor wrote them, are that row's error and
lose nothing silently: a stray comma (more cells than the header), a quote never closed (the
rest of the file swallowed into one cell), a NUL character (which PostgreSQL refuses as text,
failing the whole batch). A header naming a column twice is refused whole. Row numbers are a
spreadsheet's, blank rows included."""

import csv
import io

import pytest
from django.core.management import CommandError

from forecasts.models import Prediction
from forecasts.services.transfer.csv_io import COLUMNS, read_ledger_rows, read_predictionbook_rows
from forecasts.services.transfer.csv_rows import CsvFormatError
from tests.builders import row, run_import

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = ",".join(COLUMNS)


def _line(**values: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row(**values).values())
    return out.getvalue()


def _file(tmp_path, *lines: str):
    path = tmp_path / "in.csv"
    path.write_text("\r\n".join([HEADER, *lines, ""]), encoding="utf-8")
    return path


def _experts_and_quotes() -> list[tuple[str, str]]:
    return sorted(Prediction.objects.values_list("expert__name", "quote"))


def test_a_comma_outside_quotes_is_the_rows_error_not_a_cut_quote(tmp_path):
    # The last column is the quote: its text after the stray comma used to be dropped.
    cut = _line(expert="Bo Comma", quote="It will reopen") + ", though late"
    output = run_import(_file(tmp_path, _line(expert="Ada Before"), cut, _line(expert="Cy")))
    assert "row 3: the row has 12 cells and the header 11" in output
    assert "Put that cell in quotes" in output
    assert _experts_and_quotes() == [("Ada Before", ""), ("Cy", "")]


def test_empty_cells_past_the_header_are_a_spreadsheets_and_are_read(tmp_path):
    output = run_import(_file(tmp_path, _line(expert="Ada Trailing", quote="q") + ",,"))
    assert "0 errors" in output
    assert _experts_and_quotes() == [("Ada Trailing", "q")]


def test_a_quote_never_closed_is_reported_instead_of_swallowing_the_rows_after_it(tmp_path):
    plain = "YES if it happens"  # no comma, so no quotes of its own to close the open one
    opened = _line(expert="Bo Open", resolution_criteria=plain) + '"It will open'
    lines = [
        _line(expert="Ada Before", resolution_criteria=plain),
        opened,  # its quote cell left empty, then an open quote
        _line(expert="Cy Swallowed", resolution_criteria=plain),
    ]
    output = run_import(_file(tmp_path, *lines))
    assert "row 3: a quoted cell that starts in this row is never closed" in output
    assert "1 errors" in output
    # Cy's row is inside Bo's cell: it cannot be read as a row, but it is not stored as a quote.
    assert _experts_and_quotes() == [("Ada Before", "")]


def test_a_quote_closed_by_a_later_rows_quote_leaves_too_many_cells(tmp_path):
    # The criteria cell of the next row is quoted (it has a comma): its quote closes the open
    # one, and the reader goes on from there, with the rows merged into one with extra cells.
    opened = _line(expert="Bo Open") + '"It will open'
    output = run_import(_file(tmp_path, _line(expert="Ada Before"), opened, _line(expert="Cy")))
    assert "row 3: the row has 16 cells and the header 11" in output
    assert _experts_and_quotes() == [("Ada Before", "")]


def test_a_quoted_cell_over_several_lines_is_still_one_good_row(tmp_path):
    cell = 'first line\nsecond, with a comma and a ""quote""'
    lines = [_line(expert="Ada Multi") + f'"{cell}"', _line(expert="Cy After")]
    output = run_import(_file(tmp_path, *lines))
    assert "0 errors" in output
    assert _experts_and_quotes() == [
        ("Ada Multi", 'first line\nsecond, with a comma and a "quote"'),
        ("Cy After", ""),
    ]


def test_a_nul_character_is_the_rows_error_and_the_rest_of_the_batch_is_kept(tmp_path):
    lines = [_line(expert="Ada Before"), _line(expert="Bo\x00Nul"), _line(expert="Cy After")]
    output = run_import(_file(tmp_path, *lines))
    assert "row 3: a cell holds a NUL character" in output
    assert _experts_and_quotes() == [("Ada Before", ""), ("Cy After", "")]


def test_a_column_named_twice_refuses_the_file():
    text = HEADER + ",Expert\r\n" + _line(expert="Ada") + ",Someone Else\r\n"
    with pytest.raises(CsvFormatError, match="the header names expert more than once"):
        list(read_ledger_rows(io.StringIO(text, newline="")))


def test_row_numbers_count_blank_rows_as_a_spreadsheet_does():
    text = "\r\n".join([HEADER, "", "", _line(deadline="2028-02-30"), ""])
    (only,) = read_ledger_rows(io.StringIO(text, newline=""))
    assert only.number == 4


def test_a_file_that_is_not_utf8_names_its_line_and_says_how_to_save_it(tmp_path):
    path = tmp_path / "latin1.csv"
    lines = [HEADER, _line(expert="Ada Before"), _line(expert="Béa Latin")]
    path.write_bytes("\r\n".join(lines).encode("latin-1"))
    with pytest.raises(CommandError, match=r'line 3 has a byte .* Save the file as "CSV UTF-8"'):
        run_import(path)


def test_a_predictionbook_row_with_an_unreadable_time_is_an_error_not_a_skip():
    header = "question_id,user_id,probability,timestamp,outcome,close_time,resolve_time,q_type"
    good = "7,matt,0.6,2010-01-02 10:00:00+00:00,1.0,2011-01-01 00:00:00+00:00,,0"
    bad = "7,ann,0.6,not a time,1.0,2011-01-01 00:00:00+00:00,,0"
    text = "\r\n".join([header, good, bad, ""])
    rows = list(read_predictionbook_rows(io.StringIO(text, newline="")))
    assert [(r.number, r.skip, r.problem) for r in rows] == [
        (2, "", ""),
        (3, "", "timestamp 'not a time' is not an ISO 8601 time"),
    ]


def test_the_collector_is_back_on_after_an_import_even_one_that_fails(tmp_path):
    # The import pauses Python's full collections while it runs (a long-lived worker or
    # shell that imports a file must not be left without them).
    import gc

    run_import(_file(tmp_path, _line(expert="Ada Before")))
    assert gc.isenabled()
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + ",expert\r\n", encoding="utf-8")
    with pytest.raises(CommandError):
        run_import(bad)
    assert gc.isenabled()


def test_columns_the_format_does_not_read_are_named(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(HEADER + ",notes\r\n" + _line(expert="Ada") + ",call her back\r\n", "utf-8")
    output = run_import(path)
    assert "1 created" in output
    assert "Columns not read (no such column in this format): notes" in output


def test_a_predictionbook_file_read_as_ours_says_which_option_reads_it(tmp_path):
    path = tmp_path / "public.csv"
    path.write_text(
        "question_id,user_id,probability,timestamp,outcome,close_time,resolve_time,q_type\r\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="add --format predictionbook"):
        run_import(path)
    with pytest.raises(CommandError, match="--questions goes with --format predictionbook"):
        run_import(path, "--questions", str(path))
