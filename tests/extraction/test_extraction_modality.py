"""Issue 18, session 8: modality that decides whether a clause forecasts, each rule in
sentences of our own (fictional people and places)."""

import pytest

from tests.extraction_support import claims, forecasts

# --- "we'll": the contracted "will" -----------------------------------------------------------


def test_a_contracted_will_is_a_forecast_with_the_bare_will_probability() -> None:
    found = forecasts("“We'll have the blaze out within hours,” said fire chief Oren Pike.")
    assert [(c.speaker, c.probability) for c in found] == [("Oren Pike", 0.95)]
    assert found[0].question_title.startswith("Will we have the blaze out within hours")


@pytest.mark.parametrize(
    "sentence",
    [
        "“We'll open the new terminal in June,” said airport chief Ida Lund.",
        # the pronoun under a frame is the clause's subject: her own action
        "“I don't imagine I'll sing in that hall again,” said tenor Mira Tal.",
    ],
)
def test_a_contracted_will_of_the_speakers_own_action_is_a_plan(sentence: str) -> None:
    assert [c.kind for c in claims(sentence)] == ["plan"]


# --- "should" of expectation, not of obligation ----------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "“The repaired ferry should be back in service by June,” said harbour master Ida Lund.",
            "Will the repaired ferry be back in service by June",
        ),
        (
            "Engineer Omar Vale said the river should fall by Friday.",
            "Will the river fall by Friday",
        ),
        (
            "Engineer Omar Vale said the new pump should be working within weeks.",
            "Will the new pump be working within weeks",
        ),
    ],
)
def test_should_with_a_thing_and_a_near_time_is_an_expectation(sentence: str, title: str) -> None:
    found = forecasts(sentence)
    assert len(found) == 1
    assert found[0].question_title.startswith(title)
    assert found[0].probability is None  # "should" is not in the verbal table: the editor sets it


@pytest.mark.parametrize(
    "sentence",
    [
        "“We should act soon,” said harbour master Ida Lund.",  # advice to oneself
        "“The port's director should resign by Friday,” said Mayor Ada Brook.",  # a call
        "“The smugglers should be punished soon,” said harbour master Ida Lund.",  # a duty
        "“Ferries should be cheaper,” said harbour master Ida Lund.",  # no time: a judgement
        "“The ferry should not sail before the hull is mended,” said harbour master Ida Lund.",
    ],
)
def test_should_of_obligation_or_advice_is_not_a_forecast(sentence: str) -> None:
    assert claims(sentence) == []


# --- what is not a forecast although it holds a modal ----------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # the speaker says the future is not known
        "Mayor Ada Brook said it is still unclear whether the bridge will reopen.",
        "“It remains to be seen what the new board will do,” said harbour master Ida Lund.",
        # waiting, not forecasting
        "“We'll see what happens,” said coach Ida Lund.",
        "“Only time will tell whether the port recovers,” said coach Ida Lund.",
        # a passive report names no source, inside whoever's sentence it stands
        "Mayor Ada Brook said the ferry was sold; it is rumoured that the buyer will rename it.",
        # perception in a past scene
        "“We could tell the water was rising,” said survivor Omar Vale.",
        # a capital "Will" inside a clause is a name
        "Mayor Ada Brook said the gala was to star singers such as Will Tarrow.",
    ],
)
def test_unknowns_hearsay_past_perception_and_a_man_named_will_are_not_forecasts(
    sentence: str,
) -> None:
    assert forecasts(sentence) == []


def test_the_region_could_see_rain_is_still_a_forecast() -> None:
    found = forecasts("Forecaster Ida Lund said the valley could see heavy rain on Friday.")
    assert [c.speaker for c in found] == ["Ida Lund"]


def test_because_of_is_a_phrase_not_a_second_claim() -> None:
    found = forecasts(
        "Hydrologist Nell Ostrow warned that the delta could lose its farms because of the drought."
    )
    assert [c.claim for c in found] == ["the delta could lose its farms because of the drought"]


