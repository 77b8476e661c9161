"""Offices before names, "a matter of time", counterfactuals and hopes: rule families found on
the Lee corpus's development split (wire copy from another newsroom than Wikinews), each
checked in sentences of our own."""

import pytest

from tests.extraction_support import claims, forecasts


def said(body: str) -> list[tuple[str, str]]:
    return [(c.speaker, c.claim) for c in forecasts(body)]


@pytest.mark.parametrize(
    "body",
    [
        "Regional Treasurer Ivo Lind says the harbour levy will raise $4 million.",
        "Harbour Party MP Ivo Lind says the harbour levy will raise $4 million.",
        "Opposition Leader Ivo Lind says the harbour levy will raise $4 million.",
        "The acting Ports Minister, Ivo Lind, says the harbour levy will raise $4 million.",
        "Secretary of State Ivo Lind says the harbour levy will raise $4 million.",
        "The Dockers, Pilots and Tug Crews Union's (DPTU) Ivo Lind says the harbour levy will "
        "raise $4 million.",
    ],
)
def test_the_office_before_a_name_is_not_part_of_the_name(body: str) -> None:
    assert said(body) == [("Ivo Lind", "the harbour levy will raise $4 million")]


@pytest.mark.parametrize(
    "title",
    ["Deputy Ports Secretary", "Foreign Affairs Minister", "Assistant Secretary of State"],
)
def test_a_later_mister_is_the_titled_person_named_earlier(title: str) -> None:
    body = (
        f"{title} Ivo Lind visited the docks on Tuesday. Mr Lind says the harbour levy will "
        "raise $4 million."
    )
    assert said(body) == [("Ivo Lind", "the harbour levy will raise $4 million")]


def test_an_ambassador_to_a_place_is_the_person_after_the_place() -> None:
    body = (
        "“The pilots will strike within a week,” former harbour ambassador to Vellmark Ada "
        "Marie Brook told a radio station."
    )
    assert said(body) == [("Ada Marie Brook", "The pilots will strike within a week")]


@pytest.mark.parametrize(
    "body",
    [
        "Ports Minister Ivo Lind toured the docks. He has told a meeting of shippers that the "
        "harbour levy may raise $4 million.",
        "Ports Minister Ivo Lind toured the docks. He has told Radio Vell, the harbour levy may "
        "raise $4 million.",
        "Ports Minister Ivo Lind now believes the harbour levy may raise $4 million.",
    ],
)
def test_an_auxiliary_or_an_adverb_before_the_reporting_verb_keeps_the_speaker(body: str) -> None:
    assert said(body) == [("Ivo Lind", "the harbour levy may raise $4 million")]


def test_a_matter_of_time_before_an_event_asks_whether_it_will_happen() -> None:
    found = forecasts(
        "Ports Minister Ivo Lind says it is just a matter of time before the old crane is "
        "dismantled."
    )
    assert [(c.speaker, c.question_title) for c in found] == [
        ("Ivo Lind", "Will the old crane be dismantled by 4 March 2027?")
    ]
    assert found[0].probability is None  # no table phrase: the editor sets it


def test_a_matter_of_time_before_we_do_something_is_a_plan() -> None:
    found = claims("“It is only a matter of weeks before we open the new quay,” Ivo Lind said.")
    assert [(c.kind, c.question_title) for c in found] == [
        ("plan", "Will we open the new quay by 4 March 2027?")
    ]


@pytest.mark.parametrize(
    "body",
    [
        "“We would've preferred the quay to open a month ago,” said economist Ivo Lind.",
        "“The quay was damaged and hopefully it will never happen again,” said economist Ivo Lind.",
        "Economist Ivo Lind says all the council has is the hope the levy will cover the cost.",
        "Preliminary reports suggest a crane failure might be behind the damage to the quay.",
    ],
)
def test_counterfactuals_hopes_and_unnamed_reports_are_not_forecasts(body: str) -> None:
    assert forecasts(body) == []


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Ports Minister Ivo Lind says foreign tugs would not be allowed in the harbour.", "plan"),
        ("Ports Minister Ivo Lind says he expects to visit the quay in March.", "plan"),
        ("Ports Minister Ivo Lind says he expects to be proved right about the levy.", "forecast"),
    ],
)
def test_permissions_and_the_speakers_own_expected_acts_are_plans(body: str, kind: str) -> None:
    assert [c.kind for c in claims(body)] == [kind]


@pytest.mark.parametrize(
    ("body", "kinds"),
    [
        (
            "Vellish Ports Minister Ivo Lind says up to 300 Vellish troops will guard the quay.",
            ["plan"],
        ),
        ("Vellmark's President Ivo Lind says Vellmark will never close the strait.", ["plan"]),
        ("Vellish Ports Minister Ivo Lind says Osterland will close the strait.", ["forecast"]),
        ("Vellish Ports Minister Ivo Lind says Vellish troops will face danger.", ["forecast"]),
        (
            "Vellish Ports Minister Ivo Lind says he is prepared to meet the pilots next week.",
            ["plan"],
        ),
        ("Ports Minister Ivo Lind says the Government will not change the levy.", ["plan"]),
        ("Ports Minister Ivo Lind says the weather will change on Monday.", ["forecast"]),
    ],
)
def test_a_state_acting_through_its_own_official_is_a_plan(body: str, kinds: list[str]) -> None:
    assert [c.kind for c in claims(body)] == kinds


