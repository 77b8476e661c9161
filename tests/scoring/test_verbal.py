"""Verbal probability parsing: the tables of docs/scoring.md (v1, and v2 for new parses),
numbers, and composition rules."""

import json
from pathlib import Path

import pytest

from forecasts.verbal import (
    KNOWN_PHRASES,
    TABLE_DIR,
    TABLE_PATH,
    TABLE_VERSION,
    ParsedProbability,
    UnknownPhrase,
    find_markers,
    is_contingency,
    load_verbal_table,
    parse_probability,
    table,
)

# docs/scoring.md's table transcribed; "is confident (that)" is both phrases.
SPEC_TABLE = {
    0.99: "is certain, certainly will, will certainly, definitely will, no doubt, without a doubt, "
    "undoubtedly, guaranteed, virtually certain",
    0.95: "almost certainly, almost certain, nearly certain, extremely likely",
    0.90: "highly likely, very likely, very confident, highly confident",
    0.80: "very good chance, is confident, is confident that",
    0.75: "likely, will likely, is likely to, probable, probably, will probably, expects, "
    "is expected to",
    0.70: "believes, we believe, thinks, I think",
    0.60: "better than even, more likely than not, realistic possibility, real possibility, "
    "serious possibility",
    0.50: "about even, even chance, roughly even chance, fifty-fifty, toss-up",
    0.40: "may, might, could, possibly, it is possible, there is a chance",
    0.25: "probably not, probably won't, doubts, we doubt, doubtful",
    0.20: "unlikely, is unlikely to, not likely",
    0.15: "cannot rule out, cannot exclude, cannot dismiss",
    0.10: "improbable, little chance, slight chance, chances are slight, slim chance",
    0.05: "highly unlikely, very unlikely, remote chance, remote possibility",
    0.03: "extremely unlikely",
    0.02: "almost no chance, almost certainly not",
    0.01: "impossible, no chance, will never, certainly not",
}
# Table v2 adds the verb forms first-person and plural speakers use, at their v1 values.
SPEC_V2_ADDED = {
    0.99: "am certain, are certain",
    0.80: "am confident, are confident",
    0.75: "expect, we expect, I expect",
    0.70: "believe, I believe, think, we think",
    0.25: "doubt, I doubt",
}
SPEC_V2_TABLE = {
    p: phrases + (", " + SPEC_V2_ADDED[p] if p in SPEC_V2_ADDED else "")
    for p, phrases in SPEC_TABLE.items()
}
SPEC_PHRASES = [(phrase, p) for p, phrases in SPEC_TABLE.items() for phrase in phrases.split(", ")]
SPEC_V2_PHRASES = [(ph, p) for p, phrases in SPEC_V2_ADDED.items() for ph in phrases.split(", ")]
SPEC_BARE = [("will", 0.95), ("is going to", 0.95), ("will not", 0.05), ("won't", 0.05)]


@pytest.mark.parametrize(
    ("version", "spec"), [("v1", SPEC_TABLE), ("v2", SPEC_V2_TABLE)], ids=["v1", "v2"]
)
def test_each_data_file_holds_exactly_its_spec_table(version: str, spec: dict) -> None:
    data = json.loads((TABLE_DIR / f"verbal_{version}.json").read_text(encoding="utf-8"))
    assert data["version"] == version
    levels = {level["p"]: ", ".join(level["phrases"]) for level in data["levels"]}
    assert levels == spec
    bare = [(phrase, level["p"]) for level in data["bare_assertion"] for phrase in level["phrases"]]
    assert bare == SPEC_BARE


def test_new_parses_use_table_v2() -> None:
    assert TABLE_VERSION == "v2"
    assert TABLE_PATH.name == "verbal_v2.json"


@pytest.mark.parametrize(("phrase", "p"), SPEC_PHRASES + SPEC_V2_PHRASES)
def test_table_phrase_maps_to_its_level(phrase: str, p: float) -> None:
    parsed = parse_probability(phrase)
    assert parsed == ParsedProbability(p, "verbal", phrase.lower(), "v2", (phrase.lower(),))


@pytest.mark.parametrize(("phrase", "p"), SPEC_PHRASES)
def test_the_v1_table_still_loads_and_reads_its_own_phrases(phrase: str, p: float) -> None:
    parsed = parse_probability(phrase, table("v1"))
    assert parsed == ParsedProbability(p, "verbal", phrase.lower(), "v1", (phrase.lower(),))


