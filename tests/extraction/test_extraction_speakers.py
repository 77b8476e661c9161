"""Who speaks, read from the structure of the sentence rather than from words fitted to one
article: each rule family in sentences of our own."""

import pytest

from forecasts.extraction.sentences import split_offsets
from tests.extraction_support import claims


def speakers(body: str) -> list[tuple[str, str]]:
    return [(c.speaker, c.claim) for c in claims(body) if c.kind == "forecast"]


def test_initials_do_not_end_a_sentence() -> None:
    text = "An analyst at K.L. Rowan expects rents to fall. Nobody else does."
    assert [text[a:b] for a, b in split_offsets(text)] == [
        "An analyst at K.L. Rowan expects rents to fall.",
        "Nobody else does.",
    ]


def test_a_quotation_closed_by_a_full_stop_is_not_attributed_by_the_next_sentence() -> None:
    found = speakers(
        "Hydrologist Nell Ostrow said, “the water is high. It is likely to recede by Friday.” "
        "The Harbour Authority said that the quay was closed."
    )
    assert found == [("Nell Ostrow", "It is likely to recede by Friday")]


def test_a_quotation_opening_inside_a_sentence_belongs_to_its_speaker() -> None:
    found = speakers(
        "The port cut its fees and pilot Ana Ferro, the port's senior pilot, said: “Ships will "
        "come back within a year. Some will stay for good.”"
    )
    assert found[0] == ("Ana Ferro", "Ships will come back within a year")


@pytest.mark.parametrize(
    "sentence",
    [
        "After crossing the bay, the storm was forecast to reach the coast on Tuesday.",
        "The dam held, but officials fear that the river will rise next week.",
        "In the northern districts of Vell, the harbour states will flood next year.",
    ],
)
def test_no_speaker_is_invented_for_a_passive_an_unnamed_group_or_a_place(sentence: str) -> None:
    assert claims(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Ana Ferro, the port's senior pilot, said the quay will flood by 2027.", "Ana Ferro"),
        (
            "The Harbour Authority, a state agency, said the quay will flood by 2027.",
            "Harbour Authority",
        ),
        (
            "Hydrologist at the Coastal Institute of Vell Nell Ostrow told reporters the quay "
            "will flood by 2027.",
            "Nell Ostrow",
        ),
        (
            "The Vell Embassy in Port Anna on 3 March warned that the quay will flood by 2027.",
            "Vell Embassy in Port Anna",
        ),
    ],
)
def test_the_speaker_is_the_phrase_nearest_the_verb_with_its_description(
    sentence: str, speaker: str
) -> None:
    assert speakers(sentence) == [(speaker, "the quay will flood by 2027")]


def test_he_is_the_last_person_named_when_nobody_has_spoken_and_a_surname_is_that_person() -> None:
    found = speakers(
        "In a speech on Monday, Mayor of the Old Town Ida Marsh presented her budget. Describing "
        "it as “a hard one,” Marsh explained the cuts. He said that fares would rise next year."
    )
    assert found == [("Ida Marsh", "fares would rise next year")]


def test_a_persons_it_is_not_the_persons_own_plan() -> None:
    found = claims(
        "Engineer Nell Ostrow said she was pleased with the ruling and that it would "
        "strengthen the sea wall programme."
    )
    assert [(c.kind, c.speaker) for c in found] == [("forecast", "Nell Ostrow")]


# --- What is a forecast: modality and tense, not words of one article -----------------------


def titles(body: str) -> list[str]:
    return [c.question_title for c in claims(body) if c.kind == "forecast"]


def test_a_coordinated_verb_phrase_shares_the_subject_and_modal() -> None:
    found = speakers(
        "The Coastal Bureau said the storm could reach the islands by Friday, and bring winds "
        "of 150 kilometres an hour."
    )
    assert [claim for _, claim in found] == [
        "the storm could reach the islands by Friday",
        "the storm could bring winds of 150 kilometres an hour",
    ]


def test_a_warning_of_an_event_forecasts_it() -> None:
    found = speakers("The Coastal Bureau warned of heavy flooding along the northern coast.")
    assert found == [("Coastal Bureau", "of heavy flooding along the northern coast")]


def test_a_hypothetical_is_not_a_forecast_but_a_backshifted_condition_is() -> None:
    assert claims("“Growth could be far higher if every town had a port,” said Ida Lund.") == []
    found = speakers(
        "Economist Ida Lund warned that rents could double if the council did not act."
    )
    assert found == [("Ida Lund", "rents could double if the council did not act")]