def test_a_warning_from_someone_that_is_their_forecast_and_a_post_nominal_is_not_a_name() -> None:
    body = (
        "There was a warning from Counsel Assisting the Inquiry, Ada Brook QC, that there would "
        "be charges against anyone involved in threatening a witness."
    )
    assert said(body) == [
        ("Ada Brook", "there would be charges against anyone involved in threatening a witness")
    ]


def test_a_relative_clause_between_subject_and_verb_leaves_the_claim_whole() -> None:
    body = (
        "Administrator Ivo Lind says the sale, which is yet to be approved by creditors, will "
        "unfortunately leave hundreds of people who booked trips out of pocket."
    )
    found = forecasts(body)
    assert [c.claim for c in found] == [
        "the sale will unfortunately leave hundreds of people who booked trips out of pocket"
    ]
    assert found[0].question_title.startswith("Will the sale leave hundreds of people")


def test_a_hyphenated_first_name_is_found_for_a_later_surname() -> None:
    body = (
        "The pair of Ada Brook and Jean-Luc Marrow won the cup final. Marrow said the win was "
        "welcome. “I will be fit by the end of the season,” he said."
    )
    assert said(body) == [("Jean-Luc Marrow", "I will be fit by the end of the season")]


def test_a_where_and_when_aside_between_a_name_and_its_verb_keeps_the_speaker() -> None:
    body = (
        "Army commander Ivo Bren said he believed the rebels had left the valley. Defence "
        "Secretary Ada Marrow, on a visit to the troops at the river base outside the capital, "
        "said the war was not over. “The rebels could regroup in the hills,” she said."
    )
    assert said(body) == [("Ada Marrow", "The rebels could regroup in the hills")]


def test_a_bureau_that_is_forecasting_a_noun_phrase_asks_whether_there_will_be_it() -> None:
    found = forecasts(
        "The weather bureau is forecasting temperatures in the high 30s until at least Friday."
    )
    assert [c.question_title for c in found] == [
        "Will there be temperatures in the high 30s until at least Friday (6 March 2026)?"
    ]


def test_a_place_before_a_plural_noun_is_not_the_speaker() -> None:
    body = (
        "Vellmark Harbour firefighters are hoping calmer winds will help today but are "
        "predicting a hard weekend."
    )
    assert [c.speaker for c in forecasts(body)] == []


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("The Vellish Government says for now, the Vellish mission will stay in port.", "plan"),
        ("The Vellish Government says the Vellish troops will leave in March.", "plan"),
        ("The Vellish Government says the rebels will leave in March.", "forecast"),
        ("The Vellish Government says prices will stay high.", "forecast"),
    ],
)
def test_a_states_own_body_announcing_its_forces_moves_is_a_plan(body: str, kind: str) -> None:
    assert [c.kind for c in claims(body)] == [kind]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("Airline chief Ivo Lind says some repair work could be outsourced to Vellmark.", "plan"),
        (
            "Ports Minister Ivo Lind says the fall in arrivals is a sign the Government would not "
            "change the levy.",
            "plan",
        ),
        (
            "Ports Minister Ivo Lind says the fall in arrivals is a sign the levy will rise.",
            "forecast",
        ),
    ],
)
def test_an_option_held_and_a_sign_of_ones_own_policy_are_plans(body: str, kind: str) -> None:
    assert [c.kind for c in claims(body)] == [kind]


@pytest.mark.parametrize(
    ("body", "kinds"),
    [
        (
            "Harbour Bank Governor Ivo Lind says it is highly unlikely that the Harbour Bank will "
            "raise its fees in the next six months.",
            ["plan"],
        ),
        (
            "Harbour Bank Governor Ivo Lind says the economy will recover next year.",
            ["forecast"],
        ),
        ("Tennis player Ivo Lind says his first objective will be to reach the final.", ["plan"]),
        ("Ports Minister Ivo Lind says we won't be rushed into a new levy next year.", ["plan"]),
        ("Ports Minister Ivo Lind says we won't win the vote next year.", ["forecast"]),
    ],
)
def test_a_body_the_speaker_heads_aims_and_stances_are_plans(body: str, kinds: list[str]) -> None:
    assert [c.kind for c in claims(body)] == kinds


def test_a_chance_about_the_past_is_not_a_forecast() -> None:
    body = (
        "President Ivo Lind says there is a strong possibility the rebel leader could have been "
        "killed in the raid."
    )
    assert forecasts(body) == []
