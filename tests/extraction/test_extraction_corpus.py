"""The news-corpus scorer: its definitions, and that held-out results leave it as totals only.

Articles here are our own words in temporary files; the real texts (../shared) are never read by
the test suite.
"""

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from forecasts.extraction import corpus, lee_corpus
from forecasts.extraction.candidates import Candidate
from forecasts.extraction.evaluate import corpus_report, heldout_titles


def candidate(claim: str, speaker: str = "Ada Brook", title: str = "Will it?") -> Candidate:
    return Candidate(
        speaker=speaker,
        claim=claim,
        quote=claim,
        phrase="will",
        probability=0.95,
        basis="bare_assertion",
        table_version="v2",
        suggested_deadline="2027-01-01",
        deadline_basis="default",
        question_title=title,
        resolution_criteria="YES if",
        sentence_index=0,
    )


FORECAST = {"kind": "forecast", "speakers": ["Ada Brook", "Brook"], "key": "the dam will hold"}
PLAN = {"kind": "plan", "speakers": ["City Council"], "key": "we will open the park"}


def test_a_candidate_on_a_plan_or_on_nothing_is_wrong_and_a_miss_lowers_recall() -> None:
    other = {"kind": "forecast", "speakers": ["Cy Dunn"], "key": "rents will fall"}
    result = corpus.score_article(
        "a",
        [FORECAST, PLAN, other],
        [
            candidate("The Dam will  hold until 2030"),
            candidate("we will open the park"),
            candidate("the river is high"),
        ],
    )
    s = result.score
    assert (s.forecasts, s.found, s.candidates, s.matched, s.on_plans) == (2, 1, 3, 1, 1)
    assert (s.recall, round(s.precision, 3), s.attribution) == (0.5, 0.333, 1.0)
    assert [i["key"] for i in result.missed] == ["rents will fall"]


def test_attribution_accepts_any_annotated_name_and_counts_matched_candidates_only() -> None:
    right = corpus.score_article("a", [FORECAST], [candidate("the dam will hold", "brook")])
    wrong = corpus.score_article("a", [FORECAST], [candidate("the dam will hold", "Cy Dunn")])
    assert (right.score.attributed, wrong.score.attributed) == (1, 0)
    assert wrong.score.attribution == 0.0
    assert wrong.misattributed[0][1] == FORECAST


def test_curly_and_straight_apostrophes_match_each_other() -> None:
    item = {**FORECAST, "key": "the dam won't hold"}
    result = corpus.score_article("a", [item], [candidate("the dam won’t hold")])
    assert result.score.found == 1


@pytest.mark.parametrize(
    ("text", "year"),
    [("In 2011 and 2011 the dam held; by 2030 it may not.", 2011), ("No year at all.", 2010)],
)
def test_the_nominal_publication_date_is_the_commonest_year_named(text: str, year: int) -> None:
    assert corpus.nominal_date(text) == dt.date(year, 1, 1)


ARTICLE = (
    "Hydrologist Ada Brook of the River Institute spoke at a public meeting in the town hall "
    "on Tuesday evening about the state of the old dam above the valley.\n"
    "“The dam will hold through the spring floods,” said Brook, who has studied it for years.\n"
)


@pytest.fixture
def small_corpus(tmp_path: Path) -> tuple[Path, Path]:
    articles = tmp_path / "articles.jsonl"
    rows = [{"id": f"x-{n}", "text": ARTICLE} for n in range(4)]
    articles.write_text("\n".join(json.dumps(r) for r in rows))
    notes = tmp_path / "annotations"
    notes.mkdir()
    for split, ids in (("dev", ["x-0", "x-1"]), ("heldout", ["x-2", "x-3"])):
        lines = [
            json.dumps({"id": i, "items": [{**FORECAST, "key": "dam will rust"}]}) for i in ids
        ]
        (notes / f"{split}.jsonl").write_text("\n".join(lines))
    return articles, notes


def test_the_report_gives_both_splits_but_details_only_the_development_one(
    small_corpus: tuple[Path, Path],
) -> None:
    articles, notes = small_corpus
    text = corpus_report(articles, dev_detail=True, annotations=notes)
    assert "| dev | 2 | 2 | 0 |" in text
    assert "| heldout | 2 | 2 | 0 |" in text
    assert "- x-0" in text  # a development miss is listed ...
    assert "x-2" not in text  # ... a held-out one never is
    assert "x-3" not in text
    assert "Time per article over all 4" in text


def test_the_held_out_title_list_holds_matched_titles_only(
    small_corpus: tuple[Path, Path],
) -> None:
    articles, notes = small_corpus
    for split in ("dev", "heldout"):
        lines = [json.dumps({"id": i, "items": [FORECAST]}) for i in ("x-2", "x-3")]
        (notes / f"{split}.jsonl").write_text("\n".join(lines))
    listed = heldout_titles(articles, annotations=notes).splitlines()
    assert len(listed) == 2
    assert all(line.split(". ", 1)[1].startswith("Will the dam hold") for line in listed)
    assert "Brook" not in "\n".join(listed)


def test_the_later_splits_are_reported_when_annotated_held_out_as_totals_only(
    small_corpus: tuple[Path, Path],
) -> None:
    articles, notes = small_corpus
    item = json.dumps({"id": "x-3", "items": [{**FORECAST, "key": "dam will rust"}]})
    (notes / "heldout2.jsonl").write_text(item)
    (notes / "dev2.jsonl").write_text(item.replace("x-3", "x-1"))
    text = corpus_report(articles, dev_detail=True, annotations=notes)
    assert "| heldout2 | 1 | 1 | 0 |" in text
    assert "| dev2 | 1 | 1 | 0 |" in text
    assert "x-3" not in text
    assert "- x-1" in text


