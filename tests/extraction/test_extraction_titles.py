"""Question titles from the shapes real reporting gives a claim: contractions, an opinion frame
after a clause of narrative, an aside after the forecast, a term quoted as "what she called",
and "we will see / have" (an event, not the speaker's doing). Sentences of our own words."""

import pytest

from forecasts.extraction.questions import question_title, title_problems


@pytest.mark.parametrize(
    ("clause", "title"),
    [
        # A contraction hid the modal: the whole clause became "Will it come true that …".
        (
            "I think we're also likely to see a rise in ferry fares",
            "Will there be a rise in ferry fares?",
        ),
        (
            "they're going to close the northern quay",
            "Will they close the northern quay?",
        ),
        # Narrative first, then the opinion frame: the question is what the frame governs.
        (
            "The pumping station was flooded too, so I think we are going to have water cuts",
            "Will there be water cuts?",
        ),
        (
            "The ferry was late again, and I believe the timetable will change by June",
            "Will the timetable change by June?",
        ),
        # An aside after the forecast is not part of it.
        (
            "There is a chance that the same heron would come back, so I hope they fence the pond",
            "Will the same heron come back?",
        ),
        (
            "the levee will hold, but we are watching it closely",
            "Will the levee hold?",
        ),
        # The term the speaker coined stays; the frame around it goes.
        (
            "the drought will trigger what she called “a slow exodus” from the valley",
            "Will the drought trigger “a slow exodus” from the valley?",
        ),
        (
            "the drought will cause what she described as “mass migration",
            "Will the drought cause mass migration?",
        ),
        # "we will see / have X" asks whether X happens, whoever "we" are.
        ("we will see more storms on the coast", "Will there be more storms on the coast?"),
        (
            "we could have a new harbour master by spring",
            "Will there be a new harbour master by spring?",
        ),
    ],
)
def test_titles_keep_the_proposition_alone(clause: str, title: str) -> None:
    assert question_title(clause, "said", "Mara Voss") == title
    # Titles whose subject only the article explains are flagged, whatever their shape.
    assert title_problems(title) == [] or title.startswith(("Will they", "Will the same"))


def test_we_have_a_thing_already_named_is_not_an_event() -> None:
    title = question_title("we will have the fire out by noon", "said", "Mara Voss")
    assert title == "Will we have the fire out by noon?"


def test_we_have_a_participle_is_not_an_event() -> None:
    # "we will have finished": the speaker's own doing, not "there will be finished …".
    title = question_title("we will have finished the dam by May", "said", "Mara Voss")
    assert title == "Will we have finished the dam by May?"


def test_i_know_is_a_frame_and_what_is_left_still_needs_the_article() -> None:
    title = question_title("I know this is going to work", "said", "Mara Voss")
    assert title == "Will this work?"
    assert "its subject needs the article to be understood" in title_problems(title)


@pytest.mark.parametrize(
    ("clause", "title"),
    [
        (
            "there is the “prospect of a fair settlement” being reached within two weeks",
            "Will a fair settlement be reached within two weeks?",
        ),
        (
            "there is a real chance of the old bridge being closed by winter",
            "Will the old bridge be closed by winter?",
        ),
        ("the flood barrier will not fail, nor will the pumps", "Will the flood barrier fail?"),
    ],
)
def test_prospects_and_trailing_nor(clause: str, title: str) -> None:
    assert question_title(clause, "said", "Mara Voss") == title
    assert title_problems(title) == []


@pytest.mark.parametrize(
    "title",
    [
        "Will it be impossible to prove who opened the sluice gate by 2027?",
        "Will it be difficult for the ferry company to hire crews by 2027?",
        "Will it snow in Port Aven before 1 December 2026?",
    ],
)
def test_an_empty_it_needs_no_article(title: str) -> None:
    assert title_problems(title) == []


@pytest.mark.parametrize(
    "title", ["Will it be closed by 2027?", "Will it be impossible by 2027?", "Will it fail?"]
)
def test_an_it_that_points_back_is_still_flagged(title: str) -> None:
    assert "its subject needs the article to be understood" in title_problems(title)


@pytest.mark.parametrize(
    ("subject_word", "article", "title"),
    [
        # The word written in lower case elsewhere: a common noun that opened the sentence.
        ("Rents", "Harbour rents rose.", "Will rents fall by 2027?"),
        # Capitalised after a lower-case word: a name, kept.
        ("Rowan", "We met Rowan today.", "Will Rowan fall by 2027?"),
        # Never seen elsewhere: a sentence opener, lowered.
        ("Rents", "Nothing else.", "Will rents fall by 2027?"),
        # Not a plain word: looked up as written.
        ("Trans-Valley", "the trans-valley line", "Will trans-valley fall by 2027?"),
        ("Trans-Valley", "The line, Trans-Valley, is old.", "Will Trans-Valley fall by 2027?"),
    ],
)
def test_a_capitalised_subject_is_lowered_unless_the_article_writes_it_as_a_name(
    subject_word: str, article: str, title: str
) -> None:
    assert (
        question_title(f"{subject_word} will fall by 2027", "said", "Mara Voss", article) == title
    )


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        # A pronoun or demonstrative anywhere in the title, not only as its subject.
        (
            "Will residents be able to return to their homes by 1 May 2027?",
            "a pronoun refers back into the article",
        ),
        ("Will anglers be surprised by it by 2027?", "a pronoun refers back into the article"),
        (
            "Will the ferry fares rise, if that happens before 2027?",
            "a pronoun refers back into the article",
        ),
        (
            "Will more tourists visit the valley to watch this festival by 2027?",
            "“this” or “these” points back into the article",
        ),
        # The nouns reporting uses for what it has just described, as the subject.
        (
            "Will the situation become dangerous by 1 June 2027?",
            "its subject needs the article to be understood",
        ),
        (
            "Will the latest closures cut traffic by 2027?",
            "its subject needs the article to be understood",
        ),
        ("Will the rate reach 9% by 2027?", "its subject needs the article to be understood"),
        # What a sentence cut at the wrong place leaves.
        ("Will in March of in 2027 that fares rise?", "it is not a grammatical question"),
        (
            "Will expressed concern that the quay close by 2027?",
            "it is not a grammatical question",
        ),
        ("Will Norland is likely to win the cup by 2027?", "it is not a grammatical question"),
    ],
)
def test_what_only_the_article_explains_is_flagged_anywhere(title: str, problem: str) -> None:
    assert problem in title_problems(title)


@pytest.mark.parametrize(
    "title",
    [
        "Will the rate of inflation in Norland reach 9% by 2027?",
        "Will the government of Norland fall before 1 June 2027?",
        "Will it rain in Port Aven on 1 May 2027?",
        "Will the port be as busy as it is now on 1 May 2027?",
        "Will imports that are taxed fall by 2027?",
        "Will the regional regulator approve the tariff increase by September 2026?",
        "Will the Trans-Valley pipeline be completed before the end of 2027?",
    ],
)
def test_named_or_empty_references_are_not_flagged(title: str) -> None:
    assert title_problems(title) == []
