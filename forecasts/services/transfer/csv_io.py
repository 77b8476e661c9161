"""The CSV formats predictions travel in: our own columns, and PredictionBook's public dump.

Readers stream: they take an open text file and yield one `SourceRow` at a time, so a file of
any size is never held in memory. Row numbers are spreadsheet row numbers: the header is row 1,
the first data row is row 2 (a quoted cell spanning several lines is still one row).

Our format (docs/design.md's interface contract) has these columns, all required in the header:
expert, question, deadline, probability, made_on, outcome, resolution_criteria, source_url,
source_title, topic, quote. Optional columns, written by export_predictions so that an
export re-imports without loss: phrase (the words used, when they differ from `probability`),
evidence_url and resolved_on (of the question's verdict), consensus_probability. `topic` may
name several topics separated by ";".

Text cells that a spreadsheet would run as a formula (starting with =, +, - or @: "CSV
injection") are exported behind an apostrophe, which spreadsheets hide; import removes it
(guard_cell / unguard_cell), so export → import still gives back the same text.
"""

import datetime as dt
import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TextIO

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from forecasts import verbal
from forecasts.models import Question
from forecasts.naming import question_title_key, source_url_key
from forecasts.services.records import plausibility
from forecasts.services.transfer.csv_rows import CsvFormatError, read_rows

COLUMNS = (
    "expert",
    "question",
    "deadline",
    "probability",
    "made_on",
    "outcome",
    "resolution_criteria",
    "source_url",
    "source_title",
    "topic",
    "quote",
)
OPTIONAL_COLUMNS = ("phrase", "evidence_url", "resolved_on", "consensus_probability")
TOPIC_SEPARATOR = ";"

PREDICTIONBOOK_COLUMNS = (
    "question_id",
    "user_id",
    "probability",
    "timestamp",
    "outcome",
    "close_time",
    "resolve_time",
    "q_type",
)
PREDICTIONBOOK_OUTCOMES = {"1.0": "yes", "1": "yes", "0.0": "no", "0": "no", "-1.0": "annulled"}
PREDICTIONBOOK_URL = "https://predictionbook.com/predictions/{id}"
PREDICTIONBOOK = "predictionbook"  # recorded_via of its forecasts: their time is the platform's

__all__ = ["CsvFormatError"]  # raised by the readers here, defined with them in csv_rows


@dataclass(frozen=True)
class SourceRow:
    """One data row: `values` in our columns, or `skip` saying why the row is left out, or
    `problem` saying why it could not be read (a row error, as a bad cell would be).

    `recorded_at` (ISO 8601) and `recorded_via` are set only by readers of platforms that
    timestamped each forecast themselves (PredictionBook): never from a column of our format,
    so nobody can type when a forecast entered the record (docs/scoring.md, hindsight)."""

    number: int
    values: Mapping[str, str]
    skip: str = ""
    problem: str = ""
    recorded_at: str = ""
    recorded_via: str = ""


def read_ledger_rows(stream: TextIO) -> Iterator[SourceRow]:
    """Rows of our own format (the module docstring lists the columns)."""
    for number, values, problem in read_rows(stream, COLUMNS):
        yield SourceRow(number, values, problem=problem)


def read_predictionbook_titles(stream: TextIO) -> dict[str, str]:
    """question_id → q_title from PredictionBook's questions.csv (some 18,000 short titles)."""
    return {
        values["question_id"]: values["q_title"]
        for _number, values, problem in read_rows(stream, ("question_id", "q_title"))
        if not problem  # its question keeps the placeholder title
    }


