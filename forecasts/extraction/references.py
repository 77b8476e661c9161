"""What a question title needs from the article, written into the title itself.

A reviewer who never read the article cannot resolve "Will the storm reach the coast
tonight?": which storm, which night. The title is rewritten with what the article says before
the claim: a relative date becomes a date ("tonight" → "on the night of 4 March 2026", "next
year" → "in 2027"), "the storm" becomes the storm the article named ("Typhoon Lupit"), and a
subject "it"/"they" becomes the noun phrase the same speaker's previous claim was about.
Nothing is invented: when the article names nothing that fits, the words stay as they are and
the title checks flag them.
"""

import calendar
import datetime as dt
import re

from forecasts.extraction.deadlines import spans_to_dates
from forecasts.extraction.plans import OUTCOME_VERBS

_WEEKDAYS = list(calendar.day_name)
_WEEKDAY_RE = re.compile(
    r"\b(?P<prep>on|by|until|before|after|into|from|through|next|this|late|early)\s+"
    r"(?:at\s+least\s+)?(?P<day>" + "|".join(_WEEKDAYS) + r")"
    r"(?P<part>\s+(?:night|morning|afternoon|evening))?\b"
    r"(?!\s+\d)(?!,?\s+(?:\d{1,2}\s+)?(?:" + "|".join(calendar.month_name[1:]) + r"))"
)


# A month with no day or year after a preposition: which year it is in is the article's.
_BARE_MONTH_RE = re.compile(
    r"\b(?:by|in|until|before|after|from|through|during|since|early|late|mid-|end\s+of)\s*"
    r"(?<=\s|-)(?P<month>" + "|".join(calendar.month_name[1:]) + r")\b"
    r"(?!\s*,?\s*\d)(?!\s+(?:of\s+)?(?:this|next|last)\s+year)"
)


def _day(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def next_weekday(published: dt.date, name: str) -> dt.date:
    """The first such weekday after publication ("on Friday" in a Wednesday paper)."""
    ahead = (_WEEKDAYS.index(name.capitalize()) - published.weekday()) % 7
    return published + dt.timedelta(days=ahead or 7)


def absolute_times(text: str, published: dt.date) -> str:
    """Relative dates written out against the publication date."""
    year = published.year
    following = dt.date(year + (published.month == 12), published.month % 12 + 1, 1)
    monday = published + dt.timedelta(days=7 - published.weekday())  # next week starts
    rules = (
        (r"\bby\s+the\s+end\s+of\s+(?:the|this)\s+year\b", f"by the end of {year}"),
        (r"\b(?:of\s+)?this\s+year\b(?<=of this year)", f"{year}"),  # "February of this year"
        (r"\b(?:later\s+)?this\s+year\b", f"in {year}"),
        (r"\bnext\s+year\b", f"in {year + 1}"),
        (r"\bthis\s+month\b", f"in {published:%B %Y}"),
        (r"\bnext\s+week\b", f"in the week of {_day(monday)}"),
        (r"\bnext\s+month\b", f"in {following:%B %Y}"),
        (
            r"\blater\s+(?:in\s+the\s+(?:morning|afternoon|evening|day)|this\s+"
            r"(?:morning|afternoon|evening))\b",
            f"on {_day(published)}",
        ),
        (r"\bby\s+the\s+end\s+of\s+the\s+(?:day|evening)\b", f"by the end of {_day(published)}"),
        (
            r"\b(?:early\s+in|at\s+the\s+start\s+of)\s+the\s+new\s+year\b",
            f"by the end of March {year + 1}",
        ),
        (r"\btonight\b", f"on the night of {_day(published)}"),
        (r"\btomorrow\b", f"on {_day(published + dt.timedelta(days=1))}"),
        (r"\btoday\b", f"on {_day(published)}"),
    )
    for pattern, replacement in rules:
        text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)

    text = spans_to_dates(text, published)  # "within two years" → "by 4 March 2028"

    def month(match: re.Match) -> str:  # "by June" → "by June 2026": the next such month
        number = list(calendar.month_name).index(match["month"])
        return f"{match.group()} {year + (number < published.month)}"

    text = _BARE_MONTH_RE.sub(month, text)

    def weekday(match: re.Match) -> str:
        date = next_weekday(published, match["day"])
        return f"{match.group()} ({_day(date)})"

    return _WEEKDAY_RE.sub(weekday, text)


