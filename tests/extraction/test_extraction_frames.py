"""Who speaks, what is a forecast, and the question it becomes: issue 18's frames, each in a
sentence of our own words."""

import pytest

from tests.extraction_support import claims, forecasts

HADDAD = (
    "Energy analyst Laila Haddad told Radio Meridian on 3 March 2026 that she is almost certain "
    "the Trans-Valley pipeline will not be completed before the end of 2027, and said there is "
    "maybe a 30% chance that the regional regulator approves the tariff increase by September "
    "2026."
)


def test_two_reported_claims_give_two_clean_questions_with_their_probabilities() -> None:
    found = forecasts(HADDAD)
    assert [(c.speaker, c.question_title, c.probability) for c in found] == [
        (
            "Laila Haddad",
            "Will the Trans-Valley pipeline be completed before the end of 2027?",
            0.05,
        ),
        (
            "Laila Haddad",
            "Will the regional regulator approve the tariff increase by September 2026?",
            0.30,
        ),
    ]
    assert [c.suggested_deadline for c in found] == ["2027-12-31", "2026-09-30"]
    assert found[0].quote.startswith("She is almost certain the Trans-Valley pipeline")
    assert "Radio Meridian" not in found[0].quote + found[1].quote
    assert not any(c.needs_editing for c in found)


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The Harbour Authority says the quay is likely to flood by 2027.", "Harbour Authority"),
        ("The Harbour Authority warns that the quay will flood by 2027.", "Harbour Authority"),
        ("Northwind Grid expects the quay to flood by 2027.", "Northwind Grid"),
        (
            "The Tidewater Gazette is reporting that the quay may flood by 2027.",
            "Tidewater Gazette",
        ),
        (
            "The Tidewater Gazette cites sources saying that the quay will flood by 2027.",
            "Tidewater Gazette",
        ),
        ("According to the Coastal Bureau, the quay will flood by 2027.", "Coastal Bureau"),
        ("The quay will flood by 2027, according to the Coastal Bureau.", "Coastal Bureau"),
    ],
)
def test_organisations_are_speakers(sentence: str, speaker: str) -> None:
    found = forecasts(sentence)
    assert [(c.speaker, c.question_title) for c in found] == [
        (speaker, "Will the quay flood by 2027?")
    ]


def test_a_second_reporting_verb_keeps_the_speaker() -> None:
    found = forecasts(
        "Economist Ada Brook emphasized that the market was calm and predicted that rents "
        "will fall next year."
    )
    assert [(c.speaker, c.question_title) for c in found] == [
        ("Ada Brook", "Will rents fall in 2027?")  # "next year" written out against 2026
    ]


def test_a_dismissed_claim_asks_about_the_event_with_the_probability_inverted() -> None:
    found = forecasts("Engineer Ada Brook dismissed claims that the dam would fail next winter.")
    assert [(c.question_title, c.probability) for c in found] == [
        ("Will the dam fail next winter?", 0.05)
    ]


@pytest.mark.parametrize(
    ("sentence", "phrase", "probability"),
    [
        # A date between "said" and the frame used to make the frame "whom she told": the
        # 30% was dropped and the claim scored as a bare "will" (0.95).
        (
            "Economist Ada Brook said on Monday there is a 30 percent chance that the Vell "
            "central bank will raise its rate by June 2027.",
            "30 percent chance",
            0.30,
        ),
        (
            "Economist Ada Brook said it is likely that the Vell central bank will raise its "
            "rate by June 2027.",
            "likely",
            0.75,
        ),
    ],
)
def test_a_frame_right_after_said_is_the_speakers_and_gives_the_probability(
    sentence: str, phrase: str, probability: float
) -> None:
    (found,) = forecasts(sentence)
    assert (found.phrase, found.probability) == (phrase, probability)
    assert found.question_title == "Will the Vell central bank raise its rate by June 2027?"
    assert phrase.split()[-1] in found.quote


@pytest.mark.parametrize(
    ("sentence", "quote"),
    [
        (
            "Economist Ada Brook doubts that rents in Vell will fall this year.",
            "Doubts that rents in Vell will fall this year.",
        ),
        (
            "Engineer Ada Brook dismissed claims that the dam would fail next winter.",
            "Dismissed claims that the dam would fail next winter.",
        ),
    ],
)
def test_a_quote_keeps_the_verb_that_carries_the_probability(sentence: str, quote: str) -> None:
    # Without the verb the quote states the event as said: the opposite of "doubts".
    (found,) = forecasts(sentence)
    assert found.quote == quote


def test_before_a_season_is_the_last_day_before_it_starts() -> None:
    (found,) = forecasts(
        "Analyst Ada Brook said the Vell finance minister will resign before the spring."
    )
    assert found.suggested_deadline == "2027-02-28"  # published 4 March: this spring has begun
    assert found.question_title == "Will the Vell finance minister resign before the spring?"


def test_a_quotation_over_several_sentences_keeps_the_person_a_pronoun_points_to() -> None:
    found = forecasts(
        "Engineer Omar Vale referred to the flood survey of 2019. “The survey is clear. The "
        "levee will give way within two years,” he said."
    )
    assert [(c.speaker, c.claim) for c in found] == [
        ("Omar Vale", "The levee will give way within two years")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "“Rates will rise next year,” said Additional Director of the bank.",
        "“Rates will rise next year,” the General Manager said.",
        "Instead, the ferry will run twice a day from May.",
        "Tropical Cyclone Marla is expected to strengthen overnight.",
    ],
)
def test_titles_and_narrators_invent_no_speaker(sentence: str) -> None:
    assert claims(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "“We do expect the bridge to reopen by March 2027,” said engineer Ada Brook.",
            "Will the bridge reopen by March 2027?",
        ),
        (
            "“By 2030 the town will have doubled in size,” said demographer Ada Brook.",
            "Will the town have doubled in size by 2030?",
        ),
    ],
)
def test_emphatic_and_perfect_forms_are_forecasts(sentence: str, title: str) -> None:
    assert [c.question_title for c in forecasts(sentence)] == [title]


@pytest.mark.parametrize(
    "sentence",
    [
        "“I could not see where I was,” said survivor Omar Vale.",
        "Engineer Omar Vale would not comment on the inquiry.",
        "“It could be a once-in-a-lifetime event,” said engineer Omar Vale.",
        "Engineer Omar Vale said the wall would have held with better steel.",
        "Engineer Omar Vale says the levee would hold if it were taller.",
    ],
)
def test_past_could_refusals_and_present_judgements_are_not_forecasts(sentence: str) -> None:
    assert claims(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "“We will open a new terminal in June,” said airport chief Ida Lund.",
        "Airport chief Ida Lund said she would open a new terminal in June.",
        "The Harbour Authority said it will close the north quay for a week.",
        "Airport chief Ida Lund said the north quay will be closed for a week.",
    ],
)
def test_a_speakers_own_plan_is_kept_apart(sentence: str) -> None:
    found = claims(sentence)
    assert [c.kind for c in found] == ["plan"]


def test_a_title_that_needs_the_article_is_flagged_with_reasons() -> None:
    found = forecasts("“This will change everything,” said engineer Omar Vale.")
    assert found[0].needs_editing
    assert found[0].editing_reasons == ("its subject needs the article to be understood",)
