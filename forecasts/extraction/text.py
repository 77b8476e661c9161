"""From raw input (pasted text, uploaded HTML bytes) to checked article text.

Checks run before any analysis so that bad input gets a clear 4xx instead of a strange result:
size, binary content, encoding, prose-ness and language.
"""

import datetime as dt
import re
from dataclasses import dataclass

import trafilatura

from forecasts.extraction.errors import InputTooLarge, NotAnArticle, UnsupportedInput

MAX_TEXT_CHARS = 200_000
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MIN_WORDS = 25

# The commonest English function words: running English prose has roughly 40–50% of its words
# here, other languages in Latin script well under 15%, other scripts none.
ENGLISH_STOPWORDS = frozenset(
    """a about after against all also an and any are as at be been before but by can could
    did do does for from had has have he her his how i if in into is it its may more most my
    no not of on one only or other our out over said she should so some than that the their
    them then there these they this those through to under up us was we were what when which
    while who will with would you your""".split()  # noqa: SIM905 (a word list reads better as text)
)
MIN_ENGLISH_SHARE = 0.2
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class ArticleText:
    """Checked article text; `title` and `published_on` come from HTML metadata when known."""

    text: str
    title: str = ""
    published_on: dt.date | None = None


def decode_upload(data: bytes) -> str:
    """UTF-8 text from uploaded bytes; binary or other encodings are refused, not guessed."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputTooLarge(f"The upload is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if b"\x00" in data:
        raise UnsupportedInput("This looks like a binary file, not an HTML page or text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedInput(
            "The upload is not valid UTF-8. Save the page as UTF-8 and upload it again."
        ) from None


def check_text_size(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLarge(
            f"The text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}. "
            "Paste one article at a time."
        )
    if "\x00" in text:
        raise UnsupportedInput("The text contains binary data (NUL characters).")


def english_share(text: str) -> float:
    words = [w.lower() for w in _WORD_RE.findall(text)]
    return sum(w in ENGLISH_STOPWORDS for w in words) / len(words) if words else 0.0


def check_article(text: str) -> str:
    """Normalised text when it reads as an English article; NotAnArticle otherwise."""
    check_text_size(text)
    text = normalise_text(text)
    if not text:
        raise NotAnArticle("The text is empty: paste an article, upload HTML or give a URL.")
    words = _WORD_RE.findall(text)
    letters = sum(ch.isalpha() for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    if len(words) < MIN_WORDS or letters < 0.6 * visible:
        raise NotAnArticle(
            f"This does not look like an article ({len(words)} words): "
            f"give the full text, at least {MIN_WORDS} words of prose."
        )
    if english_share(text) < MIN_ENGLISH_SHARE:
        raise NotAnArticle(
            "The text does not look like English; the assistant reads English articles only."
        )
    return text


def normalise_text(text: str) -> str:
    """One paragraph per line, single spaces inside, no empty lines; a label glued to the first
    sentence (see `_unglue_label`) on a line of its own."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return _unglue_label("\n".join(line for line in lines if line))


# Copied from a news page, a category or place label can arrive glued to the first sentence,
# with no space or line between them: "IranIran has warned …", "Financial crisisIn a speech
# …". The sentence then begins with a word no sentence has ("IranIran", taken for a speaker's
# name) and its label joins the first question's title. A label is split off only at the very
# start of the text, where a lower-case letter meets either a capitalised word of four letters
# or more repeating the one before it ("IranIran", not "TomTom" or "couscous"), or a word a
# sentence commonly starts with. "In", "On", "At" and "As" also end brand names ("LinkedIn
# said"), so after a one-word label they count only before what a sentence's first phrase has
# next: a capital, a number or a determiner ("AfghanistanOn Sunday", "… crisisIn a speech").
# Names such as "McAllister", "PlayStation" or "Route 4A" stay whole. Every part is bounded:
# the text may be 200,000 characters of anything.
_SENTENCE_OPENERS = (
    "A|An|The|In|On|At|As|After|Before|For|From|With|Following|According|During|Since|When|"
    "While|He|She|They|We|Officials|Police|Authorities|Today|Yesterday"
)
_SHORT_OPENERS = frozenset({"In", "On", "At", "As"})
_PHRASE_GOES_ON = re.compile(r"(?:[A-Z0-9]|(?:a|an|the|this|that|its|their|his|her|least)\b)")
_REPEATED_LABEL = re.compile(r"^(?P<label>[^\n.!?]{0,80}?\b(?P<last>[A-Z][a-z]{3,39}))(?P=last)\b")
_OPENER_LABEL = re.compile(rf"^(?P<label>[^\n.!?]{{0,80}}?[a-z])(?P<opener>{_SENTENCE_OPENERS})\s")


def _unglue_label(text: str) -> str:
    if match := _REPEATED_LABEL.match(text):
        return f"{match['label']}\n{text[match.end('label') :]}"
    match = _OPENER_LABEL.match(text)
    if match is None or not match["label"].strip():
        return text
    one_word = " " not in match["label"].strip()
    short = match["opener"] in _SHORT_OPENERS
    if short and one_word and not _PHRASE_GOES_ON.match(text, match.end()):
        return text  # "LinkedIn said …": a name
    return f"{match['label']}\n{text[match.end('label') :]}"


def html_to_article(html: str) -> ArticleText:
    """The main text of a page (trafilatura), with its title and date when the page says."""
    if len(html) > MAX_UPLOAD_BYTES:
        raise InputTooLarge(f"The page is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    body = (document.text or "") if document is not None else ""
    if not body.strip():
        raise NotAnArticle("No article text was found in this page.")
    title = (document.title or "") if document is not None else ""
    return ArticleText(check_article(body), title, _parse_date(document.date if document else None))


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
