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

    def skip_rest_of_row(self) -> None:
        """After the reader gave up on a row: consume its remaining lines, if it spans more."""
        inside, at_field_start = False, True
        for line in self._row:
            inside, at_field_start = _ends_inside_quotes(line, inside, at_field_start)
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
    found = {name.strip().lower() for name in header if name}
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


def _rows(reader: csv.DictReader, lines: RowLines) -> Iterator[tuple[int, dict[str, str], str]]:
    """(row number, {column: stripped value}, "") as DictReader gives them (missing cells are
    "", cells beyond the header and unnamed columns are dropped), without its per-row
    overhead; (row number, {}, why) for a row with a cell too long to read, and on."""
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
        if not raw:
            continue  # DictReader skips blank lines too (and counts them as no row)
        number += 1
        if len(raw) < width:
            raw = [*raw, *[""] * (width - len(raw))]
        yield number, {name: raw[i].strip() for i, name in keep}, ""


def read_rows(
    stream: TextIO, required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str], str]]:
    """The header checked for `required` columns, then _rows's rows."""
    return _rows(*_reader(stream, required))