def read_predictionbook_rows(
    stream: TextIO, *, titles: Mapping[str, str] | None = None
) -> Iterator[SourceRow]:
    """PredictionBook's public.csv (one row per forecast) as rows of our format.

    The file must be sorted by question and then time, as the public dump is: a user's later
    forecast on a question must come later in the file, because only the latest one made by the
    deadline counts and forecasts of the same day are told apart by import order.
    """
    titles = titles or {}
    last_seen: dict[tuple[str, str], str] = {}
    for number, pb, problem in read_rows(stream, PREDICTIONBOOK_COLUMNS):
        if problem:
            yield SourceRow(number, {}, problem=problem)
            continue
        if bad := _bad_timestamp(pb):
            yield SourceRow(number, {}, problem=bad)
            continue
        values = predictionbook_row(pb, titles)
        skip = _predictionbook_skip(pb, values)
        key = (pb["question_id"], pb["user_id"])
        if not skip and pb["timestamp"] < last_seen.get(key, ""):
            skip = (
                "forecast is older than an earlier row of the same user on this question: "
                "sort the file by question_id, then timestamp"
            )
        last_seen[key] = max(pb["timestamp"], last_seen.get(key, ""))
        yield SourceRow(
            number, values, skip, recorded_at=pb["timestamp"], recorded_via=PREDICTIONBOOK
        )


def _bad_timestamp(pb: Mapping[str, str]) -> str:
    """Why a row's own times cannot be read ("" when they can): they were compared as text,
    and 'not a time' read as a date after the close date, a skip instead of an error."""
    for column in ("timestamp", "close_time"):
        try:
            dt.datetime.fromisoformat(pb[column])
        except ValueError:
            return f"{column} {pb[column]!r} is not an ISO 8601 time"
    return ""


def _predictionbook_skip(pb: Mapping[str, str], values: Mapping[str, str]) -> str:
    if pb["q_type"] not in ("0", "0.0", ""):
        return f"not a binary question (q_type {pb['q_type']})"
    if values["made_on"] and values["deadline"] and values["made_on"] > values["deadline"]:
        # PredictionBook kept taking forecasts after a question's close time; they never count.
        return f"made on {values['made_on']}, after the close date {values['deadline']}"
    return ""


def _date_part(timestamp: str) -> str:
    """'2008-06-20 03:46:16+00:00' → '2008-06-20' (PredictionBook's times are all UTC)."""
    return timestamp[:10]


def predictionbook_row(pb: Mapping[str, str], titles: Mapping[str, str]) -> dict[str, str]:
    """One PredictionBook forecast in our columns.

    The question's title carries its PredictionBook id: titles are not unique there (42 pairs
    share a title and a close date), while ours key a question by title and deadline.
    """
    question_id = pb["question_id"]
    title = titles.get(question_id, "").strip() or f"PredictionBook question {question_id}"
    url = PREDICTIONBOOK_URL.format(id=question_id)
    outcome = PREDICTIONBOOK_OUTCOMES.get(pb["outcome"], pb["outcome"])
    return {
        "expert": pb["user_id"],
        "question": f"{title[:460]} (PredictionBook #{question_id})",
        "deadline": _date_part(pb["close_time"]),
        "probability": pb["probability"],
        "made_on": _date_part(pb["timestamp"]),
        "outcome": outcome,
        "resolution_criteria": f"As judged on PredictionBook: {url}",
        "source_url": url,
        "source_title": f"PredictionBook question {question_id}",
        "topic": "PredictionBook",
        "quote": "",
        "resolved_on": _date_part(pb.get("resolve_time", "")) if outcome else "",
    }


@functools.lru_cache(maxsize=8192)
def parse_iso_date(text: str) -> dt.date:
    """An ISO 8601 date, or the date of an ISO 8601 date-time ('2025-03-01T10:00:00Z').

    Cached: a file repeats a few thousand dates (dt.date is immutable; errors are not cached).
    """
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.datetime.fromisoformat(text).date()


class RowProblem(ValueError):
    """Why one row cannot be imported; the message is shown as "row N: <message>"."""


