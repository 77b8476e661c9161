"""Precision and recall of claim detection and speaker attribution on annotated articles.

    python -m forecasts.extraction.evaluate             # every corpus found, else the fixtures
    python -m forecasts.extraction.evaluate --corpus lee --dev-detail
    python -m forecasts.extraction.evaluate tests/fixtures/articles

Each news corpus (forecasts/extraction/corpus.py: the Wikinews articles of ../shared, and the
Lee corpus of ABC stories once `python -m forecasts.extraction.lee_corpus` has written it) is
scored on all its splits whenever its texts are found, the held-out splits as totals only.
The fixtures are our own articles: each NAME.txt has a NAME.json: {"published_on", "claims":
[{"speaker", "key"}], "absent": [phrases no candidate's claim may contain], "error": 422 when
the text must be refused}. A candidate detects an expected claim when the expected key phrase
occurs in the candidate's claim; the speaker counts when it equals the expected name
(case-insensitive).
"""

import argparse
import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from forecasts.extraction import corpus
from forecasts.extraction.candidates import Candidate
from forecasts.extraction.errors import ExtractionInputError

FIXTURES = corpus.REPO / "tests" / "fixtures" / "articles"


@dataclass
class Score:
    candidates: int = 0
    expected: int = 0
    detected_candidates: int = 0  # candidates that match some expected claim
    detected_claims: int = 0  # expected claims matched by some candidate
    attributed_candidates: int = 0  # ... and whose speaker is right
    attributed_claims: int = 0
    absent_violations: list[str] = field(default_factory=list)
    refused_as_expected: bool | None = None

    def add(self, other: "Score") -> None:
        for name in ("candidates", "expected", "detected_candidates", "detected_claims"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.attributed_candidates += other.attributed_candidates
        self.attributed_claims += other.attributed_claims
        self.absent_violations += other.absent_violations


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _matches(candidate: Candidate, key: str) -> bool:
    # The claim, not the quote: a quote holding two claims must not score twice.
    return key.lower() in candidate.claim.lower()


def score_article(candidates: list[Candidate], expected: dict) -> Score:
    claims = expected.get("claims", [])
    score = Score(candidates=len(candidates), expected=len(claims))
    for candidate in candidates:
        hits = [c for c in claims if _matches(candidate, c["key"])]
        score.detected_candidates += bool(hits)
        score.attributed_candidates += any(
            c["speaker"].lower() == candidate.speaker.lower() for c in hits
        )
    for claim in claims:
        hits = [c for c in candidates if _matches(c, claim["key"])]
        score.detected_claims += bool(hits)
        score.attributed_claims += any(c.speaker.lower() == claim["speaker"].lower() for c in hits)
    for phrase in expected.get("absent", []):
        if any(_matches(c, phrase) for c in candidates):
            score.absent_violations.append(phrase)
    return score


def evaluate_file(path: Path) -> tuple[Score, list[Candidate]]:
    from forecasts.extraction.service import extract_candidates
    from forecasts.extraction.text import check_article

    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    published = dt.date.fromisoformat(expected["published_on"])
    try:
        text = check_article(path.read_text(encoding="utf-8"))
    except ExtractionInputError as exc:
        score = score_article([], expected)
        score.refused_as_expected = exc.status == expected.get("error")
        return score, []
    candidates = extract_candidates(text, published_on=published, horizon_days=365)
    score = score_article(candidates, expected)
    if expected.get("error"):
        score.refused_as_expected = False
    return score, candidates


def _row(name: str, s: Score) -> str:
    return (
        f"| {name} | {s.expected} | {s.candidates} | "
        f"{_ratio(s.detected_candidates, s.candidates):.2f} | "
        f"{_ratio(s.detected_claims, s.expected):.2f} | "
        f"{_ratio(s.attributed_candidates, s.candidates):.2f} | "
        f"{_ratio(s.attributed_claims, s.expected):.2f} |"
    )


def report(directory: Path) -> str:
    """A Markdown table: per article and in total."""
    lines = [
        "| article | expected claims | candidates | claim precision | claim recall "
        "| speaker precision | speaker recall |",
        "|---|---|---|---|---|---|---|",
    ]
    total, notes = Score(), []
    for path in sorted(directory.glob("*.txt")):
        score, _ = evaluate_file(path)
        if score.refused_as_expected is not None:
            verdict = "refused as expected" if score.refused_as_expected else "NOT refused"
            notes.append(f"- {path.stem}: {verdict}")
            continue
        total.add(score)
        lines.append(_row(path.stem, score))
        if score.absent_violations:
            notes.append(f"- {path.stem}: proposed {score.absent_violations}")
    lines.append(_row("**all**", total))
    return "\n".join(lines + [""] + notes)


def _extractor(text: str, published: dt.date) -> list[Candidate]:
    from forecasts.extraction.service import extract_candidates

    return extract_candidates(text, published_on=published, horizon_days=365)


def _split_row(name: str, s: "corpus.SplitScore") -> str:
    return (
        f"| {name} | {s.articles} | {s.forecasts} | {s.found} | {s.candidates} | {s.matched} "
        f"| {s.attributed} | {s.on_plans} | {s.recall:.2f} | {s.precision:.2f} "
        f"| {s.attribution:.2f} |"
    )


def _dev_detail(results: list) -> list[str]:
    """What went wrong on each development article: misses, wrong candidates, speakers."""
    lines = []
    for r in results:
        problems = [f"  missed [{i['speakers'][:1]}] {i['key']!r}" for i in r.missed]
        problems += [f"  wrong ({why}) [{c.speaker}] {c.claim!r}" for c, why in r.wrong]
        problems += [
            f"  speaker {c.speaker!r}, annotated {i['speakers']} for {i['key']!r}"
            for c, i in r.misattributed
        ]
        if problems:
            lines += [f"- {r.id}"] + problems
    return lines


def corpus_report(
    path: Path,
    *,
    dev_detail: bool = False,
    annotations: Path = corpus.ANNOTATIONS,
    splits: tuple[str, ...] = corpus.SPLITS,
    dev_splits: tuple[str, ...] = corpus.DEV_SPLITS,
    described_rows: bool = False,
) -> str:
    """Both splits' totals (and, on request, the development split's detail), and the time
    per article over the whole corpus. Held-out results are never shown per article.
    `described_rows`: also each split by the news-dev rules, without the forecasts of groups
    the story only describes (corpus.DESCRIBED_SPEAKERS), when that list is there."""
    articles = corpus.load_articles(path)
    lines = [
        f"Corpus: {path} ({len(articles)} articles)",
        "",
        "| split | articles | forecasts | found | candidates | matched | right speaker "
        "| on plans | recall | precision | attribution |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    detail: list[str] = []
    checks: list[str] = []
    for split in [s for s in splits if (annotations / f"{s}.jsonl").exists()]:
        total, results = corpus.score_split(split, articles, _extractor, annotations)
        lines.append(_split_row(split, total))
        if described_rows and corpus.load_described(annotations):
            named, _ = corpus.score_split(split, articles, _extractor, annotations, named_only=True)
            lines.append(_split_row(f"{split}, named speakers only", named))
        if split in dev_splits and dev_detail:
            detail += _dev_detail(results)
        del results  # held-out detail goes no further than its totals
        checks.append(_coverage_row(split, articles, annotations, described_rows))
    seconds = corpus.time_all(articles, _extractor)
    lines += [
        "",
        "With the sentences to check (forecasts placed by sentence; by the news-dev rules "
        "where a list of described speakers is kept):",
        "",
        "| split | forecasts | in a candidate's sentence | in a sentence to check | together "
        "| sentences to check per article |",
        "|---|---|---|---|---|---|",
        *checks,
        "",
        f"Time per article over all {len(seconds)}: mean {1000 * sum(seconds) / len(seconds):.1f}"
        f" ms, max {1000 * max(seconds):.1f} ms",
    ]
    return "\n".join(lines + ([""] + detail if detail else []))


def _coverage_row(split: str, articles: dict[str, str], annotations: Path, named: bool) -> str:
    """How many forecasts the editor meets: in a candidate's sentence, or in one listed to
    check (unproposed.py). Totals only, held-out splits included."""
    from forecasts.extraction.agreement import place
    from forecasts.extraction.sentences import parse_document
    from forecasts.extraction.service import for_review
    from forecasts.extraction.text import check_article

    described = corpus.load_described(annotations) if named else []
    rows = corpus.load_annotations(split, annotations)
    forecasts = proposed = listed = to_check = 0
    for row in rows:
        try:
            text = check_article(articles[row["id"]])
        except ExtractionInputError:
            continue
        sentences = [corpus.normalise(s.text) for s in parse_document(text).sentences]
        candidates, unproposed = for_review(text, published_on=corpus.nominal_date(text))
        in_candidates = {c.sentence_index for c in candidates}
        in_listed = {u.sentence_index for u in unproposed}
        to_check += len(unproposed)
        items = corpus.by_named_rule(row["items"], described)
        for item in place([i for i in items if i["kind"] == "forecast"], sentences):
            forecasts += 1
            proposed += item.sentence in in_candidates
            listed += item.sentence in in_listed
    return (
        f"| {split} | {forecasts} | {_ratio(proposed, forecasts):.2f} "
        f"| {_ratio(listed, forecasts):.2f} | {_ratio(proposed + listed, forecasts):.2f} "
        f"| {to_check / len(rows) if rows else 0:.1f} |"
    )


def heldout_titles(
    path: Path, annotations: Path = corpus.ANNOTATIONS, split: str = "heldout"
) -> str:
    """The question titles of the held-out candidates that match a forecast, and nothing else
    from that split: for the final hand judgement of whether a reviewer could resolve them."""
    articles = corpus.load_articles(path)
    _, results = corpus.score_split(split, articles, _extractor, annotations)
    titles = [c.question_title for r in results for c in r.matched]
    return "\n".join(f"{n}. {t}" for n, t in enumerate(titles, start=1))


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m forecasts.extraction.evaluate",
        description="Score the extraction assistant: on the annotated news corpus when its "
        "texts are present (both splits; held-out as totals only), else on the fixtures.",
    )
    parser.add_argument("fixtures", nargs="?", help="a fixture directory: score it instead")
    parser.add_argument(
        "--corpus",
        choices=sorted(corpus.CORPORA),
        help="score this corpus alone (default: every corpus whose texts are found)",
    )
    parser.add_argument(
        "--articles",
        help="the articles.jsonl of the one corpus scored (with no --corpus, the news one; "
        "default for news: "
        "EXTRACTION_CORPUS, else ../shared/data/news-dev/articles.jsonl; for lee: LEE_CORPUS, "
        "else var/lee/articles.jsonl)",
    )
    parser.add_argument(
        "--dev-detail",
        action="store_true",
        help="also list each development article's misses and wrong candidates",
    )
    parser.add_argument(
        "--dev-only",
        action="store_true",
        help="score the development splits alone (while tuning: the held-out ones stay unseen)",
    )
    parser.add_argument(
        "--heldout-titles",
        nargs="?",
        const="heldout",
        choices=[s for c in corpus.CORPORA.values() for s in c.heldout_splits],
        help="only the titles of matched held-out candidates (final judgement)",
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    args = _arguments(argv)
    if args.heldout_titles:
        chosen = [c for c in corpus.CORPORA.values() if args.heldout_titles in c.splits]
    elif args.corpus or args.articles:
        chosen = [corpus.CORPORA[args.corpus or "news"]]  # --articles alone: the news corpus
    else:
        chosen = list(corpus.CORPORA.values())
    given = args.articles if len(chosen) == 1 else None
    found = [(c, c.articles_path(given)) for c in chosen]
    found = [(c, path) for c, path in found if path.exists()]
    if args.fixtures or not found:
        if not args.fixtures:
            print(
                f"No corpus at {', '.join(str(c.articles_path(given)) for c in chosen)}: "
                "the fixture check instead.\n"
            )
        print(report(Path(args.fixtures or FIXTURES)))
        return 0
    if args.heldout_titles:
        print(heldout_titles(found[0][1], split=args.heldout_titles))
        return 0
    reports = [
        corpus_report(
            path,
            dev_detail=args.dev_detail,
            splits=c.dev_splits if args.dev_only else c.splits,
            dev_splits=c.dev_splits,
            described_rows=c is corpus.LEE,
        )
        for c, path in found
    ]
    print("\n\n".join(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
