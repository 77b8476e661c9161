"""A "would" outside reported speech, offices named with their country, abbreviations in a
speaker's name, and an organisation's people speaking for it: rule families found on real
reporting (issue 18), each checked in sentences of our own."""

import pytest

from tests.extraction_support import claims, forecasts


def said(body: str) -> list[tuple[str, str]]:
    return [(c.speaker, c.claim) for c in forecasts(body)]


@pytest.mark.parametrize(
    ("body", "claim"),
    [
        (
            "“A strike at the docks would close the port for a month,” said economist Ivo Lind.",
            "A strike at the docks would close the port for a month",
        ),
        (
            "Economist Ivo Lind says a second bridge would cut the crossing time by half.",
            "a second bridge would cut the crossing time by half",
        ),
    ],
)
def test_a_conditional_would_of_a_named_speaker_is_a_forecast(body: str, claim: str) -> None:
    assert said(body) == [("Ivo Lind", claim)]


@pytest.mark.parametrize(
    "body",
    [
        "“That would be a disaster for the town,” said economist Ivo Lind.",
        "“I would like to see the bridge built,” said economist Ivo Lind.",
        "“There is no fee it would not raise,” said economist Ivo Lind.",
        "Economist Ivo Lind says the would-be buyers of the port are unknown.",
        "Economist Ivo Lind says that the sooner the bridge opens, the happier everyone would be.",
        "“The gang used tools that would open any lock,” said economist Ivo Lind.",
    ],
)
def test_a_judgement_a_wish_or_a_character_with_would_is_not(body: str) -> None:
    assert forecasts(body) == []


def test_an_office_named_with_its_country_is_its_holder_later() -> None:
    found = said(
        "The Prime Minister of Vellmark, Ada Brook, spoke in parliament. The Prime Minister "
        "once again said that the new tariff would raise prices by spring."
    )
    assert found == [("Ada Brook", "the new tariff would raise prices by spring")]


def test_a_full_stop_inside_an_abbreviation_does_not_cut_the_speaker_short() -> None:
    found = said(
        "“A launch would threaten the shipping lanes,” said U.S. Coast Agency spokeswoman, "
        "Nell Ostrow."
    )
    assert found == [("Nell Ostrow", "A launch would threaten the shipping lanes")]


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("Northwind executives said that the merger will lower fares by 2027.", "Northwind"),
        ("Kestrel Bank economists expect that rates will fall by June.", "Kestrel Bank"),
        (
            "The bridge will be finished late, says a report by Centre for Coastal and Harbour "
            "Studies.",
            "Centre for Coastal and Harbour Studies",
        ),
    ],
)
def test_an_organisations_people_and_a_name_with_and_speak_for_it(body: str, speaker: str) -> None:
    assert [c.speaker for c in forecasts(body)] == [speaker]


def test_a_nationality_before_officials_names_no_organisation() -> None:
    assert forecasts("Vellish officials said that the bridge will open by 2027.") == []


def test_a_sentence_opener_is_never_a_speaker() -> None:
    assert claims("Further, the bridge will open by 2027, critics said.") == []


@pytest.mark.parametrize(
    "body",
    [
        "Minister Ada Brook announced that the fuel grant would be brought forward to May.",
        "Minister Ada Brook announced that older cars would be eligible for the grant.",
    ],
)
def test_an_announced_decision_is_a_plan(body: str) -> None:
    assert [c.kind for c in claims(body)] == ["plan"]


def test_a_passive_cut_outside_an_announcement_stays_a_forecast() -> None:
    found = forecasts("Economist Ivo Lind says the bus network will be cut back to pay for it.")
    assert [c.claim for c in found] == ["the bus network will be cut back to pay for it"]


def test_a_negated_expectation_is_its_own_claim_about_the_event() -> None:
    found = forecasts(
        "“This is a weak storm and we don’t expect damage to be widespread,” said forecaster "
        "Ana Ferro."
    )
    assert [(c.claim, c.question_title.split(" by ")[0]) for c in found] == [
        ("we don’t expect damage to be widespread", "Will damage be widespread")
    ]
    # "don't expect" is a negation before a marker: ambiguous by SCORING.md, so the editor
    # sets the probability
    assert found[0].probability is None