@dataclass(frozen=True)
class LedgerRow:
    """One validated row of our format, normalised as the write services normalise input."""

    number: int
    expert: str
    title: str
    deadline: dt.date
    parsed: verbal.ParsedProbability
    phrase: str
    made_on: dt.date
    outcome: str
    criteria: str
    source_url: str
    source_title: str
    topics: tuple[str, ...]
    quote: str
    evidence_url: str = ""
    resolved_on: dt.date | None = None
    consensus: float | None = None
    recorded_at: dt.datetime | None = None  # None: when the import writes it
    recorded_via: str = ""

    @functools.cached_property  # read several times a row by every stage of the import
    def question_key(self) -> tuple[str, dt.date]:
        """The question this row names: its title's key (case and spacing aside) and its
        deadline, the rule that refuses a twin question over the API and in the admin."""
        return (question_title_key(self.title), self.deadline)

    @functools.cached_property  # eight reads a row: the URL's key is worth computing once
    def source_key(self) -> tuple[str, str] | None:
        """The row's source: by its URL's key (naming.source_url_key), else by its title."""
        if self.source_url:
            return ("url", source_url_key(self.source_url))
        return ("title", self.source_title) if self.source_title else None


_URL = URLValidator(schemes=["http", "https"])


# A spreadsheet evaluates a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@")
GUARD = "'"
_GUARDED = (*FORMULA_START, GUARD)


def guard_cell(text: str) -> str:
    """A text cell as export writes it: behind an apostrophe when a spreadsheet would read it
    as a formula, or when it starts with an apostrophe itself (so unguard_cell is exact)."""
    return GUARD + text if text[:1] in _GUARDED else text


def unguard_cell(text: str) -> str:
    """The text behind guard_cell's apostrophe; any other text as it is."""
    return text[1:] if text[:1] == GUARD and text[1:2] in _GUARDED else text


def _text(values: Mapping[str, str], column: str, max_length: int, required: bool = False) -> str:
    text = unguard_cell(" ".join(values.get(column, "").split()))
    if required and not text:
        raise RowProblem(f"missing {column}")
    if len(text) > max_length:
        raise RowProblem(f"{column} is {len(text)} characters long; at most {max_length}")
    return text


