"""Which sentences become candidates, attributed to whom, with which probability.

The fixture articles (tests/fixtures/articles) are written for these tests in several outlets'
styles; each has a sidecar JSON of the claims an editor would expect.
"""

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from forecasts.extraction.candidates import Candidate
from forecasts.extraction.evaluate import evaluate_file, report
from forecasts.extraction.service import extract_candidates
from tests.paths import FIXTURES

ARTICLES = FIXTURES / "articles"
ANNOTATED = sorted(
    p
    for p in ARTICLES.glob("*.txt")
    if not json.loads(p.with_suffix(".json").read_text()).get("error")
)


def candidates_of(name: str) -> list[Candidate]:
    meta = json.loads((ARTICLES / f"{name}.json").read_text())
    text = (ARTICLES / f"{name}.txt").read_text()
    return extract_candidates(text, published_on=dt.date.fromisoformat(meta["published_on"]))


def find(candidates: list[Candidate], key: str) -> Candidate:
    found = [c for c in candidates if key in c.claim]
    assert len(found) == 1, f"{key!r} in {[c.claim for c in candidates]}"
    return found[0]


# --- The seed article's structure, retold in our own words -----------------------------------


@pytest.fixture(scope="module")
def seed() -> list[Candidate]:
    return candidates_of("seed_retelling")


@pytest.mark.parametrize(
    ("key", "probability", "basis"),
    [
        ("pull away from Moscow and draw nearer to Ankara", 0.95, "bare_assertion"),
        ("move away from Russia and bring its policy ever closer to Turkey", 0.80, "verbal"),
        ("Moscow will keep up its pressure on Baku", 0.80, "verbal"),
        ("this will bring a fresh round of tension", 0.70, "verbal"),
        ("Russia is unable to turn Armenia against Azerbaijan", 0.05, "bare_assertion"),
    ],
)
def test_each_forward_looking_claim_of_the_expert_is_proposed_and_attributed_to_him(
    seed: list[Candidate], key: str, probability: float, basis: str
) -> None:
    candidate = find(seed, key)
    assert candidate.speaker == "Ruben Megrabyan"
    assert (candidate.probability, candidate.basis) == (probability, basis)
    assert candidate.question_title.startswith("Will ")
    assert candidate.question_title.endswith("?")
    assert candidate.resolution_criteria.startswith("YES if")


@pytest.mark.parametrize(
    "fact",
    ["Aktau", "Thirty-eight", "25 May", "sue Russia", "prepared for", "No country", "carry on"],
)
def test_reported_facts_contingency_and_maxims_are_not_proposed(
    seed: list[Candidate], fact: str
) -> None:
    assert not [c for c in seed if fact in c.claim or fact in c.quote]


def test_a_president_quoted_inside_the_experts_account_does_not_take_his_claims(
    seed: list[Candidate],
) -> None:
    assert {c.speaker for c in seed} == {"Ruben Megrabyan"}


def test_the_suggested_deadline_defaults_to_the_horizon_after_publication(
    seed: list[Candidate], settings
) -> None:
    candidate = find(seed, "keep up its pressure")
    published = dt.date(2025, 5, 28)
    horizon = dt.timedelta(days=settings.EXTRACTION_DEFAULT_HORIZON_DAYS)
    assert candidate.suggested_deadline == (published + horizon).isoformat()
    assert "28 May 2026" in candidate.question_title


# --- Every fixture article: what is expected is found, what is not is not ---------------------


@pytest.mark.parametrize("path", ANNOTATED, ids=lambda p: p.stem)
def test_fixture_claims_are_found_with_their_speakers_and_nothing_else(path: Path) -> None:
    score, candidates = evaluate_file(path)
    assert score.detected_claims == score.expected, [c.claim for c in candidates]
    assert score.attributed_claims == score.expected, [(c.speaker, c.claim) for c in candidates]
    assert score.detected_candidates == score.candidates, [c.claim for c in candidates]
    assert score.absent_violations == []


def test_the_non_english_fixture_is_refused() -> None:
    score, _ = evaluate_file(ARTICLES / "non_english.txt")
    assert score.refused_as_expected is True


def test_the_evaluation_report_is_a_markdown_table_with_a_total_row() -> None:
    table = report(ARTICLES)
    assert "| **all** |" in table
    assert "| claim precision |" in table


# --- Rules, one at a time ----------------------------------------------------------------------

LEAD = "Harbour Notes\nThe council met on Monday in the old town hall to discuss the budget.\n"


def run(body: str) -> list[Candidate]:
    return extract_candidates(LEAD + body, published_on=dt.date(2026, 1, 10), horizon_days=365)


def test_the_narrators_schedule_is_not_a_prediction() -> None:
    assert run("The assembly will vote on the plan on 19 March.") == []


def test_he_resolves_to_the_last_speaker_not_the_last_name_mentioned() -> None:
    found = run(
        "Analyst Vera Ostrova said the vote was close. Ostrova recalled a speech by "
        "President Anton Belyi, who promised reform. She is confident that the plan will pass."
    )
    assert [(c.speaker, c.claim) for c in found] == [("Vera Ostrova", "the plan will pass")]


def test_a_continued_quotation_keeps_its_speaker() -> None:
    found = run(
        "“The budget is tight this year, as everyone knows,” said economist Lina Marsh. "
        "“Taxes will rise by 2028.”"
    )
    assert [(c.speaker, c.suggested_deadline) for c in found] == [("Lina Marsh", "2028-12-31")]


def test_wishes_and_elliptical_answers_are_not_forecasts() -> None:
    assert run("Mayor Selin Aydemir hopes the tram will open in 2027.") == []
    assert run("Q: Will it pass?\nA: Some will.") == []


def test_a_stacked_marker_and_a_negated_event_follow_the_verbal_table() -> None:
    found = run("Economist Lina Marsh believes the bank likely won't cut rates next year.")
    assert [(c.probability, c.basis) for c in found] == [(0.30, "verbal")]  # believes, flipped
    assert found[0].question_title == "Will the bank cut rates in 2027?"  # 2026 + 1


NEWSY = st.sampled_from(
    [
        "Vera Ostrova said",
        "“The plan will fail,”",
        "he is confident that",
        "Q:",
        "A:",
        "By Anna Lee",
        "‘",
        "’",
        '"',
        "the expert continued.",
        "will",
        "may",
        "is unable to",
        "by the end of 2027",
        "in May",
        "\n",
        ". ",
        ", ",
        "Megrabyan",
        "We must be prepared for",
    ]
)


@given(st.lists(NEWSY | st.text(max_size=12), max_size=40).map(" ".join))
@hypothesis_settings(max_examples=200, deadline=None)
def test_no_text_makes_the_extractor_crash(text: str) -> None:
    for candidate in extract_candidates(text, published_on=dt.date(2026, 1, 1), horizon_days=30):
        assert candidate.speaker
        assert candidate.question_title.endswith("?")


PLANNED = [p for p in ANNOTATED if json.loads(p.with_suffix(".json").read_text()).get("plans")]


@pytest.mark.parametrize("path", PLANNED, ids=lambda p: p.stem)
def test_fixture_plans_are_kept_apart_with_their_speakers(path: Path) -> None:
    from forecasts.extraction.service import extract

    meta = json.loads(path.with_suffix(".json").read_text())
    found = extract(text=path.read_text(), published_on=dt.date.fromisoformat(meta["published_on"]))
    for plan in meta["plans"]:
        assert [p.speaker for p in found.plans if plan["key"] in p.claim] == [plan["speaker"]]
        assert not [c for c in found.candidates if plan["key"] in c.claim]
