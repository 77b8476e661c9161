"""How far two careful people agree on what a story forecasts: the ceiling any extractor meets.

    python -m forecasts.extraction.agreement

The Lee stories of `lee-dev` and `lee-heldout` were annotated twice, by people who never saw
each other's work, the rules or their output: `lee-dev.jsonl` and `lee-heldout.jsonl` first,
`lee-dev-second.jsonl` and `lee-heldout-second.jsonl` later (annotations/README.md).

Two people seldom pick the same key phrase for one statement, so the comparison is by sentence:
an item stands for the sentence its key is in. The second annotation is scored against the
first the way the extractor is (corpus.py), with the sentence in place of the claim:
- recall: first-annotation forecasts whose sentence holds a second-annotation forecast;
- precision: second-annotation forecasts whose sentence holds a first-annotation forecast;
- attribution: of those, the ones where the two share a speaker's name.
The extractor is scored the same way (its candidate's sentence), so that the three rows compare
like with like; its usual figures (a claim containing the key) are printed beside them. Kinds
are compared sentence by sentence, with Cohen's kappa. Held-out splits give totals only.
"""

import datetime as dt
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from forecasts.extraction import corpus

KINDS = ("forecast", "plan", "narrator", "none")
# A sentence holding items of several kinds counts as its strongest one.
_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
PAIRS = (("lee-dev", "lee-dev-second"), ("lee-heldout", "lee-heldout-second"))


@dataclass(frozen=True)
class Marked:
    """An item, or a candidate, placed in its sentence."""

    sentence: int | None  # None: its key is in no one sentence (the headline, or across two)
    kind: str
    speakers: frozenset[str]


@dataclass
class Agreement(corpus.SplitScore):
    """A split's score with sentences in place of claims: `forecasts` in the reference
    annotation, `found` by the other's; the other's forecasts (or the extractor's candidates)
    as `candidates`, `matched` when their sentence holds a reference forecast; recall,
    precision and attribution as SplitScore defines them."""

    unplaced: int = 0  # items whose key lies in no one sentence (left out of both counts)

    @property
    def reference(self) -> int:
        return self.forecasts

    @property
    def proposed(self) -> int:
        return self.candidates

    def add(self, other: "corpus.SplitScore") -> None:
        super().add(other)
        self.unplaced += getattr(other, "unplaced", 0)


def sentences_of(text: str) -> list[str]:
    """The story's sentences as the extractor numbers them (Candidate.sentence_index)."""
    from forecasts.extraction.errors import ExtractionInputError
    from forecasts.extraction.sentences import parse_document
    from forecasts.extraction.text import check_article

    try:
        checked = check_article(text)
    except ExtractionInputError:
        return []  # a story the assistant refuses: its items are placed nowhere
    return [corpus.normalise(s.text) for s in parse_document(checked).sentences]


def place(items: list[dict], sentences: list[str]) -> list[Marked]:
    marked = []
    for item in items:
        key = corpus.normalise(item["key"])
        where = next((n for n, s in enumerate(sentences) if key in s), None)
        names = frozenset(corpus.normalise(s) for s in item["speakers"])
        marked.append(Marked(where, item["kind"], names))
    return marked


def compare(reference: list[Marked], other: list[Marked]) -> Agreement:
    """`other`'s forecasts scored against `reference`, sentence by sentence."""
    score = Agreement(unplaced=sum(m.sentence is None for m in reference + other))
    wanted = [m for m in reference if m.kind == "forecast" and m.sentence is not None]
    given = [m for m in other if m.kind == "forecast" and m.sentence is not None]
    score.forecasts, score.candidates = len(wanted), len(given)
    score.found = sum(any(g.sentence == w.sentence for g in given) for w in wanted)
    for g in given:
        hits = [w for w in wanted if w.sentence == g.sentence]
        score.matched += bool(hits)
        score.attributed += any(g.speakers & w.speakers for w in hits)
        score.on_plans += not hits and any(
            m.sentence == g.sentence and m.kind == "plan" for m in reference
        )
    return score


def sentence_kinds(marked: list[Marked]) -> dict[int, str]:
    kinds: dict[int, str] = {}
    for m in marked:
        if m.sentence is not None:
            best = kinds.get(m.sentence, "none")
            kinds[m.sentence] = min(best, m.kind, key=_RANK.__getitem__)
    return kinds


