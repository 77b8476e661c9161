"""Verbal probability: turn "70%", "3:1" or "is likely to" into a number, per the versioned table.

The tables (docs/scoring.md) live in data/verbal_<version>.json. New parses use TABLE_VERSION (v2,
which adds the first-person and plural verb forms: "I expect", "we think", "am confident");
a prediction keeps the probability and version it was stored with, and `table(version)` loads
the older tables so a stored phrase can be read again under its own version. No Django here.
Composition rules for stacked markers:

- Explicit numbers always win; attribution verbs (says, warns, predicts ...) are not in the table
  and so carry no probability.
- The strength of a reading is that of the marker closest to 0.5 ("believes X will likely" →
  0.70). A bare "will"/"won't" counts only when no verbal marker is present: that is what
  "bare" means ("is certain that X will" → 0.99, "is confident that X will" → 0.80).
- Direction: each marker below 0.5 ("doubts", "unlikely", "won't") and each negation right after
  a marker ("likely not") flips the event, so a marker on a negated event gives 1 − p
  ("likely won't" → 0.25, "believes X won't" → 0.30).
- A negation that governs no marker but precedes one ("I don't think X will") is ambiguous:
  the reading is "unknown", never a guess. So is contingency language ("we must be prepared
  for"): recorded, not a forecast.
"""

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

TABLE_VERSION = "v2"
TABLE_DIR = Path(__file__).resolve().parent / "data"
TABLE_PATH = TABLE_DIR / f"verbal_{TABLE_VERSION}.json"

STATED = "stated"
VERBAL = "verbal"
BARE_ASSERTION = "bare_assertion"
UNKNOWN = "unknown"

