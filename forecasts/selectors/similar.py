"""Open questions like the one an editor is about to create, most similar first.

Used wherever a question is about to be created (the admin's prediction form, the API's
`new_question` and `GET /api/questions/?similar_to=`, extraction confirm, the CSV import's
`--suggest` report), so the editor can attach the prediction to an existing question instead.

Similarity is the title's trigram similarity (pg_trgm's measure: shared three-letter
sequences of the words over all of them), plus a bonus for a deadline near the one given and
for a shared topic. On PostgreSQL the candidates are found by indexes: the nearest titles by
trigram distance (kept when their similarity is at least 0.3, pg_trgm's default threshold)
and the titles holding all the words (full text, english stemming: "strikes" finds
"strike"). On SQLite the same measure is computed in Python over open questions sharing a word
with the text, and a title holding all its words (plurals folded) is kept too. On both, a
title near by trigrams must also share a word that says what it is about (not "will", "by",
a month or a number): "Will … by 31 December 2027?" alone made unrelated titles similar.
"""

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet

from forecasts.models import Question

MIN_SIMILARITY = 0.3  # pg_trgm's default similarity_threshold
NEAR_DEADLINE_DAYS = 31
DEADLINE_BONUS = 0.15
TOPIC_BONUS = 0.1
CANDIDATES = 50  # ranked by title first; the bonuses reorder these
_WORD = re.compile(r"\w+")
# The words a query's "all its words" test ignores, as PostgreSQL's english full text does.
STOP_WORDS = frozenset(
    """will the a an of by in on to be before end is are and or for at its it with from has
    have had than this that these those was were not but into over after who what which""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class SimilarQuestion:
    question: Question
    title_similarity: float
    score: float


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lower-cased word padded with two spaces before, one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def similar_questions(
    text: str,
    *,
    deadline: dt.date | None = None,
    topic_ids: Iterable[int] = (),
    limit: int = 5,
    exclude_ids: Sequence[int] = (),
) -> list[SimilarQuestion]:
    """The open questions most like `text` (a title), best first, at most `limit`."""
    text = " ".join(text.replace("\x00", "").split())[:500]
    if not text:
        return []
    # `title <> ''` (always true) matches the predicate of the open-titles index
    # (migration 0007), which only this lookup is meant to read.
    open_questions = (
        Question.objects.filter(status=Question.Status.OPEN)
        .exclude(title="")
        .exclude(pk__in=exclude_ids)
    )
    if connection.vendor == "postgresql":
        found = _postgres_candidates(open_questions, text)
    else:
        found = _plain_candidates(open_questions, text)
    topics = set(topic_ids)
    if topics:
        shared = set(
            Question.topics.through.objects.filter(
                question_id__in=[q.pk for q, _ in found], topic_id__in=topics
            ).values_list("question_id", flat=True)
        )
    else:
        shared = set()
    ranked = [
        SimilarQuestion(question, similarity, _score(question, similarity, deadline, shared))
        for question, similarity in found
    ]
    ranked.sort(key=lambda s: (-s.score, s.question.deadline, s.question.pk))
    return ranked[:limit]


def _score(question: Question, similarity: float, deadline: dt.date | None, shared: set) -> float:
    score = similarity
    if deadline is not None and abs((question.deadline - deadline).days) <= NEAR_DEADLINE_DAYS:
        score += DEADLINE_BONUS
    if question.pk in shared:
        score += TOPIC_BONUS
    return round(score, 4)


# Written as the expressions the indexes of migrations 0006-0007 are built on: UPPER(title::text)
# with gist_trgm_ops (nearest first) and gin_trgm_ops, and to_tsvector('english', title).
_TITLE = '"forecasts_question"."title"'
TITLE_SIMILARITY_SQL = f"similarity(UPPER({_TITLE}::text), UPPER(%s))"
TITLE_DISTANCE_SQL = f"UPPER({_TITLE}::text) <-> UPPER(%s)"
TITLE_WORDS_SQL = f"to_tsvector('english', {_TITLE}) @@ plainto_tsquery('english', %s)"
TITLE_MATCH_SQL = f"(UPPER({_TITLE}::text) %% UPPER(%s) OR {TITLE_WORDS_SQL})"


def title_matches(questions: QuerySet, text: str) -> QuerySet:
    """Questions whose title is trigram-similar to `text` or contains its words (PostgreSQL)."""
    return questions.extra(  # noqa: S610 - constant SQL; the text is a bound parameter
        select={"title_similarity": TITLE_SIMILARITY_SQL},
        select_params=[text],
        where=[TITLE_MATCH_SQL],
        params=[text, text],
    )


def _postgres_candidates(questions: QuerySet, text: str) -> list[tuple[Question, float]]:
    """The nearest titles by trigram distance (a GiST scan that stops after CANDIDATES rows:
    the `%` filter alone matched thousands of look-alike titles and sorted them all), and the
    titles containing all the text's words (full text, english stems)."""
    columns = ("id", "title", "deadline", "status")
    similarity = {"title_similarity": TITLE_SIMILARITY_SQL}
    nearest = questions.extra(  # noqa: S610 - constant SQL; the text is a bound parameter
        select={**similarity, "title_distance": TITLE_DISTANCE_SQL},
        select_params=[text, text],
        order_by=["title_distance"],
    ).only(*columns)[:CANDIDATES]
    worded = questions.extra(  # noqa: S610 - constant SQL; the text is a bound parameter
        select=similarity, select_params=[text], where=[TITLE_WORDS_SQL], params=[text]
    ).only(*columns)[:CANDIDATES]
    by_words = list(worded)
    found = {q.pk: q for q in [*nearest, *by_words]}
    all_words = {q.pk for q in by_words}
    scored = [(q, round(float(q.title_similarity), 4)) for q in found.values()]
    wanted = content_words(text)
    kept = [
        (q, s)
        for q, s in scored
        if (s >= MIN_SIMILARITY and _shares_content(wanted, q.title)) or q.pk in all_words
    ]
    kept.sort(key=lambda item: (-item[1], item[0].deadline, item[0].pk))
    return kept[:CANDIDATES]


_MONTHS = frozenset(
    """january february march april may june july august september october november
    december""".split()  # noqa: SIM905
)


def content_words(text: str) -> set[str]:
    """The words that say what a title is about: not "will", "by", a month or a number.
    Two titles alike only in "Will … by 31 December 2027?" are not similar questions."""
    return {
        form
        for word in _WORD.findall(text.lower())
        if word not in STOP_WORDS and word not in _MONTHS and not word.isdigit() and len(word) > 2
        for form in _forms(word)
    }


def _shares_content(wanted: set[str], title: str) -> bool:
    return not wanted or bool(wanted & content_words(title))


def _forms(word: str) -> set[str]:
    """The word and the singulars it may be the plural of ("treaties" → "treaty", "buses" →
    "bus", "causes" → "cause"): a query word matches a title word when they share one, as
    PostgreSQL's english stemming folds them. Words of four letters or fewer are left whole
    ("news" is not "new")."""
    forms = {word}
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        forms.add(word[:-1])
        if word.endswith("es"):
            forms.add(word[:-2])
        if word.endswith("ies"):
            forms.add(word[:-3] + "y")
    return forms


def _plain_candidates(questions: QuerySet, text: str) -> list[tuple[Question, float]]:
    """Open questions sharing a word with the text, kept when trigram-similar or holding all
    of its words (as on PostgreSQL: a short query is far from a long title by trigrams)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2]
    if not words:
        return []
    any_word = Q()
    for word in list(dict.fromkeys(words))[:10]:  # the first ten, in the order typed
        # What every form of the word starts with: "treat" finds "treaty" and "treaties".
        any_word |= Q(title__icontains=os.path.commonprefix(sorted(_forms(word))))
    rows = questions.filter(any_word).only("id", "title", "deadline", "status")[:2000]
    wanted = [_forms(w) for w in set(words)]
    content = content_words(text)
    kept = []
    for question in rows:
        similarity = trigram_similarity(question.title, text)
        title_forms = set().union(*(_forms(w) for w in _WORD.findall(question.title.lower())))
        near = similarity >= MIN_SIMILARITY and _shares_content(content, question.title)
        if near or all(forms & title_forms for forms in wanted):
            kept.append((question, round(similarity, 4)))
    kept.sort(key=lambda item: (-item[1], item[0].deadline, item[0].pk))
    return kept[:CANDIDATES]
