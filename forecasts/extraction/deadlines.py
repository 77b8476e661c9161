"""A suggested deadline: a date named in the claim, else a fixed horizon after publication."""

import calendar
import datetime as dt
import re

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH = "(?P<month>" + "|".join(m for m in calendar.month_name if m) + ")"
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "ten": 10,
}
_YEAR = r"(?P<year>20\d\d)"
_PATTERNS = [
    ("day", rf"\b(?P<prep>by|before|on|until)\s+(?P<day>\d{{1,2}})\s+{_MONTH}\s+{_YEAR}"),
    ("day", rf"\b(?P<prep>by|before|on|until)\s+{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+{_YEAR}"),
    # "by August 20", "until 3 March": the next such day after publication.
    (
        "day_only",
        rf"\b(?P<prep>by|before|on|until|to)\s+(?P<day>\d{{1,2}})\s+{_MONTH}\b(?!,?\s+\d)",
    ),
    (
        "day_only",
        rf"\b(?P<prep>by|before|on|until|to)\s+{_MONTH}\s+(?P<day>\d{{1,2}})\b(?!,?\s+\d)",
    ),
    ("month", rf"\b(?P<prep>by|before|in|until)\s+(?:the\s+end\s+of\s+)?{_MONTH}\s+{_YEAR}"),
    ("year", r"\b(?P<prep>by|before|in|until)\s+(?:the\s+end\s+of\s+|end-)?(?P<year>20\d\d)\b"),
    (
        "month_only",
        rf"\b(?P<prep>by|before|in|until)\s+(?:the\s+end\s+of\s+)?{_MONTH}\b(?!\s+\d)",
    ),
    (
        "season",
        r"\b(?P<prep>by|before|in)\s+(?:the\s+)?(?P<season>spring|summer|autumn|fall|winter)"
        r"\s+(?:of\s+)?(?P<year>20\d\d)",
    ),
    ("christmas", r"\b(?:by|before)\s+Christmas\b"),
    ("this_year", r"\b(?:by\s+the\s+end\s+of\s+(?:this|the)\s+year|this\s+year)\b"),
    ("next", r"\bnext\s+(?P<unit>year|month|week)\b"),
    (
        "next_season",
        r"\b(?P<prep>next|this\s+coming|by|before|until)\s+(?:the\s+)?"
        r"(?P<season>spring|summer|autumn|fall|winter)\b",
    ),
    (
        "within",
        r"\b(?:within|in|over)\s+(?:the\s+next\s+)?(?P<n>\d+|an?|one|two|three|four|five|six|ten)"
        r"\s+(?P<unit>years?|months?|weeks?|days?|hours?|decades?)\b",
    ),
    # "over the next century", "within the coming decade"
    ("next_long", r"\b(?:within|in|over)\s+the\s+(?:next|coming)\s+(?P<unit>decade|century)\b"),
    (
        "coming",
        r"\b(?:(?:in|over)\s+the\s+(?:coming|next)\s+(?:few\s+)?|within\s+(?:a\s+few\s+)?)"
        r"(?P<unit>hours|days|weeks|months|years)\b",
    ),
    ("tonight", r"\b(?:tonight|today|tomorrow)\b"),
    # "later in the morning", "by the end of the day": the same day, as "today"
    (
        "tonight",
        r"\b(?:later\s+(?:in\s+the\s+(?:morning|afternoon|evening|day)|this\s+"
        r"(?:morning|afternoon|evening))|by\s+the\s+end\s+of\s+the\s+(?:day|evening|night))\b",
    ),
    # "early in the new year": by the end of its first quarter
    ("new_year", r"\b(?:early\s+in|at\s+the\s+start\s+of)\s+the\s+new\s+year\b"),
    (
        "weekday",
        r"\b(?:on|by|until|before|into|this|next)\s+(?:at\s+least\s+)?"
        r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|"
        r"Friday|Saturday|Sunday)\b",
    ),
]
_COMPILED = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in _PATTERNS]
# The last month of each season; winter ends in the February after its year (14 → 2).
_SEASON_END = {"spring": 5, "summer": 8, "autumn": 11, "fall": 11, "winter": 14}
_COMING_DAYS = {"hours": 1, "days": 30, "weeks": 90, "months": 180, "years": 3 * 365}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return _month_end(day.year + index // 12, index % 12 + 1)


def _from_match(kind: str, m: re.Match, published: dt.date) -> dt.date | None:
    prep = (m.groupdict().get("prep") or "by").lower()
    if kind == "day":
        day = dt.date(int(m["year"]), MONTHS[m["month"].lower()], int(m["day"]))
        return day - dt.timedelta(days=1) if prep == "before" else day
    if kind == "day_only":
        month, day = MONTHS[m["month"].lower()], int(m["day"])
        when = dt.date(published.year, month, day)
        when = when if when > published else dt.date(published.year + 1, month, day)
        return when - dt.timedelta(days=1) if prep == "before" else when
    # "before the end of 2026" is the end of 2026; "before 2026" the end of 2025.
    before = prep == "before" and "end" not in m.group().lower()
    if kind == "month":
        month_end = _month_end(int(m["year"]), MONTHS[m["month"].lower()])
        return month_end.replace(day=1) - dt.timedelta(days=1) if before else month_end
    if kind == "year":
        return dt.date(int(m["year"]) - before, 12, 31)
    if kind == "month_only":  # the next such month after publication
        month = MONTHS[m["month"].lower()]
        year = published.year + (month < published.month)
        end = _month_end(year, month)
        return end.replace(day=1) - dt.timedelta(days=1) if before else end
    if kind == "season":  # the season's last day; winter runs into the next year
        month = _season_month(m)
        return _month_end(int(m["year"]) + month // 13, (month - 1) % 12 + 1)
    if kind == "next_season":  # the first end of that season (or of the one before) after
        month = _season_month(m)  # publication
        for year in (published.year, published.year + 1):
            end = _month_end(year + month // 13, (month - 1) % 12 + 1)
            if end > published:
                return end
    if kind == "christmas":
        christmas = dt.date(published.year, 12, 25)
        return christmas if christmas > published else christmas.replace(year=published.year + 1)
    if kind == "this_year":
        return dt.date(published.year, 12, 31)
    if kind == "next":
        unit = m["unit"].lower()
        if unit == "year":
            return dt.date(published.year + 1, 12, 31)
        return _add_months(published, 1) if unit == "month" else published + dt.timedelta(days=14)
    if kind == "tonight":  # the night runs into the next day; "tomorrow" is the next day
        return published + dt.timedelta(days=1)
    if kind == "new_year":
        return dt.date(published.year + 1, 3, 31)
    if kind == "weekday":  # the first such day after publication
        ahead = (calendar.day_name[:].index(m["weekday"].capitalize()) - published.weekday()) % 7
        return published + dt.timedelta(days=ahead or 7)
    if kind == "next_long":
        return published + dt.timedelta(days=3652 if m["unit"].lower() == "decade" else 36524)
    if kind == "within":
        n = int(m["n"]) if m["n"].isdigit() else _NUMBER_WORDS[m["n"].lower()]
        unit = m["unit"].lower().rstrip("s")
        if unit == "hour":  # "in the next 24 hours": the days those hours reach into
            return published + dt.timedelta(days=max(1, -(-n // 24)))
        days = {"decade": 3652, "year": 365, "month": 30, "week": 7, "day": 1}[unit]
        return published + dt.timedelta(days=n * days)
    return published + dt.timedelta(days=_COMING_DAYS[m["unit"].lower()])


def spans_to_dates(text: str, published: dt.date) -> str:
    """ "within two years", "over the next century", "in the next 24 hours" written as the day
    they end ("by 4 March 2028"): a question read years later cannot count from an article's
    date it does not show."""
    for kind, pattern in _COMPILED:
        if kind in {"within", "next_long"}:  # not "within weeks": vague, no date to give

            def dated(m: re.Match, kind: str = kind) -> str:
                if not re.match(r"within|over|in\s+the\s+next", m.group(), re.IGNORECASE):
                    return m.group()  # "travels 15,000 km in a year": a rate, not a span
                day = _from_match(kind, m, published)
                return f"by {day.day} {day:%B %Y}" if day else m.group()

            text = pattern.sub(dated, text)
    return text


def _season_month(m: re.Match) -> int:
    """The last month of the season named, or for "before the spring" of the season before
    it (spring starts in March: the last day before it is in February)."""
    month = _SEASON_END[m["season"].lower()]
    return month - 3 if m["prep"].lower() == "before" else month


def suggest_deadline(claim: str, published: dt.date, horizon_days: int) -> tuple[dt.date, str]:
    """(deadline, why): the first date expression in the claim that lies after publication,
    else `horizon_days` after publication (`why` then says when the claim named a date that
    does not: PASSED_DATE)."""
    passed = ""
    for kind, pattern in _COMPILED:
        match = pattern.search(claim)
        if not match:
            continue
        try:
            deadline = _from_match(kind, match, published)
        except (ValueError, KeyError):
            continue  # "31 February": not a date; try the next expression
        if deadline and deadline > published:
            return deadline, f"named in the claim: “{match.group()}”"
        if deadline and not passed and match.group().split()[0].lower() in _DEADLINE_WORDS:
            passed = match.group()  # "by June 2026", not "as in 2024"
    default = published + dt.timedelta(days=horizon_days)
    why = f"default: {horizon_days} days after publication"
    if passed:
        why += f"; “{passed}” in the claim is {PASSED_DATE}"
    return default, why


# How `why` says that the claim's own date is not after the article's (a wrong or missing
# publication date, or a claim about the past): the title keeps that date and needs editing.
PASSED_DATE = "not after the article's date"
_DEADLINE_WORDS = ("by", "before", "until")
