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