# --- plans: announcements, "all our …", the main clause after a condition ---------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Studio head Ana Ferro announced that actor Omar Vale will be voicing the keeper.",
        "Governor Ada Brook announced that Omar Vale would be Harbour Master.",
        "“All our crews will be working through the night,” said harbour master Ida Lund.",
        # the aux of a condition ("want to pay") is not the main clause's
        "Harbour master Ida Lund said: “The owners know that if they don't want to pay, as ever, "
        "we are going to close the quay.”",
    ],
)
def test_announced_appointments_and_the_speakers_own_actions_are_plans(sentence: str) -> None:
    assert [c.kind for c in claims(sentence)] == ["plan"]


def test_an_announced_forecast_of_a_storm_stays_a_forecast() -> None:
    found = claims("The Coastal Bureau announced that the cyclone will strengthen overnight.")
    assert [(c.kind, c.speaker) for c in found] == [("forecast", "Coastal Bureau")]


# --- where the claim and its speaker are: quotations that finish a clause, relative clauses
# under a forecast verb, reports and their authors ---------------------------------------------


def test_a_quotation_finishing_a_clause_keeps_the_subject_and_modal_before_it() -> None:
    found = forecasts(
        "Mayor Ada Brook said the new ferry timetable will, “bring the islands closer to the "
        "mainland than ever”."
    )
    assert [(c.speaker, c.claim) for c in found] == [
        (
            "Ada Brook",
            "the new ferry timetable will bring the islands closer to the mainland than ever",
        )
    ]


def test_a_relative_clause_under_a_forecast_verb_is_a_claim_about_the_noun_before_it() -> None:
    found = forecasts(
        "Mayor Ada Brook said the town is ready for the regatta, which we fully expect will draw "
        "record crowds."
    )
    assert [c.claim for c in found] == ["the regatta will draw record crowds"]


def test_a_hope_in_a_relative_clause_is_not_a_forecast() -> None:
    body = "“We are ready for the regatta, which we hope will draw crowds,” said Mayor Ada Brook."
    assert forecasts(body) == []


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "According to a Tidewater report in the Harbour Gazette the port workers are likely to "
            "strike in spring.",
            "Tidewater",
        ),
        (
            "A study published last week in the Harbour Gazette by economist Ada Brook of the Vell "
            "Institute claims rents may double within two years.",
            "Ada Brook",
        ),
    ],
)
def test_a_report_speaks_for_its_named_source_or_author(sentence: str, speaker: str) -> None:
    assert [c.speaker for c in forecasts(sentence)] == [speaker]


# --- between a subject and its verb; a second reporting verb governs its own claim -----------


@pytest.mark.parametrize(
    "sentence",
    [
        "Mayor Ada Brook, however, claims that the tide will turn.",
        "Mayor Ada Brook repeatedly claims that the tide will turn.",
    ],
)
def test_an_aside_or_adverb_before_the_verb_does_not_hide_the_speaker(sentence: str) -> None:
    assert [(c.speaker, c.claim) for c in forecasts(sentence)] == [
        ("Ada Brook", "the tide will turn")
    ]


def test_a_second_reporting_verb_governs_its_own_claim() -> None:
    # "announced" would make the claim an announced plan; "said" makes it a forecast
    found = claims(
        "Mayor Ada Brook announced the regatta in 2024 and said that it would draw record crowds."
    )
    assert [(c.kind, c.claim) for c in found] == [("forecast", "it would draw record crowds")]


def test_a_quotation_closing_a_narrators_sentence_is_its_attributed_speakers() -> None:
    found = forecasts(
        "Divers found a sealed box near the wreck on Monday, “and the search may take another "
        "week,” said Sergeant Omar Vale."
    )
    assert [(c.speaker, c.claim) for c in found] == [
        ("Omar Vale", "the search may take another week")
    ]


def test_on_the_brink_of_is_a_forecast_in_the_present_only() -> None:
    said = "“The old bridge is on the brink of collapse,” said engineer Omar Vale."
    assert [c.speaker for c in forecasts(said)] == ["Omar Vale"]
    past = "Engineer Omar Vale said the old bridge was on the brink of collapse in 2019."
    assert forecasts(past) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "“The quay will flood by Friday,” Northwind Grid's Ada Brook said.",
        "The Red Cross' Ada Brook said the quay will flood by Friday.",
    ],
)
def test_a_person_after_an_organisations_possessive_is_the_speaker(sentence: str) -> None:
    assert [c.speaker for c in forecasts(sentence)] == ["Ada Brook"]