def test_shall_states_a_rule_not_a_forecast() -> None:
    assert titles("“The board shall meet every month,” said harbour chair Ida Lund.") == []


def test_a_reported_past_expectation_is_a_forecast() -> None:
    assert titles(
        "Mayor Ida Lund said she expected the new ferry to carry 2,000 people a day."
    ) == ["Will the new ferry carry 2,000 people a day by 4 March 2027?"]


@pytest.mark.parametrize(
    ("sentence", "speaker", "title"),
    [
        (
            "Ana Ferro, who has run the port for a decade, said the quay will flood by 2027.",
            "Ana Ferro",
            "Will the quay flood by 2027?",
        ),
        (
            "The quay will flood by 2027, said Ana Ferro, who has run the port for a decade.",
            "Ana Ferro",
            "Will the quay flood by 2027?",
        ),
        (
            "Port pilot Ana Ferro predicted on Tuesday the quay would flood by 2027.",
            "Ana Ferro",
            "Will the quay flood by 2027?",
        ),
        (
            "Ana Ferro, an analyst at Kestrel Capital, said prices were likely to rise by 2027.",
            "Ana Ferro",
            "Will prices rise by 2027?",
        ),
        (
            "According to the Coastal Bureau the storm will make landfall by June 2026.",
            "Coastal Bureau",
            "Will the storm make landfall by June 2026?",
        ),
        (
            "The storm will probably make landfall by June 2026, the Coastal Bureau said in its "
            "latest advisory.",
            "Coastal Bureau",
            "Will the storm make landfall by June 2026?",
        ),
        (
            "The Vell government says it expects the economy will shrink by 3.6% in 2026.",
            "Vell government",
            "Will the economy shrink by 3.6% in 2026?",
        ),
        (
            "Ana Ferro of the Port Institute said she believes the quay will flood by 2027.",
            "Ana Ferro",
            "Will the quay flood by 2027?",
        ),
        (
            "Ferro expects the bridge to reopen in May 2026, she told the Gazette.",
            "Ferro",
            "Will the bridge reopen in May 2026?",
        ),
    ],
)
def test_common_reporting_frames(sentence: str, speaker: str, title: str) -> None:
    found = [c for c in claims(sentence) if c.kind == "forecast"]
    assert [(c.speaker, c.question_title) for c in found] == [(speaker, title)]


def test_a_closing_attribution_covers_its_paragraph_but_its_verb_only_its_own_clause() -> None:
    found = speakers(
        "The bank raised rates. Its chief economist, Ana Ferro, expects inflation to fall "
        "below 3% next year."
    )
    assert found == [("Ana Ferro", "inflation to fall below 3% next year")]


# --- What is not a forecast -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # past narrative: a habit, a past scene, a time in the past
        "Ana Ferro said she would often walk to the harbour as a child.",
        "Ana Ferro said that in those years the ferry would leave at dawn.",
        "“I could hardly breathe when the water came in,” said survivor Ana Ferro.",
        "Police said that, after breaking in, the gang would cut the alarm wires first.",
        "“I can't imagine anything that's going to change my mind,” said Ana Ferro.",
        # a wish, advice, a maxim
        "Ana Ferro said she hoped the ferry would run next year.",
        "Ana Ferro said investors may want to wait until the spring.",
        "“Floods will always come to those who build on the plain,” said Ana Ferro.",
        # a judgement of what is known now
        "Ana Ferro said the report may be incomplete.",
        "Ana Ferro said this estimate may be overstated.",
        # the claim sits in a fronted subordinate clause; the main clause is present
        "Ana Ferro said that although the sea may rise, the old quay is sound.",
        # a counterfactual with "never have" and an inverted condition
        "Ana Ferro told the court that she would never have signed the deal had she known.",
        # an apposition after "According to X" is not the claim's subject
        "According to Ana Ferro, the port's pilot, nobody will ever sail there again.",
    ],
)
def test_past_narrative_wishes_advice_maxims_and_judgements_are_not_forecasts(
    sentence: str,
) -> None:
    assert [c.claim for c in claims(sentence) if c.kind == "forecast"] == []


def test_a_plan_is_read_in_the_proposition_under_a_frame() -> None:
    found = claims("“I think we will open two new routes in June,” said ferry chief Ana Ferro.")
    assert [c.kind for c in found] == ["plan"]


# --- Recall: claims inside relative clauses, split quotations, experts on institutions -------