@pytest.mark.parametrize(
    ("sentence", "v1", "v2"),
    [
        ("We expect the dam to hold", None, 0.75),
        ("I believe the dam will hold", 0.95, 0.70),
        ("We think the dam will hold", 0.95, 0.70),
        ("I doubt the dam will hold", 0.95, 0.25),
        ("We are confident the dam will hold", 0.95, 0.80),
        ("I am certain the dam will hold", 0.95, 0.99),
    ],
)
def test_verb_forms_read_only_under_v2(sentence: str, v1: float | None, v2: float) -> None:
    old = find_markers(sentence, table("v1"))
    assert (old.probability if old else None) == v1
    assert find_markers(sentence).probability == v2


def test_an_unknown_table_version_is_refused() -> None:
    with pytest.raises(ValueError, match="no verbal table"):
        table("v9")


@pytest.mark.parametrize(("phrase", "p"), SPEC_BARE)
def test_bare_assertion(phrase: str, p: float) -> None:
    parsed = parse_probability(phrase)
    assert (parsed.probability, parsed.basis, parsed.phrase) == (p, "bare_assertion", phrase)


def test_known_phrases_cover_the_table_for_autocomplete() -> None:
    assert len(KNOWN_PHRASES) == len(SPEC_PHRASES) + len(SPEC_V2_PHRASES) + len(SPEC_BARE)
    assert KNOWN_PHRASES["is confident that"] == 0.80
    assert KNOWN_PHRASES["i think"] == 0.70


@pytest.mark.parametrize(
    ("text", "p"),
    [
        ("0.7", 0.7),
        ("0.70", 0.7),
        (".7", 0.7),
        ("0", 0.0),
        ("1", 1.0),
        ("70%", 0.7),
        ("70 %", 0.7),
        ("70 percent", 0.7),
        ("60-70%", 0.65),
        ("60–70%", 0.65),
        ("60 - 70 %", 0.65),
        ("60%-70%", 0.65),
        ("60 to 70%", 0.65),
        ("0.6-0.7", 0.65),
        ("3:1", 0.75),
        ("3 to 1", 0.75),
        ("1:3", 0.25),
    ],
)
def test_explicit_numbers_are_stated(text: str, p: float) -> None:
    parsed = parse_probability(text)
    assert (parsed.probability, parsed.basis, parsed.phrase) == (p, "stated", text)


@pytest.mark.parametrize("text", ["1.5", "150%", "-0.2", "3-1", "70-60%", "0:0"])
def test_numbers_that_are_not_probabilities_raise(text: str) -> None:
    with pytest.raises(ValueError, match="outside|not a probability|backwards|no total") as info:
        parse_probability(text)
    assert not isinstance(info.value, UnknownPhrase)


@pytest.mark.parametrize(
    ("text", "p"), [("  Very   LIKELY ", 0.90), ("likely won\u2019t", 0.25), ("Likely.", 0.75)]
)
def test_phrases_ignore_case_spacing_and_curly_apostrophes(text: str, p: float) -> None:
    assert parse_probability(text).probability == p


@pytest.mark.parametrize(
    ("text", "p", "phrase"),
    [
        ("believes X will likely", 0.70, "believes"),
        ("believes Iran will comply", 0.70, "believes"),
        ("is confident that X will", 0.80, "is confident that"),
        # Bare "will" counts only without another marker, so certainty is not watered down.
        ("is certain that X will", 0.99, "is certain"),
        ("expects X could", 0.40, "could"),
        # Markers below 0.5 turn the direction: believing something unlikely is not 0.70.
        ("believes it is unlikely", 0.30, "believes unlikely"),
    ],
)
def test_stacked_markers_take_the_one_closest_to_one_half(text: str, p: float, phrase: str) -> None:
    parsed = parse_probability(text)
    assert (parsed.probability, parsed.basis, parsed.phrase) == (p, "verbal", phrase)


@pytest.mark.parametrize(
    ("text", "p"),
    [
        ("likely won't", 0.25),
        ("likely will not", 0.25),
        ("is likely not to", 0.25),
        ("will probably not", 0.25),
        ("may not", 0.60),
        ("believes Iran won't comply", 0.30),
        ("doubts X will not", 0.75),
    ],
)
def test_marker_on_a_negated_event_gives_one_minus_p(text: str, p: float) -> None:
    assert parse_probability(text).probability == p


@pytest.mark.parametrize(
    ("text", "p"),
    [
        ("almost certainly not", 0.02),
        ("will almost certainly not", 0.02),
        ("highly unlikely", 0.05),
        ("probably not", 0.25),
        ("will never", 0.01),
        ("not likely", 0.20),
        ("it is not likely", 0.20),
        ("cannot rule out", 0.15),
    ],
)
def test_longest_phrase_is_matched_first(text: str, p: float) -> None:
    assert parse_probability(text).probability == p


