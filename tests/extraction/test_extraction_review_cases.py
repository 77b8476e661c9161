"""Sentences a review of session 14's rules found them getting wrong, each in words of our own:
the rules' own reach, checked at its edges."""

import pytest

from tests.extraction_support import claims, forecasts


def titles(body: str) -> list[str]:
    return [c.question_title for c in forecasts(body)]


@pytest.mark.parametrize(
    ("body", "title"),
    [
        (
            "Senator Ada Brook said the proposed levy was rejected by the council and will be "
            "brought back next year.",
            "Will the proposed levy be brought back in 2027?",
        ),
        (
            "Police said the injured pilot was taken to hospital and would undergo surgery on "
            "Friday.",
            "Will the injured pilot undergo surgery on Friday (6 March 2026)?",
        ),
        (
            "Police said the boat found in the river will be examined next week.",
            "Will the boat found in the river be examined in the week of 9 March 2026?",
        ),
        (
            "Economist Ada Brook said the signal from the central bank will lift the dollar next "
            "year.",
            "Will the signal from the central bank lift the dollar in 2027?",
        ),
        (
            "Economist Ada Brook said if the council raises the levy the harbour will suffer "
            "next year.",
            "Will the harbour suffer in 2027, if the council raises the levy?",
        ),
    ],
)
def test_a_participle_or_a_noun_is_not_taken_for_a_verb_or_a_frame(body: str, title: str) -> None:
    assert titles(body) == [title]


@pytest.mark.parametrize(
    ("event", "question"),
    [
        ("the talks collapse", "Will the talks collapse"),
        ("interest rates rise", "Will interest rates rise"),
        ("the rebel forces capture him", "Will the rebel forces capture him"),
        ("the news spreads", "Will the news spread"),
        ("his troops are defeated", "Will his troops be defeated"),
    ],
)
def test_a_matter_of_time_keeps_a_plural_subject_whole(event: str, question: str) -> None:
    body = f"Ports Minister Ivo Lind says it is just a matter of time before {event}."
    assert titles(body)[0].startswith(question + " ")


@pytest.mark.parametrize(
    ("body", "speaker"),
    [
        ("Harbour Bank Governor Ivo King said rents will rise next year.", "Ivo King"),
        (
            "Ada Bishop spoke in Portmere. Ms Bishop said the ferry will stop next year.",
            "Ada Bishop",
        ),
        (
            "Mayor Ivo Lind considers the deal fair and said exports will rise next year.",
            "Ivo Lind",
        ),
    ],
)
def test_surnames_that_are_also_titles_and_verbs_in_ers_keep_the_speaker(
    body: str, speaker: str
) -> None:
    assert [c.speaker for c in forecasts(body)] == [speaker]


def test_a_contrast_after_a_comma_is_not_joined_to_the_claim_as_a_list() -> None:
    body = "Economist Ada Brook said the levy will cut costs by 2027, but Treasury disagrees."
    assert [c.claim for c in forecasts(body)] == ["the levy will cut costs by 2027"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("The Opposition says the Government will raise taxes next year.", "forecast"),
        (
            "Opposition Leader Ivo Lind says the Court will overturn the ruling next year.",
            "forecast",
        ),
        (
            "The Ports Minister, Ivo Lind, says the Government would not change the levy next "
            "year.",
            "plan",
        ),
        (
            "Ada Brook, an analyst, said Ivo Lind could be expelled from the party next week.",
            "forecast",
        ),
        (
            "Meteorologist Ada Brook said schools could be closed if the storm hits on Monday.",
            "forecast",
        ),
    ],
)
def test_a_government_is_the_speakers_own_only_for_its_ministers(body: str, kind: str) -> None:
    assert [c.kind for c in claims(body)] == [kind]


def test_it_after_a_singular_noun_ending_in_s_takes_that_noun() -> None:
    body = "Economist Ada Brook said the crisis will end next year. She said it will cost billions."
    assert titles(body)[1].startswith("Will the crisis cost billions")


def test_the_state_is_not_named_after_the_united_states() -> None:
    body = (
        "The United States has sent aid. Vellmark Premier Ivo Lind said the state will run "
        "short of water next year."
    )
    assert "United States" not in claims(body)[0].question_title


@pytest.mark.parametrize(
    ("body", "claim"),
    [
        (
            "Ada Brook said today the deal that was signed in spring will collapse next year.",
            "the deal that was signed in spring will collapse next year",
        ),
        ("Ada Brook said on Tuesday that the quay will close.", "the quay will close"),
        ("Ada Brook said in a statement that the port would shut.", "the port would shut"),
        ("Ada Brook said last week that rents will fall.", "rents will fall"),
    ],
)
def test_said_skips_when_and_where_before_that_but_never_a_noun(body: str, claim: str) -> None:
    assert [c.claim for c in forecasts(body)] == [claim]