_NUMBER = r"(?<![\w.])(?:\d+(?:\.\d+)?|\.\d+)"
_PERCENT = r"\s*(?:%|percent\b|per\s+cent\b)"
_PERCENT_RANGE = rf"{_NUMBER}(?:{_PERCENT})?\s*(?:-|–|—|to)\s*{_NUMBER}{_PERCENT}"
_PERCENT_RE = re.compile(rf"({_NUMBER}){_PERCENT}")
_PERCENT_RANGE_RE = re.compile(
    rf"({_NUMBER})(?:{_PERCENT})?\s*(?:-|–|—|to)\s*({_NUMBER}){_PERCENT}"
)
_ODDS_RE = re.compile(rf"({_NUMBER})\s*(?::|to)\s*({_NUMBER})")
_DECIMAL_RANGE_RE = re.compile(rf"({_NUMBER})\s*[-–—]\s*({_NUMBER})")
_DECIMAL_RE = re.compile(rf"({_NUMBER})")
_NUMERIC_LOOKING_RE = re.compile(r"[-+\d.,:%\s–—]+")
# In free text a percentage is a forecast only when it is a chance ("GDP will grow 2%" is not).
_STATED_IN_SENTENCE_RE = re.compile(
    rf"(?:chance|probability|likelihood|odds)\s+(?:of\s+|at\s+|is\s+)?"
    rf"(?P<after>{_PERCENT_RANGE}|{_NUMBER}{_PERCENT})"
    rf"|(?P<before>{_PERCENT_RANGE}|{_NUMBER}{_PERCENT})\s+(?:chance|probability|likelihood|likely)",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|[.;!?](?=\s|$)", re.IGNORECASE)
_BREAKS = frozenset(".;!?")
_NEGATIONS = frozenset({"not", "never", "cannot"})


@dataclass(frozen=True)
class ParsedProbability:
    """A probability with its provenance: basis is stated, verbal, bare_assertion or unknown.

    `probability` is None only for basis "unknown" (recorded, not scored until an editor sets
    one). `markers` lists every table phrase and negation found, in text order.
    """

    probability: float | None
    basis: str
    phrase: str
    table_version: str
    markers: tuple[str, ...] = ()


class UnknownPhrase(ValueError):
    """A phrase not in the verbal table; the message names it and lists near matches."""

    def __init__(self, phrase: str, suggestions: Sequence[str]) -> None:
        self.phrase = phrase
        self.suggestions = tuple(suggestions)
        hint = ", ".join(repr(s) for s in self.suggestions) or "none"
        super().__init__(f"unknown probability phrase {phrase!r}; near matches: {hint}")


@dataclass(frozen=True)
class Marker:
    """One phrase of the table."""

    phrase: str
    probability: float
    basis: str


@dataclass(frozen=True)
class VerbalTable:
    """A loaded table version; `index` maps a first word to its phrases, longest first."""

    version: str
    markers: Mapping[str, Marker]
    contingency: tuple[str, ...]
    index: Mapping[str, tuple[tuple[tuple[str, ...], Marker], ...]] = field(
        compare=False, repr=False
    )


def normalize_phrase(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces, no trailing punctuation."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return " ".join(text.split()).rstrip(" .,;:!?")


def _words(text: str) -> tuple[str, ...]:
    return tuple(m.group().lower() for m in _TOKEN_RE.finditer(normalize_phrase(text)))


def _read_markers(data: dict) -> list[Marker]:
    markers = [
        Marker(normalize_phrase(phrase), float(level["p"]), basis)
        for key, basis in (("levels", VERBAL), ("bare_assertion", BARE_ASSERTION))
        for level in data[key]
        for phrase in level["phrases"]
    ]
    seen = [m.phrase for m in markers]
    duplicates = sorted({p for p in seen if seen.count(p) > 1})
    if duplicates or any(not 0.0 <= m.probability <= 1.0 for m in markers):
        raise ValueError(f"bad verbal table: duplicates {duplicates} or p outside [0, 1]")
    return markers


def load_verbal_table(path: Path = TABLE_PATH) -> VerbalTable:
    """Load and check a table file (phrases unique, p within [0, 1])."""
    data = json.loads(path.read_text(encoding="utf-8"))
    markers = _read_markers(data)
    index: dict[str, list[tuple[tuple[str, ...], Marker]]] = {}
    for marker in markers:
        words = _words(marker.phrase)
        index.setdefault(words[0], []).append((words, marker))
    longest_first = {w: tuple(sorted(v, key=lambda e: -len(e[0]))) for w, v in index.items()}
    return VerbalTable(
        version=data["version"],
        markers=MappingProxyType({m.phrase: m for m in markers}),
        contingency=tuple(normalize_phrase(c) for c in data["contingency"]),
        index=MappingProxyType(longest_first),
    )


VERBAL_TABLE = load_verbal_table()
if VERBAL_TABLE.version != TABLE_VERSION:
    raise ValueError(f"{TABLE_PATH.name} says version {VERBAL_TABLE.version!r}")
KNOWN_PHRASES: Mapping[str, float] = MappingProxyType(
    {phrase: m.probability for phrase, m in VERBAL_TABLE.markers.items()}
)
_TABLES: dict[str, VerbalTable] = {TABLE_VERSION: VERBAL_TABLE}


def table(version: str) -> VerbalTable:
    """The table of a version ("v1", "v2"), loaded once; ValueError for an unknown one."""
    if version not in _TABLES:
        path = TABLE_DIR / f"verbal_{version}.json"
        if not re.fullmatch(r"v\d+", version) or not path.exists():
            raise ValueError(f"no verbal table version {version!r}")
        _TABLES[version] = load_verbal_table(path)
    return _TABLES[version]


def _checked(p: float, text: str) -> float:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"probability {text!r} is outside [0, 1] (0–100 for percentages)")
    return p


def _parse_range(low: str, high: str, scale: float, text: str) -> float:
    low_p, high_p = _checked(float(low) / scale, text), _checked(float(high) / scale, text)
    if low_p > high_p:
        raise ValueError(f"range {text!r} runs backwards")
    # Rounded so that 0.6-0.7 gives 0.65, not 0.6499999999999999.
    return round((float(low) + float(high)) / 2 / scale, 10)


def parse_stated_probability(text: str) -> float | None:
    """0.7 / .7 / 70% / 70 percent / 60-70% (midpoint) / 3:1 or 3 to 1 (a/(a+b)).

    None when the text is not a number; ValueError when it is one but not a probability.
    """
    text = normalize_phrase(text)
    if m := _PERCENT_RANGE_RE.fullmatch(text):
        return _parse_range(m[1], m[2], 100.0, text)
    if m := _PERCENT_RE.fullmatch(text):
        return _checked(float(m[1]) / 100.0, text)
    if m := _ODDS_RE.fullmatch(text):
        if float(m[1]) + float(m[2]) == 0:
            raise ValueError(f"odds {text!r} have no total")
        return float(m[1]) / (float(m[1]) + float(m[2]))
    if m := _DECIMAL_RANGE_RE.fullmatch(text):
        return _parse_range(m[1], m[2], 1.0, text)
    if m := _DECIMAL_RE.fullmatch(text):
        return _checked(float(m[1]), text)
    if _NUMERIC_LOOKING_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not a probability")
    return None


def suggest_phrases(phrase: str, table: VerbalTable = VERBAL_TABLE) -> list[str]:
    """Table phrases close to `phrase`, best first (for error messages and admin hints)."""
    return difflib.get_close_matches(normalize_phrase(phrase), list(table.markers), n=5)


@dataclass(frozen=True)
class _Token:
    word: str  # lower-case
    raw: str


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    marker: Marker


def _tokenize(sentence: str) -> list[_Token]:
    text = sentence.replace("\u2019", "'").replace("\u2018", "'")
    return [_Token(m.group().lower(), m.group()) for m in _TOKEN_RE.finditer(text)]


def _is_negation(token: _Token) -> bool:
    return token.word in _NEGATIONS or token.word.endswith("n't")


def _is_month(tokens: Sequence[_Token], i: int, marker: Marker) -> bool:
    # A capital "May" mid-sentence is the month ("in May"), not the modal; sentence-initial
    # "May" stays the modal, as forecasts rarely open with the month.
    return marker.phrase == "may" and tokens[i].raw == "May" and i > 0


def _marker_at(tokens: Sequence[_Token], i: int, table: VerbalTable) -> _Match | None:
    words = tuple(t.word for t in tokens[i : i + 8])
    for pattern, marker in table.index.get(tokens[i].word, ()):
        if words[: len(pattern)] == pattern and not _is_month(tokens, i, marker):
            return _Match(i, i + len(pattern), marker)
    return None


def _match_markers(tokens: Sequence[_Token], table: VerbalTable) -> list[_Match]:
    """Table phrases left to right, longest first at each word ("probably not" before
    "probably", "will never" before "will"); matched words are not read again."""
    matches: list[_Match] = []
    i = 0
    while i < len(tokens):
        match = _marker_at(tokens, i, table)
        if match is None:
            i += 1
        else:
            matches.append(match)
            i = match.end
    return matches


def _find_contingency(tokens: Sequence[_Token], table: VerbalTable) -> str | None:
    words = " " + " ".join(t.word for t in tokens) + " "
    return next((c for c in table.contingency if f" {c} " in words), None)


def _negations(tokens: Sequence[_Token], matches: Sequence[_Match]) -> tuple[set[int], int | None]:
    """Negations right after a marker (they flip the event), and the first stray one: a
    negation outside any marker that precedes a marker in the same clause."""
    consumed = {i for m in matches for i in range(m.start, m.end)}
    flipping = {
        m.end
        for m in matches
        if m.end < len(tokens) and m.end not in consumed and _is_negation(tokens[m.end])
    }
    for i, token in enumerate(tokens):
        if i in consumed or i in flipping or not _is_negation(token):
            continue
        for j in range(i + 1, len(tokens)):
            if tokens[j].word in _BREAKS:
                break
            if j in consumed:
                return flipping, i
    return flipping, None


def _compose(
    tokens: Sequence[_Token], matches: Sequence[_Match], version: str
) -> ParsedProbability:
    flipping, stray = _negations(tokens, matches)
    found = sorted(
        [(m.start, m.marker.phrase) for m in matches] + [(i, tokens[i].word) for i in flipping]
    )
    names = tuple(name for _, name in found)
    if stray is not None:
        end = max(m.end for m in matches if m.start > stray)
        phrase = " ".join(t.word for t in tokens[stray:end])
        return ParsedProbability(None, UNKNOWN, phrase, version, names)
    verbal = [m.marker for m in matches if m.marker.basis == VERBAL]
    winner = min(verbal or [m.marker for m in matches], key=lambda m: abs(m.probability - 0.5))
    flips = len(flipping) + sum(m.marker.probability < 0.5 for m in matches)
    strength = abs(winner.probability - 0.5)
    probability = round(0.5 + strength if flips % 2 == 0 else 0.5 - strength, 6)
    phrase = winner.phrase if probability == winner.probability else " ".join(names)
    start = next(m.start for m in matches if m.marker is winner)
    if phrase == winner.phrase and start > 0 and tokens[start - 1].word in _DEGREE_WORDS:
        # "pretty likely" is read as "likely", and stored as said, so that the record shows
        # the words the value came from
        phrase = f"{tokens[start - 1].word} {phrase}"
    return ParsedProbability(probability, winner.basis, phrase, version, names)


# Degree words the table does not grade: the value is the phrase's, the words are kept.
_DEGREE_WORDS = frozenset({"pretty", "quite", "fairly", "rather", "somewhat", "reasonably"})


def _find_stated(sentence: str, version: str) -> ParsedProbability | None:
    match = _STATED_IN_SENTENCE_RE.search(sentence)
    if match is None:
        return None
    number = match["after"] or match["before"]
    probability = parse_stated_probability(number)
    return ParsedProbability(probability, STATED, normalize_phrase(match.group()), version)


def find_markers(sentence: str, table: VerbalTable = VERBAL_TABLE) -> ParsedProbability | None:
    """The probability a free sentence expresses, or None when it holds no marker.

    Basis "unknown" (probability None) for contingency language and for negations that
    cannot be attributed; see the module docstring for the composition rules.
    """
    tokens = _tokenize(sentence)
    contingency = _find_contingency(tokens, table)
    if contingency is not None:
        return ParsedProbability(None, UNKNOWN, contingency, table.version)
    stated = _find_stated(sentence, table.version)
    if stated is not None:
        return stated
    matches = _match_markers(tokens, table)
    return _compose(tokens, matches, table.version) if matches else None


def is_contingency(sentence: str, table: VerbalTable = VERBAL_TABLE) -> bool:
    """Whether the sentence prepares for an outcome rather than forecasting it."""
    return _find_contingency(_tokenize(sentence), table) is not None


def parse_probability(text: str, table: VerbalTable = VERBAL_TABLE) -> ParsedProbability:
    """Parse an editor's probability input: a number, a range, odds or a table phrase.

    Raises ValueError for a number outside [0, 1] and UnknownPhrase (a ValueError) for words
    the table cannot read; contingency language parses to basis "unknown", probability None.
    """
    stated = parse_stated_probability(text)
    if stated is not None:
        return ParsedProbability(stated, STATED, text.strip(), table.version)
    found = find_markers(text, table)
    if found is not None and (found.probability is not None or is_contingency(text, table)):
        return found
    phrase = normalize_phrase(text)
    raise UnknownPhrase(phrase, suggest_phrases(phrase, table))
