"""The assistant's entry points: read an input, propose candidates. Saves nothing."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from forecasts.extraction.attribution import Utterance, attribute
from forecasts.extraction.candidates import Candidate, build_candidates
from forecasts.extraction.errors import ExtractionInputError, NotAnArticle
from forecasts.extraction.fetching import fetch_url
from forecasts.extraction.sentences import parse_document
from forecasts.extraction.text import ArticleText, check_article, decode_upload, html_to_article
from forecasts.extraction.unproposed import Unproposed, sentences_to_check


@dataclass(frozen=True)
class Extraction:
    article: ArticleText
    candidates: list[Candidate]  # forecasts, for an editor to confirm
    url: str = ""
    plans: list[Candidate] = field(default_factory=list)  # speakers' own announced actions
    # forward-looking sentences nothing was proposed from (plans' included), for the editor
    to_check: list[Unproposed] = field(default_factory=list)


def read_input(
    *,
    text: str | None = None,
    html: str | bytes | None = None,
    url: str | None = None,
) -> tuple[ArticleText, str]:
    """(checked article text, fetched URL or "") from exactly one of text, html or url."""
    given = [name for name, value in (("text", text), ("html", html), ("url", url)) if value]
    if len(given) != 1:
        empty = [n for n, v in (("text", text), ("html", html), ("url", url)) if v is not None]
        raise ExtractionInputError(
            "Give exactly one of `text`, `html` or `url`"
            + (f" (got {', '.join(given)})." if given else ".")
            + (f" `{empty[0]}` is empty." if not given and empty else ""),
            field=empty[0] if not given and empty else "",
        )
    if text:
        return ArticleText(check_article(text)), ""
    if html:
        return html_to_article(decode_upload(html) if isinstance(html, bytes) else html), ""
    page = fetch_url(url or "")
    if page.content_type == "text/plain":
        return ArticleText(check_article(page.text)), page.url
    return html_to_article(page.text), page.url


def extract_candidates(
    text: str, *, published_on: dt.date | None = None, horizon_days: int | None = None
) -> list[Candidate]:
    """Candidate predictions in an article's text, in reading order, one per claim."""
    found = extract_claims(text, published_on=published_on, horizon_days=horizon_days)
    return [c for c in found if c.kind == "forecast"]


def extract_claims(
    text: str, *, published_on: dt.date | None = None, horizon_days: int | None = None
) -> list[Candidate]:
    """Every forward-looking claim with a speaker, forecasts and plans (`kind`), in order."""
    return _read(text, published_on, horizon_days).claims


@dataclass(frozen=True)
class _Reading:
    claims: list[Candidate]  # forecasts and plans, each claim once
    utterances: list[Utterance]  # every sentence with its speaker, what they were read from
    repeated: frozenset[int]  # sentences whose only forecast repeats an earlier claim

    def to_check(self) -> list[Unproposed]:
        return sentences_to_check(self.utterances, self.claims, self.repeated)


def _read(text: str, published_on: dt.date | None, horizon_days: int | None) -> _Reading:
    published = published_on or timezone.localdate()
    horizon = horizon_days or settings.EXTRACTION_DEFAULT_HORIZON_DAYS
    seen: set[tuple[str, str]] = set()
    candidates = []
    antecedents: dict[str, str] = {}  # per speaker, what their last claim was about
    repeated: set[int] = set()
    utterances = attribute(parse_document(text))
    for utterance in utterances:
        for candidate in build_candidates(
            utterance,
            published=published,
            horizon_days=horizon,
            article=text,
            antecedents=antecedents,
        ):
            key = (candidate.speaker, candidate.claim.lower())
            if key not in seen:
                seen.add(key)
                candidates.append(candidate)
            elif candidate.kind == "forecast":
                repeated.add(candidate.sentence_index)
    return _Reading(candidates, utterances, frozenset(repeated))


def for_review(
    text: str, *, published_on: dt.date | None = None
) -> tuple[list[Candidate], list[Unproposed]]:
    """The forecast candidates and the sentences to check beside them (the admin's page)."""
    reading = _read(text, published_on, None)
    return [c for c in reading.claims if c.kind == "forecast"], reading.to_check()


def extract(
    *,
    text: str | None = None,
    html: str | bytes | None = None,
    url: str | None = None,
    published_on: dt.date | None = None,
) -> Extraction:
    """Read the input and propose candidates; the article's own date wins over none."""
    article, fetched = read_input(text=text, html=html, url=url)
    published = published_on or article.published_on
    reading = _read(article.text, published, None)
    return Extraction(
        article,
        [c for c in reading.claims if c.kind == "forecast"],
        fetched,
        [c for c in reading.claims if c.kind == "plan"],
        reading.to_check(),
    )


__all__ = [
    "Extraction",
    "ExtractionInputError",
    "NotAnArticle",
    "extract",
    "extract_candidates",
    "for_review",
]
