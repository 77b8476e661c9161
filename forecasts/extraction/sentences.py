"""Paragraphs, quotations and sentences of an article.

Quotations are found per paragraph before sentences are split, because a quotation often spans
several sentences and its attribution ("…,’ Megrabyan said.") closes only the last one.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

# Words whose trailing full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st jr sr gen gov sen rep col lt capt sgt inc ltd co corp no vs etc
    jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n e.u approx est
    rs vol fig""".split()  # noqa: SIM905 (a word list reads better as text)
)
_OPENERS = {"“": "”", "‘": "’", '"': '"', "'": "'"}
_BOUNDARY_RE = re.compile(r"[.!?…]+[”’\"')\]]*\s+(?=[“‘\"'(\[]?[A-Z0-9])")
_LABEL_RE = re.compile(
    r"^(?P<label>Q|A|Question|Answer|[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,2})\s*:\s+"
)
_BYLINE_RE = re.compile(r"^By\s+(?P<name>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'.-]+){1,3})\b")
# Shorter quotations inside a sentence are scare quotes or fragments, read with the sentence;
# a short quotation that is a sentence of its own ("That could change quickly.") is speech.
_MIN_QUOTE_WORDS = 5


@dataclass(frozen=True)
class Quote:
    start: int  # offset of the opening mark in the paragraph
    end: int  # offset just after the closing mark
    content: str


@dataclass(frozen=True)
class Sentence:
    index: int  # position in the document
    paragraph: int
    start: int  # offsets in the paragraph's text
    end: int
    text: str
    quote: int | None  # index in Paragraph.quotes of the quotation the sentence starts in


@dataclass(frozen=True)
class Paragraph:
    index: int
    text: str  # without its interview label
    label: str  # "Q", "A" or a speaker's name in interviews; "" otherwise
    quotes: tuple[Quote, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Document:
    headline: str
    byline: str
    paragraphs: tuple[Paragraph, ...]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for p in self.paragraphs for s in p.sentences]


def _opens(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([—–-:") and not after.isspace()


class _Closers:
    """Where each closing mark of a paragraph can close a quotation, found once per paragraph
    (sorted positions), so that finding each opener's closer is a binary search: a list per
    opener made a paragraph of a few thousand quotations quadratic (6 s for 70,000 characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._found: dict[str, tuple[list[int], list[int]]] = {}

    def _positions(self, closer: str) -> tuple[list[int], list[int]]:
        if closer not in self._found:
            text = self.text
            # A single closer is also an apostrophe ("Baku’s"): it closes only when no letter
            # follows it.
            anywhere = [
                j
                for j, char in enumerate(text)
                if char == closer and (j + 1 == len(text) or not text[j + 1].isalpha())
            ]
            punctuated = [j for j in anywhere if j and text[j - 1] in ".,!?;:…"]
            self._found[closer] = (anywhere, punctuated)
        return self._found[closer]

    def after(self, i: int, closer: str) -> int | None:
        """Index of the mark closing the quotation opened at i. For single marks, one after
        punctuation (",’" ".’") is preferred to one after a word, which may be a plural
        possessive."""
        anywhere, punctuated = self._positions(closer)
        if closer not in '”"' and (k := bisect_right(punctuated, i)) < len(punctuated):
            return punctuated[k]
        k = bisect_right(anywhere, i)
        return anywhere[k] if k < len(anywhere) else None


def find_quotes(text: str) -> tuple[Quote, ...]:
    """Top-level quotations of a paragraph; a quotation inside another belongs to it."""
    quotes: list[Quote] = []
    closers = _Closers(text)
    i = 0
    while i < len(text):
        closer = _OPENERS.get(text[i])
        j = closers.after(i, closer) if closer and _opens(text, i) else None
        if j is None:
            i += 1
            continue
        content = text[i + 1 : j].strip()
        k = i - 1  # the last character before the opener, spaces skipped
        while k >= 0 and text[k].isspace():
            k -= 1
        starts_sentence = k < 0 or text[k] in ".!?"
        if len(content.split()) >= _MIN_QUOTE_WORDS or starts_sentence:
            quotes.append(Quote(i, j + 1, content))
        i = j + 1
    return tuple(quotes)


def _is_abbreviation(text: str, dot: int) -> bool:
    before = text[max(0, dot - 64) : dot]  # the word before the dot: a window, not the prefix
    word = before.rsplit(None, 1)[-1].lstrip("(“‘\"'").lower() if before.strip() else ""
    # "J.P. Morgan", "U.S. officials": initials, not the end of a sentence.
    initials = re.fullmatch(r"(?:[a-z]\.)+[a-z]", word) is not None
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or initials


# "No." is the abbreviation of "number" only before a number: `“No. It will fail.”` ends one.
_ANSWER_NO_RE = re.compile(r"(?:^|[\s“‘\"'])No\.\s+$")


def split_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a paragraph."""
    spans, start = [], 0
    for match in _BOUNDARY_RE.finditer(text):
        # Windows, not the whole text before each boundary: that made a paragraph of many
        # dots ("U.S. U.S. …") quadratic (60,000 characters: 7 s).
        near = text[max(0, match.end() - 16) : match.end()]
        if _is_abbreviation(text, match.start()) and not _ANSWER_NO_RE.search(near):
            continue
        end = match.end()
        trimmed = end
        while trimmed > start and text[trimmed - 1].isspace():
            trimmed -= 1
        spans.append((start, trimmed))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _quote_at(quotes: tuple[Quote, ...], start: int, end: int) -> int | None:
    """The quotation a sentence is in: the one around its start, else one that opens inside
    it and runs past its end (`Brook said: "Rates will rise. …"`), whose speaker it shares."""
    inside = next((k for k, q in enumerate(quotes) if q.start <= start < q.end - 1), None)
    if inside is not None:
        return inside
    return next((k for k, q in enumerate(quotes) if start < q.start < end < q.end - 1), None)


def _paragraph(index: int, raw: str, first_sentence: int) -> Paragraph:
    label_match = _LABEL_RE.match(raw)
    label = label_match["label"] if label_match else ""
    text = raw[label_match.end() :] if label_match else raw
    quotes = find_quotes(text)
    sentences = tuple(
        Sentence(
            first_sentence + k, index, start, end, text[start:end], _quote_at(quotes, start, end)
        )
        for k, (start, end) in enumerate(split_offsets(text))
    )
    return Paragraph(index, text, label, quotes, sentences)


def _is_headline(line: str) -> bool:
    return not re.search(r"[.!?”’\"']$", line) and len(line.split()) <= 25


def parse_document(text: str) -> Document:
    """Split normalised article text (one paragraph per line) into its parts."""
    lines = [line for line in text.split("\n") if line.strip()]
    headline = lines.pop(0) if lines and _is_headline(lines[0]) and len(lines) > 1 else ""
    byline = ""
    if lines and (match := _BYLINE_RE.match(lines[0])) and len(lines[0].split()) <= 12:
        byline = match["name"]
        lines.pop(0)
    paragraphs: list[Paragraph] = []
    count = 0
    for raw in lines:
        paragraph = _paragraph(len(paragraphs), raw, count)
        paragraphs.append(paragraph)
        count += len(paragraph.sentences)
    return Document(headline, byline, tuple(paragraphs))