def test_a_number_of_hours_gives_a_deadline_that_many_days_ahead() -> None:
    (found,) = forecasts(
        "“We expect the wind to peak in the next 24 hours,” said forecaster Ana Ferro."
    )
    assert found.suggested_deadline == "2026-03-05"


def test_a_person_introduced_with_an_honorific_and_office_is_he_later() -> None:
    found = said(
        "Dr. Ivo Lind, director of the Vell Health Office, is in town for the report. He "
        "predicted that the outbreak will fade by June."
    )
    assert found == [("Ivo Lind", "the outbreak will fade by June")]


def test_the_subject_of_the_sentence_is_the_pronoun_after_when() -> None:
    found = said(
        "Analyst Ana Ferro called it a race. In May, port director Ivo Lind caused a stir when "
        "he suggested that the canal will close by 2028."
    )
    assert found == [("Ivo Lind", "the canal will close by 2028")]


def test_an_organisation_opening_a_sentence_is_not_taken_for_a_person() -> None:
    found = said(
        "The United Vell Shipyard submitted a report on Monday. He said that the canal will "
        "close by 2028."
    )
    assert found == []  # "he" is nobody the article named, not "Vell Shipyard"


def test_a_lawyers_confidence_that_a_client_will_prevail_is_a_forecast() -> None:
    found = claims(
        "Defence lawyer Ana Ferro told the Vell Post that “we are confident that the charges "
        "are weak and that he will prevail again.”"
    )
    assert [(c.kind, c.claim) for c in found] == [("forecast", "he will prevail again")]


def test_a_described_subject_is_he_in_the_next_sentence() -> None:
    found = said(
        "“Fares will rise by 2027,” said Mayor Tom Reyl. Port consultant Ivo Lind of Harbour "
        "Research disagrees. He tells the Vell Post that the canal will close by 2028."
    )
    assert found[1:] == [("Ivo Lind", "the canal will close by 2028")]


def test_a_proclamation_is_a_reporting_frame() -> None:
    found = said("Senator Ana Ferro proclaimed that fares will fall by 2028.")
    assert found == [("Ana Ferro", "fares will fall by 2028")]


def test_according_to_in_mid_sentence_attributes_the_quotation_after_it() -> None:
    found = said(
        "The Vell Coastal Agency measured a small wave. There was no damage, although, "
        "according to the Vell Coastal Agency, “the sea may rise again from tonight.”"
    )
    assert found == [("Vell Coastal Agency", "the sea may rise again from tonight")]


@pytest.mark.parametrize(
    "body",
    [
        "“As an analogy, one might argue that every house needs a lock,” said Ana Ferro.",
        "“People might call the plan naive,” said Ana Ferro.",
        "“Experience has shown that a closed port will find other trade,” said Ana Ferro.",
    ],
)
def test_what_people_might_say_or_experience_shows_is_not_a_forecast(body: str) -> None:
    assert forecasts(body) == []


def test_feeling_confident_is_being_confident() -> None:
    (found,) = forecasts(
        "Chief executive Ana Ferro feels confident that almost all of the spilled oil will be "
        "recovered by June."
    )
    assert (found.speaker, found.probability) == ("Ana Ferro", 0.8)
    assert found.question_title == "Will almost all of the spilled oil be recovered by June 2026?"