def test_a_possessive_inside_an_organisations_name_keeps_the_organisation() -> None:
    found = forecasts("Moody's Investors Service said rates will rise.")
    assert [c.speaker for c in found] == ["Moody's Investors Service"]


def test_not_only_but_with_one_subject_is_one_claim_the_stronger_one() -> None:
    one = forecasts(
        "“The drought will not only last, but will spread to the coast,” said hydrologist Nell "
        "Ostrow."
    )
    assert [c.claim for c in one] == ["The drought will spread to the coast"]
    two = forecasts(
        "“Prices will not only rise, but wages will also fall,” said economist Nell Ostrow."
    )
    assert [c.claim for c in two] == ["Prices will rise", "wages will also fall"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Although nobody had asked, Ada Brook, the port's pilot, closed the meeting by saying, "
        "“Ships will come back within a year.”",
        "Ada Brook ended her talk on Monday by saying: “Ships will come back within a year.”",
    ],
)
def test_a_quotation_introduced_by_saying_is_the_sentences_subjects(sentence: str) -> None:
    found = forecasts(sentence)
    assert [(c.speaker, c.claim) for c in found] == [
        ("Ada Brook", "Ships will come back within a year")
    ]


def test_as_safe_as_possible_is_a_manner_not_a_chance() -> None:
    said = "“Crews are working to keep the quay as safe as possible,” said harbour master Ida Lund."
    assert forecasts(said) == []
    chance = "“A second flood is possible,” said harbour master Ida Lund."
    assert [c.speaker for c in forecasts(chance)] == ["Ida Lund"]


def test_a_quotation_after_meaning_or_warning_is_the_subjects() -> None:
    found = forecasts(
        "The Harbour Authority, the port's regulator, has raised the flood level to red, meaning "
        "“the river is expected to burst its banks within hours”."
    )
    assert [c.speaker for c in found] == ["Harbour Authority"]


def test_a_superlative_judged_now_is_not_a_forecast_but_a_record_to_come_is() -> None:
    review = "“The sequel may be the finest of the series,” said critic Omar Vale."
    assert forecasts(review) == []
    storm = "“Cyclone Ada could be the strongest storm to hit the coast since 1990,” said Ida Lund."
    assert [c.speaker for c in forecasts(storm)] == ["Ida Lund"]
    dated = "Economist Ada Brook said inflation could be the highest in the region next year."
    assert [c.speaker for c in forecasts(dated)] == ["Ada Brook"]


def test_a_short_may_be_conceded_before_but_is_not_a_forecast() -> None:
    conceded = "“The new fares may be lower, but the ferries are dirty,” said commuter Omar Vale."
    assert forecasts(conceded) == []
    hedged = (
        "“The new fares may be lower next year, but few will notice,” said economist Omar Vale."
    )
    assert [c.claim for c in forecasts(hedged)] == [
        "The new fares may be lower next year",
        "few will notice",
    ]


@pytest.mark.parametrize(
    ("sentence", "title"),
    [
        (
            "The Harbour Party claimed it was on its way to win 40 of 45 seats.",
            "Will it win 40 of 45 seats",
        ),
        (
            "“The port is on track to handle a million containers next year,” said Ida Lund.",
            "Will the port handle a million containers",
        ),
    ],
)
def test_on_track_to_and_on_its_way_to_are_read_as_will(sentence: str, title: str) -> None:
    found = forecasts(sentence)
    assert len(found) == 1
    assert found[0].question_title.startswith(title)  # the rest of the title is questions.py's


def test_on_its_way_in_the_narrators_past_is_not_a_forecast() -> None:
    assert forecasts("“The ferry was on its way to the island,” said Ida Lund.") == []


def test_we_will_see_with_an_outcome_is_still_a_forecast() -> None:
    found = forecasts("“We will see prices fall by spring,” said economist Ida Lund.")
    assert [c.claim for c in found] == ["We will see prices fall by spring"]
