"""Precision and recall of claim detection and speaker attribution on annotated articles.

    python -m forecasts.extraction.evaluate tests/fixtures/articles

Each NAME.txt has a NAME.json: {"published_on", "claims": [{"speaker", "key"}], "absent":
[phrases no candidate's claim may contain], "error": 422 when the text must be refused}. A candidate
detects an expected claim when the expected key phrase occurs in the candidate's claim; the
speaker counts when it equals the expected name (case-insensitive).
"""

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from forecasts.extraction.candidates import Candidate
from forecasts.extraction.errors import ExtractionInputError


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


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    directory = Path(argv[0] if argv else "tests/fixtures/articles")
    print(report(directory))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