def kappa(table: Counter) -> float:
    """Cohen's kappa of a {(first kind, second kind): sentences} table."""
    total = sum(table.values())
    if not total:
        return 1.0
    observed = sum(n for (a, b), n in table.items() if a == b) / total
    first = Counter()
    second = Counter()
    for (a, b), n in table.items():
        first[a] += n
        second[b] += n
    expected = sum(first[k] * second[k] for k in KINDS) / total**2
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def _extract(text: str, published: dt.date) -> list:
    from forecasts.extraction.service import extract_candidates

    return extract_candidates(text, published_on=published, horizon_days=365)


def candidates_marked(text: str) -> tuple[list[Marked], list]:
    """The extractor's candidates, run as the evaluator runs it, each placed in its sentence."""
    candidates, _ = corpus.run_extractor(_extract, text)
    marked = [
        Marked(c.sentence_index, "forecast", frozenset({corpus.normalise(c.speaker)}))
        for c in candidates
    ]
    return marked, candidates


@dataclass
class PairResult:
    split: str
    stories: int
    second: Agreement  # the second annotation against the first
    first: Agreement  # the first against the second
    extractor: Agreement  # the extractor's candidates against the first, by sentence
    contained: "corpus.SplitScore"  # the extractor's usual score (a claim containing the key)
    kinds: Counter  # (first kind, second kind) per sentence either marked


def compare_split(
    split: str,
    second: str,
    articles: dict[str, str],
    annotations: Path = corpus.ANNOTATIONS,
    marker: Callable[[str], tuple[list[Marked], list]] = candidates_marked,
) -> PairResult:
    firsts = {row["id"]: row["items"] for row in corpus.load_annotations(split, annotations)}
    seconds = {row["id"]: row["items"] for row in corpus.load_annotations(second, annotations)}
    if set(firsts) != set(seconds):
        raise ValueError(f"{second} does not annotate the same stories as {split}")
    result = PairResult(
        split, len(firsts), Agreement(), Agreement(), Agreement(), corpus.SplitScore(), Counter()
    )
    for story, items in firsts.items():
        sentences = sentences_of(articles[story])
        a, b = place(items, sentences), place(seconds[story], sentences)
        result.second.add(compare(a, b))
        result.first.add(compare(b, a))
        marked, candidates = marker(articles[story])
        result.extractor.add(compare(a, marked))
        result.contained.add(corpus.score_article(story, items, candidates).score)
        kinds_a, kinds_b = sentence_kinds(a), sentence_kinds(b)
        for n in set(kinds_a) | set(kinds_b):
            result.kinds[kinds_a.get(n, "none"), kinds_b.get(n, "none")] += 1
    return result


def _row(name: str, s: Agreement) -> str:
    return (
        f"| {name} | {s.reference} | {s.found} | {s.proposed} | {s.matched} | {s.attributed} "
        f"| {s.on_plans} | {s.recall:.2f} | {s.precision:.2f} | {s.attribution:.2f} |"
    )


def report(result: PairResult) -> str:
    c = result.contained
    lines = [
        f"### {result.split}: {result.stories} stories, annotated twice",
        "",
        "| against the first annotation | its forecasts | found | proposed | matched "
        "| same speaker | on its plans | recall | precision | attribution |",
        "|---|---|---|---|---|---|---|---|---|---|",
        _row("second annotation", result.second),
        _row("extractor, by sentence", result.extractor),
        f"| extractor, claim contains key | {c.forecasts} | {c.found} | {c.candidates} "
        f"| {c.matched} | {c.attributed} | {c.on_plans} | {c.recall:.2f} | {c.precision:.2f} "
        f"| {c.attribution:.2f} |",
        "",
        "| against the second annotation | its forecasts | found | proposed | matched "
        "| same speaker | on its plans | recall | precision | attribution |",
        "|---|---|---|---|---|---|---|---|---|---|",
        _row("first annotation", result.first),
        "",
        f"Kinds of the {sum(result.kinds.values())} sentences either annotation marked "
        f"(rows: first, columns: second); Cohen's kappa over those sentences (the ones both "
        f"left alone are not counted) {kappa(result.kinds):.2f}:",
        "",
        "| | " + " | ".join(KINDS) + " |",
        "|---" * (len(KINDS) + 1) + "|",
    ]
    for a in KINDS:
        lines.append(f"| {a} | " + " | ".join(str(result.kinds[a, b]) for b in KINDS) + " |")
    unplaced = result.second.unplaced
    lines += ["", f"Items whose key lies in no one sentence (not counted): {unplaced}."]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    path = corpus.LEE.articles_path(argv[0] if argv else None)
    if not path.exists():
        print(f"No Lee corpus at {path}: run python -m forecasts.extraction.lee_corpus first.")
        return 1
    articles = corpus.load_articles(path)
    print("\n\n".join(report(compare_split(a, b, articles)) for a, b in PAIRS))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