def test_the_lee_corpus_reports_its_own_splits_and_details_only_its_development_one(
    small_corpus: tuple[Path, Path],
) -> None:
    articles, notes = small_corpus
    item = json.dumps({"id": "x-3", "items": [{**FORECAST, "key": "dam will rust"}]})
    (notes / "lee-heldout.jsonl").write_text(item)
    (notes / "lee-dev.jsonl").write_text(item.replace("x-3", "x-1"))
    text = corpus_report(
        articles,
        dev_detail=True,
        annotations=notes,
        splits=corpus.LEE.splits,
        dev_splits=corpus.LEE.dev_splits,
    )
    assert "| lee-heldout | 1 | 1 | 0 |" in text
    assert "| lee-dev | 1 | 1 | 0 |" in text
    assert "| dev |" not in text  # the news splits belong to the other corpus
    assert "x-3" not in text
    assert "- x-1" in text


def lee_wheel(path: Path, background: bytes, small: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("gensim/test/test_data/lee_background.cor", background)
        archive.writestr("gensim/test/test_data/lee.cor", small)
    return path


def test_the_lee_stories_are_numbered_by_line_in_each_file_skipping_blank_ones(
    tmp_path: Path,
) -> None:
    wheel = lee_wheel(
        tmp_path / "g.whl",
        b"The  dam held.\n\nRain  is due.\n",
        "Caf\xe9 owners say prices will rise.\n".encode("latin-1"),
    )
    assert lee_corpus.stories(wheel) == [
        {"id": "lee-bg-000", "text": "The dam held."},
        {"id": "lee-bg-002", "text": "Rain is due."},
        {"id": "lee-000", "text": "Café owners say prices will rise."},
    ]


def test_a_lee_corpus_whose_digest_differs_is_refused_and_not_written(tmp_path: Path) -> None:
    wheel = lee_wheel(tmp_path / "g.whl", b"Not the stories we annotated.\n", b"")
    output = tmp_path / "lee" / "articles.jsonl"
    with pytest.raises(SystemExit, match="sha256"):
        lee_corpus.build(output, wheel=wheel)
    assert not output.exists()


def test_every_lee_annotation_names_an_article_of_its_split_once() -> None:
    split = json.loads((corpus.ANNOTATIONS / "lee-split.json").read_text())
    for name in corpus.LEE.splits:
        ids = [row["id"] for row in corpus.load_annotations(name)]
        assert ids == split[name]
    assert not set(split["lee-dev"]) & set(split["lee-heldout"])


def test_by_the_named_rule_a_described_groups_forecast_is_no_forecast_and_its_candidate_wrong() -> (
    None
):
    crowd = {
        "kind": "forecast",
        "speakers": ["harbour pilots", "pilots"],
        "key": "the dam will hold",
    }
    items = corpus.by_named_rule([crowd, PLAN], [["harbour pilots", "pilots"]])
    assert [i["kind"] for i in items] == ["described", "plan"]
    result = corpus.score_article("a", items, [candidate("the dam will hold", "Ada Brook")])
    assert (result.score.forecasts, result.score.matched, result.wrong[0][1]) == (
        0,
        0,
        "described",
    )
    # A list naming someone among its descriptions stays a forecast.
    assert corpus.by_named_rule([FORECAST], [["harbour pilots", "pilots"]]) == [FORECAST]


def test_the_lee_report_adds_rows_by_the_named_rule_when_the_list_of_described_is_there(
    small_corpus: tuple[Path, Path],
) -> None:
    articles, notes = small_corpus
    crowd = {"kind": "forecast", "speakers": ["river pilots"], "key": "dam will hold"}
    named = {**FORECAST, "key": "spring floods"}
    (notes / "lee-heldout.jsonl").write_text(json.dumps({"id": "x-3", "items": [crowd, named]}))
    arguments = {"annotations": notes, "splits": ("lee-heldout",), "dev_splits": ()}
    assert "named speakers only" not in corpus_report(articles, described_rows=True, **arguments)
    (notes / corpus.DESCRIBED_SPEAKERS).write_text(json.dumps([["river pilots"]]))
    text = corpus_report(articles, described_rows=True, **arguments)
    assert "| lee-heldout | 1 | 2 | 2 |" in text  # both found by the one candidate's claim
    assert "| lee-heldout, named speakers only | 1 | 1 | 1 |" in text
    assert "named speakers only" not in corpus_report(articles, **arguments)


def test_the_report_counts_forecasts_met_in_a_candidate_or_in_a_sentence_to_check(
    tmp_path: Path,
) -> None:
    text = (
        "Harbour Notes\n"
        "The harbour council met on Monday to discuss the new ferry timetable for the island.\n"
        "“The new pier will probably open by the end of 2027,” said engineer Lotte Brenner.\n"
        "Harbour pilots on the quay fear the winter storms could close the channel for weeks.\n"
    )
    articles = tmp_path / "articles.jsonl"
    articles.write_text(json.dumps({"id": "h-1", "text": text}))
    notes = tmp_path / "annotations"
    notes.mkdir()
    pier = {"kind": "forecast", "speakers": ["Lotte Brenner"], "key": "pier will probably open"}
    storms = {"kind": "forecast", "speakers": ["Harbour pilots"], "key": "could close the channel"}
    (notes / "dev.jsonl").write_text(json.dumps({"id": "h-1", "items": [pier, storms]}))
    report = corpus_report(articles, annotations=notes, splits=("dev",), dev_splits=("dev",))
    assert "| dev | 2 | 0.50 | 0.50 | 1.00 | 1.0 |" in report