@pytest.mark.parametrize(
    ("phrase", "written"),
    [
        ("by June", "by June 2026"),  # a month still ahead in the article's year
        ("in February", "in February 2027"),  # a month already past: the next one
        ("by the end of June", "by the end of June 2026"),
        ("by June 12", "by June 12"),  # a day and month: the deadline reads it already
        ("in May 2027", "in May 2027"),
        ("in the next 24 hours", "by 5 March 2026"),
        ("within two years", "by 3 March 2028"),
        ("over the next decade", "by 3 March 2036"),
        ("within weeks", "within weeks"),  # vague: no day to give, the deadline is a guess
    ],
)
def test_a_bare_month_or_a_number_of_hours_in_a_title_is_dated(phrase: str, written: str) -> None:
    (found,) = forecasts(f"Economist Ivo Lind says the canal will reopen {phrase}.")
    assert found.question_title.startswith(f"Will the canal reopen {written}")


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "Economist Ivo Lind says the bridge would help trade, particularly among farmers.",
            "Will the bridge help trade",
        ),
        (
            "Economist Ivo Lind says the app will cut queues, as the port would share its data.",
            "Will the app cut queues",
        ),
        (
            "Economist Ivo Lind says the hearing will start within two months, adding more "
            "delay to the case.",
            "Will the hearing start by 3 May 2026",
        ),
    ],
)
def test_an_aside_or_reason_after_the_event_leaves_the_title(sentence: str, title: str) -> None:
    (found,) = forecasts(sentence)
    assert found.question_title.startswith(title)
    assert "," not in found.question_title


def test_a_negative_contraction_is_a_clause_of_its_own_before_and() -> None:
    found = forecasts(
        "“This isn’t a strong storm and we don’t expect damage to be widespread,” said "
        "forecaster Ana Ferro."
    )
    assert [c.question_title.split(" by ")[0] for c in found] == ["Will damage be widespread"]


@pytest.mark.parametrize(
    "body",
    [
        "Tjala Nation said they will continue to protest against the new dam.",
        "The Vell government announced that the country is to get a new ferry by 2027.",
    ],
)
def test_continuing_ones_own_action_or_an_arrangement_is_a_plan(body: str) -> None:
    assert [c.kind for c in claims(body)] == ["plan"]


@pytest.mark.parametrize(
    ("body", "claim"),
    [
        (
            "Economist Ivo Lind says the blood tests raised the possibility of a new strain.",
            None,
        ),
        ("“Rents differ from what was forecast,” said economist Ivo Lind.", None),
        (
            "Economist Ivo Lind says prices will continue to rise by 2027.",
            "prices will continue to rise by 2027",
        ),
    ],
)
def test_a_chance_seen_in_the_past_or_what_was_forecast_is_not_a_forecast(
    body: str, claim: str | None
) -> None:
    assert [c.claim for c in forecasts(body)] == ([claim] if claim else [])


def test_expressing_concern_after_but_starts_a_claim_of_its_own() -> None:
    (found,) = forecasts(
        "Senator Ana Ferro said last week that the delay was fine, but expressed concern that a "
        "long campaign could hurt the party in November."
    )
    assert found.question_title == "Will a long campaign hurt the party in November 2026?"


def test_a_leading_as_clause_moves_to_the_end_and_the_frame_after_it_goes() -> None:
    (found,) = forecasts(
        "Senator Ana Ferro said, “As the port faces hard times, I am confident that the harbour "
        "will find new trade by 2028.”"
    )
    assert (found.question_title, found.probability) == (
        "Will the harbour find new trade by 2028, as the port faces hard times?",
        0.8,
    )


def test_the_name_opening_a_sentence_says_what_follows_and_not_the_one_after_its_verb() -> None:
    found = said(
        "Following her nomination, Ferro spoke with the Vell Post and said she would win 15 "
        "states by 2028."
    )
    assert found == [("Ferro", "she would win 15 states by 2028")]


@pytest.mark.parametrize(
    "body",
    [
        "“They are worried that the port will close,” said economist Ivo Lind.",
        "Economist Ivo Lind urged that Vell take steps to ensure the port would stay open.",
        "“I don't think there's any one reform that will save the port,” said Ivo Lind.",
        "“Then the guard said: ‘you will regret this day,’” Ivo Lind told the court.",
    ],
)
def test_someone_elses_fear_a_demand_a_maxim_or_a_quotation_inside_is_not_a_forecast(
    body: str,
) -> None:
    assert forecasts(body) == []


@pytest.mark.parametrize(
    ("body", "claims_found"),
    [
        ("“Farmers are waiting for pumps that will save their crops,” said Ivo Lind.", []),
        ("“The navy has drafted a plan that would close the strait,” said Ivo Lind.", []),
        (
            "“The drought will ruin farmers who cannot irrigate,” said Ivo Lind.",
            ["The drought will ruin farmers who cannot irrigate"],
        ),
    ],
)
def test_a_modal_describing_a_noun_of_a_statement_about_now_is_not_a_forecast(
    body: str, claims_found: list[str]
) -> None:
    assert [c.claim for c in forecasts(body)] == claims_found


