"""Rows of a CSV file, read one at a time, a row with a cell too long to read as that row's
problem rather than the end of the file. csv_io turns them into rows of our format.

The reader refuses a cell longer than csv.field_size_limit() (128 KiB) with csv.Error, and
drops the rest of the line it was reading. When the cell is quoted and spans several lines,
the reader's next row would start inside it and read the cell's remaining lines as rows.
RowLines remembers the lines of the row being read, so that the rest of that row can be
skipped and the next row starts where the file's next row does.

The scan follows the csv module's default (excel) dialect: a quote opens a quoted field only
at the start of a field, "" inside one is a quote, and a line break inside one is text.
"""

import csv
from collections.abc import Iterator
from typing import TextIO


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (not CSV, missing columns): nothing is imported."""


def _ends_inside_quotes(line: str, inside: bool, at_field_start: bool) -> tuple[bool, bool]:
    """(inside a quoted field, at the start of a field) after reading `line`."""
    previous_was_quote = False
    for char in line:
        if inside:
            if char == '"':
                inside, previous_was_quote = False, True
            continue
        if char == '"' and previous_was_quote:
            inside, previous_was_quote = True, False  # "" inside a quoted field
            continue
        previous_was_quote = False
        if char == '"' and at_field_start:
            inside = True
        at_field_start = char in ",\r\n"
    return inside, at_field_start


class RowLines:
    """An iterator over a text stream's lines for csv.reader, keeping the current row's."""

    def __init__(self, stream: Iterator[str]) -> None:
        self._lines = iter(stream)
        self._row: list[str] = []

    def __iter__(self) -> "RowLines":
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._row.append(line)
        return line

    def start_row(self) -> None:
        """Call before asking the reader for a row."""
        self._row.clear()

    @property
    def row_lines(self) -> list[str]:
        """The lines the current row was read from (more than one: a cell with line breaks)."""
        return self._row

    def ends_inside_quotes(self) -> bool:
        """Whether the current row's lines end inside a quoted cell: after a row the reader
        returned, only when the file ended before the cell's closing quote."""
        return self._scan()[0]

    def _scan(self) -> tuple[bool, bool]:
        inside, at_field_start = False, True
        for line in self._row:
            inside, at_field_start = _ends_inside_quotes(line, inside, at_field_start)
        return inside, at_field_start

    def skip_rest_of_row(self) -> None:
        """After the reader gave up on a row: consume its remaining lines, if it spans more."""
        inside, at_field_start = self._scan()
        while inside:
            line = next(self._lines, None)
            if line is None:
                return
            inside, at_field_start = _ends_inside_quotes(line, inside, at_field_start)


def _reader(stream: TextIO, required: tuple[str, ...]) -> tuple[csv.DictReader, RowLines]:
    lines = RowLines(stream)
    reader = csv.DictReader(lines)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise CsvFormatError(f"not a readable CSV file: {exc}") from None
    if not header:
        raise CsvFormatError("the file is empty: expected a header row")
    names = [name.strip().lower() for name in header if name and name.strip()]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise CsvFormatError(
            f"the header names {', '.join(twice)} more than once: which one to read is a guess, "
            "so the file is not read; keep one column of each name"
        )
    found = set(names)
    missing = [name for name in required if name not in found]
    if missing:
        raise CsvFormatError(
            f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)} "
            f"(the header has: {', '.join(h for h in header if h)})"
        )
    reader.fieldnames = [(name or "").strip().lower() for name in header]
    return reader, lines


def _too_long() -> str:
    return (
        f"a cell is longer than {csv.field_size_limit():,} characters, the most the CSV "
        "reader takes; the row was not read"
    )


def _unclosed_quote() -> str:
    return (
        "a quoted cell that starts in this row is never closed, so every line after it was "
        'read into that cell; close the quote (a quote inside a cell is written twice: "")'
    )


def _extra_cells(cells: int, width: int) -> str:
    return (
        f"the row has {cells} cells and the header {width}: is a comma inside a cell that is "
        "not in double quotes? Put that cell in quotes; nothing of the row was imported"
    )


NUL_IN_CELL = "a cell holds a NUL character (\\x00), which is not text; remove it"


def _rows(reader: csv.DictReader, lines: RowLines) -> Iterator[tuple[int, dict[str, str], str]]:
    """(row number, {column: stripped value}, "") as DictReader gives them (missing cells are
    "" and unnamed columns are dropped), without its per-row overhead; (row number, {}, why)
    for a row that cannot be read whole: a cell too long to read, more cells than the header
    (text past a stray comma would be lost), a quote never closed (the rest of the file would
    be one cell) or a NUL character. Row numbers are a spreadsheet's: blank lines count."""
    number = 1
    names = list(reader.fieldnames or ())
    keep = [(i, name) for i, name in enumerate(names) if name]
    width = len(names)
    while True:
        lines.start_row()
        try:
            raw = next(reader.reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" not in str(exc):
                raise CsvFormatError(f"row {number + 1}: the CSV is malformed: {exc}") from None
            number += 1
            lines.skip_rest_of_row()
            yield number, {}, _too_long()
            continue
        number += 1
        if not raw:
            continue  # a blank row: nothing to import, but a spreadsheet counts it
        if problem := _row_problem(raw, width, lines):
            yield number, {}, problem
            continue
        if len(raw) < width:
            raw = [*raw, *[""] * (width - len(raw))]
        yield number, {name: raw[i].strip() for i, name in keep}, ""


def _row_problem(raw: list[str], width: int, lines: RowLines) -> str:
    """Why a row the reader returned cannot be taken as it is ("" for almost every row)."""
    if len(lines.row_lines) > 1 and lines.ends_inside_quotes():
        return _unclosed_quote()  # only the file's end stopped the cell
    if len(raw) > width and any(cell.strip() for cell in raw[width:]):
        return _extra_cells(len(raw), width)  # empty trailing cells (a spreadsheet's) are fine
    if "\x00" in "".join(raw):
        return NUL_IN_CELL
    return ""


def read_rows(
    stream: TextIO, required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str], str]]:
    """The header checked for `required` columns, then _rows's rows."""
    return _rows(*_reader(stream, required))
