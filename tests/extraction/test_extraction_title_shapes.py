"""Question titles from claims whose forecast is not the clause's first subject and verb: a
frame inside the clause, a condition without its comma, a fact joined to the forecast, a
pronoun whose number does not fit the last subject. Found on the Lee corpus's development
split; each checked in sentences of our own."""

import pytest

from tests.extraction_support import claims, forecasts


def titles(body: str) -> list[str]:
    return [c.question_title for c in forecasts(body)]


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (
            "Economist Ivo Lind says a close study of the census shows an ageing town will need "
            "a second clinic.",
            "Will an ageing town need a second clinic by 4 March 2027?",
        ),
        (
            "“It certainly appears from the charts, with the high tides and the wind, that the "
            "quay could flood,” said harbour master Ivo Lind.",
            "Will the quay flood by 4 March 2027?",
        ),
        (
            "Auditor Ivo Lind said the board took the view there was a real risk the ferry "
            "company's debts would not be paid.",
            "Will the ferry company's debts be paid by 4 March 2027?",
        ),
    ],
)
def test_a_frame_inside_the_clause_is_left_out_of_the_question(body: str, title: str) -> None:
    assert titles(body) == [title]


def test_a_condition_without_its_comma_moves_after_the_question() -> None:
    body = "Senator Ivo Lind says unless the left wing gave ground the party would split."
    assert titles(body) == [
        "Will the party split, unless the left wing gave ground by 4 March 2027?"
    ]


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (
            "Mayor Ivo Lind says the closures damaged the harbour and could cost 200 jobs.",
            "Will the closures cost 200 jobs by 4 March 2027?",
        ),
        (
            "Mayor Ivo Lind warned the dispute was growing tense and a small act of provocation "
            "could close the port.",
            "Will a small act of provocation close the port by 4 March 2027?",
        ),
    ],
)
def test_a_fact_joined_to_a_forecast_leaves_the_question_to_the_forecast(
    body: str, title: str
) -> None:
    assert titles(body) == [title]


def test_the_fact_before_a_relative_clause_keeps_the_whole_claim() -> None:
    body = (
        "Mayor Ivo Lind said there are still pockets of rebels that have gone into the hills "
        "and could regroup."
    )
    assert not titles(body)[0].startswith("Will there regroup")


def test_it_does_not_stand_for_a_plural_subject_named_before() -> None:
    body = (
        "Defence Secretary Ivo Lind says up to 300 troops will guard the quay. He says it will "
        "be a dangerous mission. He says the mission will last a year and it will cost $4 "
        "million."
    )
    assert titles(body) == [
        "Will up to 300 troops guard the quay by 4 March 2027?",
        "Will it be a dangerous mission by 4 March 2027?",
        "Will the mission last a year by 4 March 2027?",
        "Will the mission cost $4 million by 4 March 2027?",
    ]


def test_said_before_a_noun_and_its_relative_clause_keeps_the_noun() -> None:
    found = forecasts("Economist Ivo Lind says the bridge that opens in June will carry trams.")
    assert [c.claim for c in found] == ["the bridge that opens in June will carry trams"]


def test_a_matter_of_effort_is_not_a_chance() -> None:
    assert forecasts("Union leader Ivo Lind says the union has done everything possible.") == []


def test_an_official_of_a_party_forecasting_its_split_is_not_announcing_a_plan() -> None:
    found = claims("Senator Ivo Lind says the party would split if the vote failed.")
    assert [c.kind for c in found] != ["plan"]


def test_a_company_named_in_the_plural_names_the_definite_and_the_later_it() -> None:
    body = (
        "Vell Airlines has bought four planes for its new service. Tourism chief Ada Brook says "
        "the airline will open new routes to the islands. She says it will bring thousands of "
        "visitors to Portmere."
    )
    assert titles(body) == [
        "Will Vell Airlines open new routes to the islands by 4 March 2027?",
        "Will Vell Airlines bring thousands of visitors to Portmere by 4 March 2027?",
    ]


def test_a_condition_without_a_comma_before_a_tail_after_one_still_moves() -> None:
    body = (
        "“If the rise in rents continues it could empty the old town, at a great cost to its "
        "shops,” said economist Ivo Lind."
    )
    assert titles(body) == [
        "Will it empty the old town, at a great cost to its shops, if the rise in rents "
        "continues by 4 March 2027?"
    ]


def test_a_forecast_verb_after_a_comma_opens_a_claim_of_its_own() -> None:
    body = (
        "“That will be a hard area for the crews, we do expect that the park is likely to be "
        "reached by the fire later in the morning,” said fire officer Ada Brook."
    )
    assert [c.claim for c in forecasts(body)] == [
        "That will be a hard area for the crews",
        "we do expect that the park is likely to be reached by the fire later in the morning",
    ]


def test_a_place_after_an_unnamed_group_is_not_the_speaker_and_a_list_stays_one_claim() -> None:
    assert forecasts("Meteorologists in Vellmark are predicting more rain this weekend.") == []
    body = (
        "The Vell weather bureau opened on Monday. Ivo Lind of the bureau is predicting more "
        "rain in Portmere, Osterby, and Vellhaven this weekend."
    )
    assert [c.claim for c in forecasts(body)] == [
        "more rain in Portmere, Osterby, and Vellhaven this weekend"
    ]


def test_a_frame_after_a_forecast_does_not_take_the_question_from_it() -> None:
    body = (
        "Agency chief Ivo Lind said Vellmark is more likely to reach the moon first, suggesting "
        "that its rivals will not like it."
    )
    assert titles(body)[0].startswith("Will Vellmark")


@pytest.mark.parametrize(
    ("title", "flagged"),
    [
        ("Will the programs stop reoffending by 1 January 2027?", True),
        ("Will the times ahead be easy by 1 January 2027?", True),
        ("Will the economy shrink by 1 January 2027?", True),
        ("Will will mean farmers suffer by 1 January 2027?", True),
        ("Will the Vell economy shrink by 1 January 2027?", False),
        ("Will the regional regulator approve the tariff increase by September 2026?", False),
    ],
)
def test_a_subject_only_the_article_explains_is_flagged(title: str, flagged: bool) -> None:
    from forecasts.extraction.questions import title_problems

    assert bool(title_problems(title)) is flagged


def test_look_set_to_is_a_forecast_asked_with_will() -> None:
    assert titles("Economist Ivo Lind says rents look set to fall next year.") == [
        "Will rents fall in 2027?"
    ]


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("Will Vellmark. The arrest have an impact by 1 January 2027?", "two sentences"),
        (
            "Will there be all power at the plant has been halted by 1 January 2027?",
            "not a grammatical question",
        ),
    ],
)
def test_titles_broken_across_sentences_or_clauses_are_flagged(title: str, reason: str) -> None:
    from forecasts.extraction.questions import title_problems

    assert any(reason in problem for problem in title_problems(title))


def test_a_title_by_mr_or_in_the_us_is_not_two_sentences() -> None:
    from forecasts.extraction.questions import title_problems

    assert title_problems("Will Mr. Lind face a charge in the U.S. Senate by 1 January 2027?") == []


def test_a_hedge_left_after_will_goes() -> None:
    body = "Defence chief Ivo Lind says it is likely Vellish troops will be needed in the north."
    assert titles(body)[0].startswith("Will Vellish troops be needed")