def test_a_person_acted_upon_in_the_passive_is_a_forecast_of_what_others_will_do() -> None:
    found = claims(
        "“Until the new charter is signed, she will not be released,” exiled leader Ana Ferro "
        "told the Vell Post."
    )
    assert [(c.kind, c.probability) for c in found] == [("forecast", 0.05)]


def test_a_participle_of_speaking_belongs_to_the_subject_of_its_own_clause() -> None:
    found = said(
        "The Vell Post praised the plan and port consultant Ivo Lind also backed it, saying "
        "the new quay would double trade by 2028."
    )
    assert found == [("Ivo Lind", "the new quay would double trade by 2028")]


def test_until_before_a_negated_claim_asks_whether_it_happens_before() -> None:
    (found,) = forecasts(
        "“In our view, until the new charter is signed, the port will not reopen,” said "
        "economist Ivo Lind."
    )
    assert found.question_title.startswith("Will the port reopen, before the new charter is signed")
    assert found.probability == 0.05


def test_a_rate_per_year_is_not_a_span_to_date() -> None:
    (found,) = forecasts(
        "Economist Ivo Lind says a bus that runs 9,000 km in a year will save $20 a week by 2028."
    )
    assert "in a year" in found.question_title


def test_an_alternative_after_or_is_a_claim_of_its_own() -> None:
    found = said(
        "Economist Ivo Lind said the council would have to spend $5 million or the old bridge "
        "would fall by 2030."
    )
    assert found == [("Ivo Lind", "the old bridge would fall by 2030")]


def test_reports_from_a_site_speak_and_the_verb_of_its_relative_clause_is_not_the_frame() -> None:
    found = said(
        "Reports from the Vell website Harbourwatch.com, which reports on shipping, say that "
        "the rebels are planning to close the strait on 6 April."
    )
    assert found == [("Harbourwatch.com", "the rebels are planning to close the strait on 6 April")]


def test_the_speakers_own_planning_is_a_plan() -> None:
    found = claims("Port director Ivo Lind said that he is planning to open a second quay by 2028.")
    assert [c.kind for c in found] == ["plan"]


def test_a_country_named_the_united_states_is_not_an_institution_of_the_speaker() -> None:
    found = claims(
        "The Vell Courier said that the United States is planning to open a consulate by 2028."
    )
    assert [(c.kind, c.speaker) for c in found] == [("forecast", "Vell Courier")]


def test_a_plan_of_others_is_asked_as_the_act_and_a_citing_tail_goes() -> None:
    (found,) = forecasts(
        "The Vell Courier says the rebels are planning to close the strait by 2028, citing "
        "unnamed officials."
    )
    assert found.question_title == "Will the rebels close the strait by 2028?"


def test_a_dash_between_clauses_separates_a_forecast_from_a_hypothetical() -> None:
    found = said(
        "Economist Ivo Lind says that even if the port was sold, it would not matter - as "
        "ships would keep coming to the bay."
    )
    assert found == [("Ivo Lind", "ships would keep coming to the bay")]


def test_a_dash_before_a_relative_clause_does_not_split() -> None:
    found = claims(
        "Editor Ana Ferro said the new book will hold the letters - which will show the "
        "city's history."
    )
    assert "which will show" not in " ".join(c.claim[:20] for c in found)


@pytest.mark.parametrize(
    ("title", "broken"),
    [
        ("Will Vell Rail continues to grow, the fares fall by 2027?", True),
        ("Will Vell Rail keeps its licence by 2027?", True),
        ("Will Vell Rail keep its licence by 2027?", False),
        ("Will Kestrel shares fall by 2027?", False),
    ],
)
def test_a_verb_left_in_the_present_after_will_is_flagged(title: str, broken: bool) -> None:
    from forecasts.extraction.questions import title_problems

    assert ("it is not a grammatical question" in title_problems(title)) is broken