def _date(values: Mapping[str, str], column: str, required: bool = True) -> dt.date | None:
    text = values.get(column, "")
    if not text:
        if required:
            raise RowProblem(f"missing {column}")
        return None
    try:
        return parse_iso_date(text)
    except ValueError:
        raise RowProblem(f"{column} {text!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


@functools.lru_cache(maxsize=4096)
def _is_http_url(url: str) -> bool:
    """URLValidator's verdict, cached: rows of one question repeat its source URL."""
    try:
        _URL(url)
    except ValidationError:
        return False
    return True


def _url(values: Mapping[str, str], column: str) -> str:
    url = values.get(column, "")
    if not url:
        return ""
    if len(url) > 1000:
        raise RowProblem(f"{column} is longer than 1000 characters")
    if not _is_http_url(url):
        raise RowProblem(f"{column} {url!r} is not an http(s) URL")
    return url


@functools.lru_cache(maxsize=4096)
def parse_probability_text(text: str) -> verbal.ParsedProbability:
    """verbal.parse_probability with the default table, cached: a file repeats a few hundred
    probability cells ("70%", "likely"). The result is immutable; errors are not cached."""
    return verbal.parse_probability(text)


def parse_probability_cell(text: str) -> verbal.ParsedProbability:
    """A number in [0, 1], a percentage, odds or a phrase of the verbal table."""
    if not text:
        raise RowProblem("missing probability")
    try:
        return parse_probability_text(text)
    except verbal.UnknownPhrase as exc:
        near = ", ".join(repr(s) for s in exc.suggestions) or "none"
        raise RowProblem(f"probability {text!r} unknown; near matches: {near}") from None
    except ValueError as exc:
        message = str(exc)
        if not message.startswith("probability"):
            message = f"probability {text!r}: {message}"
        raise RowProblem(message) from None


def _consensus(values: Mapping[str, str]) -> float | None:
    text = values.get("consensus_probability", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise RowProblem(f"consensus_probability {text!r} is not a number in [0, 1]")
    return value


_PLAIN_NUMBER = re.compile(r"\d*\.?\d+")


def implied_phrase(cell: str, parsed: verbal.ParsedProbability) -> str:
    """The phrase a prediction imported from this probability cell is stored with.

    A plain number is the probability itself, not words anyone used, so it is stored without a
    phrase (as when an editor enters a number); "70%", odds and phrases are kept as written.
    """
    return "" if _PLAIN_NUMBER.fullmatch(cell.strip()) else parsed.phrase[:200]


@functools.lru_cache(maxsize=1024)
def _topics(cell: str) -> tuple[str, ...]:
    """The topic names of a topic cell, whitespace-normalised, repeats and empties dropped."""
    topics = tuple(dict.fromkeys(" ".join(t.split()) for t in cell.split(TOPIC_SEPARATOR)))
    if any(len(topic) > 120 for topic in topics):
        raise RowProblem("a topic name is longer than 120 characters")
    return tuple(topic for topic in topics if topic)


def _check_plausible(
    expert: str,
    title: str,
    deadline: dt.date,
    made_on: dt.date,
    source_title: str,
    topics: tuple[str, ...],
    today: dt.date | None,
) -> None:
    """The write services' plausibility rules (services/plausibility.py), as row errors."""
    problems = [
        ("made_on", plausibility.made_on_problem(made_on, today=today)),
        ("deadline", plausibility.deadline_problem(deadline)),
        ("expert", plausibility.name_problem(expert, what="An expert's name")),
        ("question", plausibility.name_problem(title, what="A question's title")),
        *[("topic", plausibility.name_problem(t, what="A topic's name")) for t in topics],
    ]
    if source_title:
        problems.append(("source_title", plausibility.name_problem(source_title, what="A title")))
    column, problem = next(((c, p) for c, p in problems if p), ("", None))
    if problem:
        raise RowProblem(f"{column}: {problem}")


# The outcome cells a row may have (the model's choices, computed once, not per row).
OUTCOME_CELLS = frozenset(("", *Question.Outcome.values))


def parse_ledger_row(row: SourceRow, *, today: dt.date | None = None) -> LedgerRow:
    """Validate one row; RowProblem names the first thing wrong with it. `today` (the
    server's date, read once per batch by the import) bounds made_on."""
    values = row.values
    expert = _text(values, "expert", 200, required=True)
    title = _text(values, "question", 500, required=True)
    deadline, made_on = _date(values, "deadline"), _date(values, "made_on")
    parsed = parse_probability_cell(values.get("probability", ""))
    if made_on > deadline:
        raise RowProblem(f"made_on {made_on} is after deadline {deadline}")
    outcome = values.get("outcome", "").lower()
    if outcome not in OUTCOME_CELLS:
        raise RowProblem(f"outcome {values['outcome']!r} is not yes, no, annulled or empty")
    topics = _topics(unguard_cell(values.get("topic", "").strip()))
    source_title = _text(values, "source_title", 500)
    _check_plausible(expert, title, deadline, made_on, source_title, topics, today)
    resolved_on = _date(values, "resolved_on", required=False)
    if resolved_on and today and resolved_on > today:
        # A verdict is dated the day it was given. A future date would also make the rows
        # imported with it count as recorded before the question was resolved (prospective).
        raise RowProblem(f"resolved_on {resolved_on} is in the future (today is {today})")
    return LedgerRow(
        number=row.number,
        expert=expert,
        title=title,
        deadline=deadline,
        parsed=parsed,
        phrase=_text(values, "phrase", 200) or implied_phrase(values["probability"], parsed),
        made_on=made_on,
        outcome=outcome,
        criteria=unguard_cell(values.get("resolution_criteria", "").strip()),
        source_url=_url(values, "source_url"),
        source_title=source_title,
        topics=topics,
        quote=unguard_cell(values.get("quote", "").strip()),
        evidence_url=_url(values, "evidence_url"),
        resolved_on=resolved_on,
        consensus=_consensus(values),
        recorded_at=_platform_time(row.recorded_at),
        recorded_via=row.recorded_via,
    )


def _platform_time(text: str) -> dt.datetime | None:
    """A platform's own timestamp of a forecast ('2008-06-20 03:46:16+00:00'), UTC if naive."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise RowProblem(f"the platform's timestamp {text!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
