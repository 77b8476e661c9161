"""Agreement between two annotations of the same stories, compared sentence by sentence."""

import json
from collections import Counter
from pathlib import Path

import pytest

from forecasts.extraction import agreement, corpus
from forecasts.extraction.agreement import Marked

STORY = (
    "Harbour traders said on Monday that ferry fares will rise by a fifth next year. "
    "The council will vote on the budget in March. "
    "Port manager Ida Venn expects the new quay to open late. "
    "She said the dredging will start in May."
)


def item(kind: str, key: str, *speakers: str) -> dict:
    return {"kind": kind, "speakers": list(speakers), "key": key}


def test_an_item_stands_for_the_sentence_its_key_is_in_and_a_key_across_two_for_none() -> None:
    sentences = agreement.sentences_of(STORY)
    marked = agreement.place(
        [
            item("forecast", "the new quay to open late", "Ida Venn"),
            item("narrator", "vote on the budget"),
            item("plan", "late. She said", "Ida Venn"),
        ],
        sentences,
    )
    assert [m.sentence for m in marked] == [2, 1, None]
    assert marked[0].speakers == {"ida venn"}


def test_the_other_annotation_is_scored_like_the_extractor_recall_precision_speakers() -> None:
    first = [
        Marked(0, "forecast", frozenset({"harbour traders"})),
        Marked(2, "forecast", frozenset({"ida venn", "ms venn"})),
        Marked(3, "plan", frozenset({"ida venn"})),
    ]
    second = [
        Marked(2, "forecast", frozenset({"port manager"})),  # same sentence, other speaker
        Marked(3, "forecast", frozenset({"ida venn"})),  # the first called it a plan
        Marked(1, "forecast", frozenset({"the council"})),  # the first saw nothing there
    ]
    score = agreement.compare(first, second)
    assert (score.reference, score.found) == (2, 1)
    assert (score.proposed, score.matched, score.attributed) == (3, 1, 0)
    assert score.on_plans == 1
    assert round(score.recall, 2) == 0.5
    assert round(score.precision, 2) == 0.33


def test_an_item_in_no_one_sentence_is_counted_apart_and_matches_nothing() -> None:
    score = agreement.compare(
        [Marked(None, "forecast", frozenset({"x"}))], [Marked(None, "forecast", frozenset({"x"}))]
    )
    assert (score.reference, score.proposed, score.unplaced) == (0, 0, 2)


def test_a_sentence_with_several_kinds_counts_as_its_strongest() -> None:
    kinds = agreement.sentence_kinds(
        [
            Marked(4, "narrator", frozenset()),
            Marked(4, "forecast", frozenset({"a"})),
            Marked(5, "narrator", frozenset()),
            Marked(5, "plan", frozenset({"b"})),
        ]
    )
    assert kinds == {4: "forecast", 5: "plan"}


def test_kappa_is_one_for_full_agreement_and_zero_for_chance_agreement() -> None:
    assert agreement.kappa(Counter({("forecast", "forecast"): 7, ("plan", "plan"): 3})) == 1.0
    # Each annotator says forecast half the time, independently: agreement is all chance.
    chance = Counter(
        {
            ("forecast", "forecast"): 1,
            ("forecast", "plan"): 1,
            ("plan", "forecast"): 1,
            ("plan", "plan"): 1,
        }
    )
    assert agreement.kappa(chance) == 0.0


def write(directory: Path, name: str, rows: list[dict]) -> None:
    (directory / f"{name}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")


def test_a_split_compares_both_annotations_and_the_extractor_by_sentence(tmp_path: Path) -> None:
    write(
        tmp_path,
        "lee-dev",
        [
            {
                "id": "s1",
                "items": [
                    item("forecast", "fares will rise by a fifth", "Harbour traders"),
                    item("forecast", "the new quay to open late", "Ida Venn"),
                ],
            }
        ],
    )
    write(
        tmp_path,
        "lee-dev-second",
        [
            {
                "id": "s1",
                "items": [
                    item("forecast", "ferry fares will rise", "harbour traders"),
                    item("plan", "the dredging will start in May", "Ida Venn"),
                ],
            }
        ],
    )

    def marker(text: str) -> tuple[list[Marked], list]:
        return [Marked(2, "forecast", frozenset({"ida venn"}))], []

    result = agreement.compare_split(
        "lee-dev", "lee-dev-second", {"s1": STORY}, tmp_path, marker=marker
    )
    assert (result.second.found, result.second.matched, result.second.attributed) == (1, 1, 1)
    assert (result.first.reference, result.first.found) == (1, 1)
    assert (result.extractor.found, result.extractor.matched) == (1, 1)
    assert result.kinds == Counter(
        {("forecast", "forecast"): 1, ("forecast", "none"): 1, ("none", "plan"): 1}
    )
    assert "### lee-dev: 1 stories" in agreement.report(result)


def test_annotations_of_different_stories_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "lee-dev", [{"id": "s1", "items": []}])
    write(tmp_path, "lee-dev-second", [{"id": "s2", "items": []}])
    with pytest.raises(ValueError, match="same stories"):
        agreement.compare_split("lee-dev", "lee-dev-second", {"s1": STORY, "s2": STORY}, tmp_path)


def test_each_second_annotation_names_the_stories_of_its_first_in_the_same_order() -> None:
    for first, second in agreement.PAIRS:
        ids = [row["id"] for row in corpus.load_annotations(first)]
        assert [row["id"] for row in corpus.load_annotations(second)] == ids
        for row in corpus.load_annotations(second):
            for marked in row["items"]:
                assert marked["kind"] in {"forecast", "plan", "narrator"}
                assert marked["key"].strip()
                assert marked["speakers"] or marked["kind"] == "narrator"


def test_a_story_the_assistant_refuses_places_its_items_nowhere() -> None:
    assert agreement.sentences_of("Too short.") == []
    marked = agreement.place([item("forecast", "too short", "x")], [])
    assert marked[0].sentence is None