def test_unknown_phrase_names_it_and_suggests_near_matches() -> None:
    with pytest.raises(UnknownPhrase, match="'likelyy'") as info:
        parse_probability("likelyy")
    assert "likely" in info.value.suggestions
    assert "'likely'" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("text", ["says", "is sure", "warns", "not impossible", "isn't likely"])
def test_unknown_phrase_is_never_guessed(text: str) -> None:
    # Attribution verbs carry no probability; negations outside the table are not read.
    with pytest.raises(UnknownPhrase, match="unknown probability phrase"):
        parse_probability(text)


@pytest.mark.parametrize(
    ("phrase", "p"),
    [
        ("will", 0.95),
        ("likely", 0.75),
        ("may", 0.40),
        ("unlikely", 0.20),
        ("almost certainly", 0.95),
    ],
)
def test_e4_phrases_map_to_e4_levels(phrase: str, p: float) -> None:
    assert parse_probability(phrase).probability == p


@pytest.mark.parametrize(
    ("sentence", "p", "basis", "phrase"),
    [
        (
            "He is confident that Moscow will continue to put pressure on Baku",
            0.80,
            "verbal",
            "is confident that",
        ),
        (
            "He is confident that Moscow will continue, which Baku has not accepted.",
            0.80,
            "verbal",
            "is confident that",
        ),
        ("Analysts say the deal will likely collapse", 0.75, "verbal", "will likely"),
        ("She warns that Russia will invade", 0.95, "bare_assertion", "will"),
        ("The minister said prices won't fall", 0.05, "bare_assertion", "won't"),
        ("In May, the election will be held", 0.95, "bare_assertion", "will"),
        ("GDP will grow 2% next year", 0.95, "bare_assertion", "will"),
        ("There is a 70% chance of a deal", 0.70, "stated", "70% chance"),
        (
            "He puts the probability at 60-70% that it passes",
            0.65,
            "stated",
            "probability at 60-70%",
        ),
    ],
)
def test_find_markers_in_a_sentence(sentence: str, p: float, basis: str, phrase: str) -> None:
    found = find_markers(sentence)
    assert (found.probability, found.basis, found.phrase) == (p, basis, phrase)


def test_find_markers_lists_every_marker_found() -> None:
    found = find_markers("He is confident that Moscow will continue to put pressure on Baku")
    assert found.markers == ("is confident that", "will")


def test_sentence_without_a_marker_gives_none() -> None:
    assert find_markers("The summit opened in Geneva today") is None


@pytest.mark.parametrize(
    "sentence",
    ["We must be prepared for a Russian attack", "NATO should be ready for escalation"],
)
def test_contingency_language_is_not_a_forecast(sentence: str) -> None:
    assert is_contingency(sentence)
    for parsed in (find_markers(sentence), parse_probability(sentence)):
        assert (parsed.probability, parsed.basis) == (None, "unknown")


def test_contingency_wins_over_markers() -> None:
    found = find_markers("We must be prepared for the likely case that they will attack")
    assert (found.probability, found.phrase) == (None, "we must be prepared for")


def test_negation_before_the_markers_is_unknown_not_guessed() -> None:
    found = find_markers("I don't think Russia will invade")
    assert (found.probability, found.basis) == (None, "unknown")
    with pytest.raises(UnknownPhrase):
        parse_probability("I don't think Russia will invade")


def test_negation_in_an_earlier_sentence_does_not_count() -> None:
    assert find_markers("Talks did not go well. Russia will invade.").probability == 0.95


def test_parsed_probability_records_the_table_version() -> None:
    assert parse_probability("likely").table_version == "v2"
    assert parse_probability("70%").table_version == "v2"


def test_a_table_with_a_duplicate_phrase_is_rejected(tmp_path: Path) -> None:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    data["levels"][0]["phrases"].append("likely")
    path = tmp_path / "verbal_bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="duplicates"):
        load_verbal_table(path)


@pytest.mark.parametrize(
    ("text", "p", "phrase"),
    [
        ("pretty likely", 0.75, "pretty likely"),
        ("The port will quite likely reopen", 0.75, "quite likely"),
        ("rather unlikely", 0.2, "rather unlikely"),
        ("likely", 0.75, "likely"),
    ],
)
def test_a_degree_word_keeps_the_phrases_value_and_is_stored_as_said(
    text: str, p: float, phrase: str
) -> None:
    # "pretty likely" was stored as "likely": the record did not show the words used.
    parsed = parse_probability(text)
    assert (parsed.probability, parsed.phrase) == (p, phrase)
