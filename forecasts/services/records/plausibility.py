"""What the record refuses as implausible, whichever way it comes in.

The write services call these, so the admin, the API and the extraction assistant refuse
the same things with the same words; the CSV importer, which writes in bulk, checks its
rows with the *_problem functions. Refused:

- dates no forecast can have: made on before 1900 or after today (a day of grace, since it
  is already tomorrow somewhere when the server's date is today), a deadline outside
  1900-2200. A typo such as 2205 for 2025 would otherwise sit in the record, scored, for
  ever;
- names and titles with no letter in any script ("???", "2024", a zero-width space), which
  say nothing on a page;
- the bidirectional controls that reorder how text is shown (U+202A-U+202E, U+2066-U+2069):
  in a name or title they can make a page read differently from what is stored.
"""

import datetime as dt
import functools
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DEADLINE = dt.date(2200, 12, 31)
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def made_on_problem(made_on: dt.date, *, today: dt.date | None = None) -> str | None:
    """Why a forecast cannot have been made on `made_on`, or None."""
    today = today or timezone.localdate()
    if made_on < EARLIEST_DATE:
        return f"Made on {made_on}, before {EARLIEST_DATE.year}: check the year."
    if made_on > today + dt.timedelta(days=1):
        return (
            f"Made on {made_on}, in the future (today is {today}): a forecast is recorded "
            "after it was made."
        )
    return None


def deadline_problem(deadline: dt.date) -> str | None:
    """Why `deadline` cannot be a question's deadline, or None."""
    if not EARLIEST_DATE <= deadline <= LATEST_DEADLINE:
        return (
            f"A deadline of {deadline} is outside {EARLIEST_DATE.year}-{LATEST_DEADLINE.year}: "
            "check the year."
        )
    return None


@functools.lru_cache(maxsize=65_536)
def name_problem(text: str, *, what: str) -> str | None:
    """Why `text` cannot be `what` ("An expert's name", "A question's title"...), or None.
    Cached: an import checks each expert's name and question's title on every row of it."""
    control = next((char for char in text if char in BIDI_CONTROLS), None)
    if control is not None:
        return (
            f"{what} contains the invisible character U+{ord(control):04X}, which changes the "
            "order text is shown in; remove it."
        )
    if not any(unicodedata.category(char).startswith("L") for char in text):
        return f"{what} needs at least one letter: {text!r} has none."
    return None


def _refuse(field: str, problem: str | None) -> None:
    if problem:
        raise ValidationError({field: problem})


def check_made_on(made_on: dt.date) -> None:
    _refuse("made_on", made_on_problem(made_on))


def check_question(*, title: str, deadline: dt.date) -> None:
    _refuse("title", name_problem(title, what="A question's title"))
    _refuse("deadline", deadline_problem(deadline))


def check_expert_name(name: str) -> None:
    _refuse("name", name_problem(name, what="An expert's name"))


def check_source_title(title: str) -> None:
    _refuse("title", name_problem(title, what="A source's title"))


def check_topic_name(name: str, *, field: str = "topic") -> None:
    _refuse(field, name_problem(name, what="A topic's name"))