# Kinds of thing whose proper names start with a word other than their head noun.
_NAMED_KINDS = {
    "storm": r"(?:Hurricane|Typhoon|Cyclone|Tropical\s+Storm|Tropical\s+Cyclone|Storm)",
    "hurricane": r"Hurricane",
    "typhoon": r"Typhoon",
    "cyclone": r"(?:Cyclone|Tropical\s+Cyclone)",
}
_NAME = r"[A-Z][\w’'.-]*"
# "the storm" as a whole noun phrase: its head is followed by a verb, a preposition or the end.
_DEFINITE_RE = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Tt]hat)\s+(?P<head>[a-z]+)(?=['’]s\b|[,.;:?]|$|\s+(?:will|would|could|may|might|is|are|"
    r"was|were|has|have|had|to|of|in|on|at|for|and|or|be|become|remain|can)\b)"
)


_PLURAL_NAMED = frozenset({"airline", "airway"})


def _named(head: str, before: str) -> str:
    """The last proper name in `before` for "the <head>": "Typhoon Lupit" for "the storm",
    "People Power Party" for "the party", "Bureau of Meteorology" for "the bureau"."""
    patterns = [rf"\b{_NAMED_KINDS[head]}\s+{_NAME}(?:\s+{_NAME})?"] if head in _NAMED_KINDS else []
    title = head.capitalize()
    patterns += [
        # "Australian Airlines" is the airline; "the United States" is not the state
        rf"\b(?:{_NAME}\s+){{1,4}}(?:{title}|{head}){'s?' if head in _PLURAL_NAMED else ''}\b",
        rf"\b{title}\s+(?:of|for)\s+(?:the\s+)?(?:{_NAME}\s*){{1,4}}",
    ]
    names = [_trim(m.group()) for p in patterns for m in re.finditer(p, before)]
    names = [n for n in names if n]
    if not names:
        return ""
    # The article's own subject is named most often; a comparison in passing is not. Two
    # names as frequent ("Kalimantan's …" and "California's …") leave the title alone.
    counts = sorted((names.count(n) for n in set(names)), reverse=True)
    if len(counts) > 1 and counts[0] == counts[1]:
        return ""
    return max(names, key=names.count)


def _trim(name: str) -> str:
    """Sentence openers are not part of a name: "In Vell Harbour" → "Vell Harbour"."""
    words = name.split()
    while words and words[0] in {
        "The",
        "A",
        "An",
        "This",
        "That",
        "In",
        "On",
        "At",
        "And",
        "It",
        "He",
        "She",
        "They",
        "We",
        "But",
        "If",
        "As",
        "When",
    }:
        words = words[1:]
    return " ".join(words) if len(words) >= 2 else ""


_NOT_HEADS = frozenset(
    """will would could may might shall should must can is are was were be been has have had
    do does did same other first last next new one only way time""".split()  # noqa: SIM905
)


def name_definites(title: str, before: str) -> str:
    """ "the storm" → "Typhoon Lupit", when the article named one before the claim."""
    if not before:
        return title

    def replace(match: re.Match) -> str:
        if match["head"] in _NOT_HEADS:
            return match.group()  # "That will …": a pronoun, not "the <noun>"
        name = _named(match["head"], before)
        return name if name and name.lower() not in title.lower() else match.group()

    return _DEFINITE_RE.sub(replace, title, count=2)


# Tails that describe or qualify but are not part of the event asked about.
_TAIL_RE = re.compile(
    r",\s+(?:meaning|along\s+with|as\s+(?:many|most|some)\s+\w+\s+(?:expect|predict|believe)"
    # asides and reasons after the event: "…, particularly among voters", "…, as Google would
    # apply its algorithms", "…, adding more time to …", "…, where the hearing was held"
    r"|particularly|especially|notably|adding|suggesting|citing|where|since|because|as\s+(?!well\b|"
    r"much\b|many\b|soon\b|long\b|early\b|late\b|a\s+result\b)[a-z]+(?:\s+\w+)?\s+"
    r"(?:would|will|is|are|was|were|has|have|had|did|does|do|can|could|may|might)"
    r"|without\s+any)"
    r"\b[^?]*$",
    re.IGNORECASE,
)


_QUOTED_PHRASE_RE = re.compile(r"(?<!\w)['‘]([^'‘’\n]{1,200}?)['’](?!\w)")


def clean_body(body: str) -> str:
    """The title's text without descriptive tails and stray quotation marks."""
    body = _TAIL_RE.sub("", body)
    body = re.sub(r"[“”\"]", "", body)
    # A quoted phrase loses both its marks ("a 'new version' will", "the 'new ferries' sail":
    # the closer after an s too); then a lone opener before a word, or a mark after a space or
    # at the end. Apostrophes inside a word ("don't", "O'Brien") and a plural's possessive
    # ("the islands' ferries") stay.
    body = _QUOTED_PHRASE_RE.sub(r"\1", body)
    body = re.sub(r"(?<!\w)[‘’'](?=\w)|(?<=[\s,])[’']|[‘’']$", "", body)
    return re.sub(r"\s{2,}", " ", body).strip(" ,;:")


_EXPLETIVE_RE = re.compile(
    r"^(?:be|become|remain|seem)\s+(?:\w+\s+){0,2}?(?:to|that|for|if|whether)\b", re.IGNORECASE
)
_PRONOUN_SUBJECT_RE = re.compile(
    r"^Will (?P<pronoun>it|they|he|she) (?!come\s+true\b|(?:the|a|an|this|that)\s)(?P<pred>.+)$"
)


def finish_title(
    title: str,
    *,
    before: str,
    published: dt.date,
    antecedent: str = "",
    speaker: str = "",
    reported: bool = False,
    person: bool = False,
) -> str:
    """The title a reviewer can resolve alone: tails cut, "it" and "the storm" named from the
    article, relative dates written out. In reported speech the pronoun of the speaker's own
    kind is the speaker ("Moody's warned that it may downgrade …")."""
    body = clean_body(title.rstrip("?"))
    match = _PRONOUN_SUBJECT_RE.match(body)
    if match and not _EXPLETIVE_RE.match(match["pred"]):
        own = {"he", "she"} if person else {"it", "they"}
        verb = re.sub(r"^(?:\w+ly\s+)+", "", match["pred"]).split()[0].lower()
        if reported and speaker and match["pronoun"] in own and verb not in OUTCOME_VERBS:
            # "Moody's warned that it may downgrade …" (an act), not "police said it could
            # collapse" (an outcome: "it" is the building)
            body = f"Will {speaker} {match['pred']}"
        elif antecedent and match["pronoun"] in {"it", "they"}:
            # … in number: "it" is not "up to 1,500 British troops", but it is "the crisis",
            # "the gas" or "Australian Airlines" (a name is one thing)
            plural = re.fullmatch(r"[a-z]+[^siuao]s", antecedent.split()[-1]) is not None
            if not (match["pronoun"] == "it" and plural):
                body = f"Will {antecedent} {match['pred']}"
    body = absolute_times(name_definites(body, before), published)
    return body + "?"