def test_a_relative_clause_with_a_modal_forecasts_of_the_main_subject() -> None:
    found = speakers(
        "“Heavy snow is possible overnight, which could lead to closed roads,” said the "
        "Coastal Bureau."
    )
    assert ("Coastal Bureau", "Heavy snow could lead to closed roads") in found


def test_every_quotation_in_a_sentence_is_the_speakers() -> None:
    found = speakers(
        "“The track is still uncertain” over the weekend, “but the storm may turn north by "
        "Monday,” added the Coastal Bureau."
    )
    assert found == [("Coastal Bureau", "the storm may turn north by Monday")]


def test_an_experts_claim_about_an_institution_is_a_forecast_not_a_plan() -> None:
    found = claims(
        "Political scientist at Vell University Ana Ferro told reporters the committee would "
        "reject every candidate from the north."
    )
    assert [(c.kind, c.speaker) for c in found] == [("forecast", "Ana Ferro")]


def test_could_have_with_a_noun_is_not_past_speculation() -> None:
    found = speakers(
        "The Coastal Bureau said the storm could reach the islands, and have winds of 150 "
        "kilometres an hour."
    )
    assert ("Coastal Bureau", "the storm could have winds of 150 kilometres an hour") in found


# --- Titles a reviewer can resolve without the article ---------------------------------------


def test_a_title_writes_relative_dates_out_against_the_publication_date() -> None:
    # Published on Wednesday 4 March 2026.
    assert titles("The Coastal Bureau said the river is likely to flood on Friday.") == [
        "Will the river flood on Friday (6 March 2026)?"
    ]
    assert titles("The Coastal Bureau said the river is likely to flood tonight.") == [
        "Will the river flood on the night of 4 March 2026?"
    ]
    assert titles("The Coastal Bureau expects the river to flood next year.") == [
        "Will the river flood in 2027?"
    ]


def test_a_title_names_the_storm_the_article_named() -> None:
    found = titles(
        "Typhoon Marla crossed the strait on Monday. The Coastal Bureau said the storm could "
        "reach the islands by June 2026."
    )
    assert found == ["Will Typhoon Marla reach the islands by June 2026?"]


def test_a_title_replaces_it_with_what_the_speakers_last_claim_was_about() -> None:
    found = titles(
        "“The drought will get worse by June 2026. It will spread to the coast by July 2026,” "
        "said hydrologist Nell Ostrow."
    )
    assert found == [
        "Will the drought get worse by June 2026?",
        "Will the drought spread to the coast by July 2026?",
    ]


def test_a_warning_of_an_event_asks_whether_it_happens() -> None:
    assert titles("The Coastal Bureau warned residents of possible flash floods by June 2026.") == [
        "Will there be flash floods by June 2026?"
    ]


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "The Coastal Bureau said the storm has the potential to become dangerous by June 2026.",
            "Will the storm become dangerous by June 2026?",
        ),
        (
            "The Coastal Bureau said heavy snow is expected in the hills by June 2026.",
            "Will there be heavy snow in the hills by June 2026?",
        ),
        (
            "The Coastal Bureau said 40,000 jobs could be lost by June 2026, meaning that one "
            "worker in ten would be out of work.",
            "Will 40,000 jobs be lost by June 2026?",
        ),
    ],
)
def test_a_title_asks_about_the_event_without_frames_and_tails(sentence: str, title: str) -> None:
    assert titles(sentence)[:1] == [title]


def test_a_listed_subject_stays_whole_in_the_title() -> None:
    assert titles(
        "The Coastal Bureau said snow, sleet or freezing rain could close the pass by June 2026."
    ) == ["Will snow, sleet or freezing rain close the pass by June 2026?"]


@pytest.mark.parametrize(
    ("sentence", "speaker", "title"),
    [
        (
            "The Vell Times, citing unnamed sources, reported that the minister would resign "
            "by June 2026.",
            "Vell Times",
            "Will the minister resign by June 2026?",
        ),
        (
            "Moody's warned that it may downgrade the port authority's rating by June 2026.",
            "Moody's",
            "Will Moody's downgrade the port authority's rating by June 2026?",
        ),
        (
            "A spokesman for Vell Airlines said the airline expected to return to profit in 2027.",
            "Vell Airlines",
            "Will the airline return to profit in 2027?",
        ),
        (
            "The Vell Institute of Economics projects growth of 2.1% in 2027.",
            "Vell Institute of Economics",
            "Will there be growth of 2.1% in 2027?",
        ),
    ],
)
def test_organisations_in_their_common_frames(sentence: str, speaker: str, title: str) -> None:
    found = [c for c in claims(sentence) if c.kind == "forecast"]
    assert [(c.speaker, c.question_title) for c in found] == [(speaker, title)]


def test_a_contrast_with_its_own_reporting_frame_has_its_own_speaker() -> None:
    found = speakers(
        "An exit poll gave the party 202 seats, although a survey by the Vell Institute "
        "suggested the party may win as many as 256 seats."
    )
    assert found == [("Vell Institute", "the party may win as many as 256 seats")]


def test_what_a_published_report_says_is_its_authors() -> None:
    found = speakers(
        "The Vell Labour Office issued a report on Monday explaining how the slowdown could "
        "cost 40,000 jobs by June 2026."
    )
    assert found == [("Vell Labour Office", "the slowdown could cost 40,000 jobs by June 2026")]


def test_a_report_by_a_newspaper_that_is_the_newspapers_claim() -> None:
    found = speakers(
        "The reply follows a report by the Vell Times that the army was ready and an order to "
        "march could come within days."
    )
    assert [s for s, _ in found] == ["Vell Times"]
    assert "an order to march could come within days" in found[0][1]


def test_and_starts_a_new_claim_only_after_a_clause_of_its_own() -> None:
    found = speakers(
        "The Coastal Bureau said the wall was weak and the sea could breach it by June 2026."
    )
    assert [c for _, c in found] == ["the sea could breach it by June 2026"]
    (found,) = [
        c
        for c in claims(
            "The Coastal Bureau said it is possible that the wall and the quay will fail by "
            "June 2026."
        )
        if c.kind == "forecast"
    ]
    # "said it is possible that": the frame is the speaker's, and carries the probability.
    assert found.claim == "it is possible that the wall and the quay will fail by June 2026"
    assert (found.phrase, found.probability) == ("it is possible", 0.4)
    assert found.question_title == "Will the wall and the quay fail by June 2026?"


def test_an_organisations_it_is_the_organisation_only_when_it_acts() -> None:
    assert titles("Moody's warned that it may cut the port's rating by June 2026.") == [
        "Will Moody's cut the port's rating by June 2026?"
    ]
    assert titles("Vell Police said it could collapse by June 2026.") == [
        "Will it collapse by June 2026?"
    ]


def test_two_names_as_frequent_leave_the_definite_description_alone() -> None:
    found = titles(
        "Locals call it Port Anna's Harbour Bridge, after Vell's Harbour Bridge. The Coastal "
        "Bureau said the bridge could collapse by June 2026."
    )
    assert found == ["Will the bridge collapse by June 2026?"]


def test_adding_that_is_the_same_speakers_second_claim() -> None:
    found = speakers(
        "Ana Ferro, the port director, said on Monday that the quay would likely flood by 2027, "
        "adding that the ferry could stop running by June 2026."
    )
    assert found == [
        ("Ana Ferro", "the quay would likely flood by 2027"),
        ("Ana Ferro", "the ferry could stop running by June 2026"),
    ]


def test_no_as_an_answer_ends_a_sentence() -> None:
    found = speakers(
        "Asked whether the levee would hold, Ana Ferro said: “No. The levee will fail by 2027.”"
    )
    assert found == [("Ana Ferro", "The levee will fail by 2027")]


def test_it_is_what_the_speaker_last_spoke_about_even_without_a_forecast() -> None:
    assert titles(
        "Ana Ferro said the levee was weak.\n“It will not hold another flood by 2027,” she added."
    ) == ["Will the levee hold another flood by 2027?"]


def test_an_organisation_named_with_of_is_named_whole_for_the_bureau() -> None:
    found = speakers(
        "The Vell Bureau of Statistics published new figures on Monday.\nThe bureau expects "
        "unemployment to rise to 9% by the end of 2026."
    )
    assert found == [("Vell Bureau of Statistics", "unemployment to rise to 9% by the end of 2026")]


def test_a_common_noun_that_opened_the_sentence_is_not_capitalised_in_the_title() -> None:
    assert titles("“Unemployment could reach 10% by 2027,” said economist Ana Ferro.") == [
        "Will unemployment reach 10% by 2027?"
    ]
    assert titles("“Vell will grow by 2027,” said economist Ana Ferro of Vell University.") == [
        "Will Vell grow by 2027?"
    ]
