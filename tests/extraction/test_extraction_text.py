"""The assistant's reading of text: checks on input, sentences and quotations, deadlines."""

import datetime as dt

import pytest

from forecasts.extraction.candidates import question_title
from forecasts.extraction.deadlines import suggest_deadline
from forecasts.extraction.errors import InputTooLarge, NotAnArticle, UnsupportedInput
from forecasts.extraction.sentences import find_quotes, parse_document
from forecasts.extraction.service import extract_claims
from forecasts.extraction.text import MAX_TEXT_CHARS, check_article, decode_upload, html_to_article

PROSE = (
    "The harbour council met on Monday to discuss the new ferry timetable for the island. "
    "Members said the service would be reviewed in the spring, and the mayor thanked the crews "
    "for their work during the storms of the past winter."
)


def test_english_prose_is_accepted_and_normalised() -> None:
    assert check_article(f"  {PROSE}\r\n\r\n Second   line here. ") == f"{PROSE}\nSecond line here."


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("NorlandNorland has warned that any blockade will be met", "Norland\nNorland has warned"),
        ("Harbour strikeOn Monday the union said", "Harbour strike\nOn Monday the union said"),
        ("VeyraA ferry is expected to sail", "Veyra\nA ferry is expected"),
        ("NorlandOn Sunday the union said", "Norland\nOn Sunday the union said"),
        # Names with an inner capital, and text with no label, stay as they are.
        ("LinkedIn said it will cut jobs", "LinkedIn said it will cut jobs"),
        ("Route 4A will close for repairs", "Route 4A will close"),
        ("TomTom said the maps will change", "TomTom said"),
        ("Prices of couscous will rise", "Prices of couscous will rise"),
        ("McAllister said the port will reopen", "McAllister said the port"),
        ("PlayStation sales will rise, the maker said", "PlayStation sales will rise"),
        ("DreamWorks Animation said it will grow", "DreamWorks Animation said"),
        ("Norland has warned that a blockade will be met", "Norland has warned"),
    ],
)
def test_a_label_glued_to_the_first_sentence_is_split_off(first_line: str, expected: str) -> None:
    assert check_article(f"{first_line}. {PROSE}").startswith(expected)


def test_a_glued_label_is_no_speaker_and_no_part_of_a_title() -> None:
    text = (
        "NorlandNorland has warned that a blockade of its ports will be met with force. "
        "Southmark's navy has been patrolling the strait since March, and the two "
        "governments have not met since the talks broke down in the autumn. " + PROSE
    )
    candidates = extract_claims(check_article(text))
    assert candidates[0].speaker == "Norland"  # was "NorlandNorland"
    assert "Norland" not in candidates[0].question_title.split()[1]


@pytest.mark.parametrize(
    ("quotation", "title"),
    [
        # Both halves of a single quotation mark go; before, the closer stayed ("version' be").
        (
            "A 'new timetable' should be ready by May 2027.",
            "Will a new timetable be ready by May 2027?",
        ),
        (
            "The 'new ferries' will sail before 3 May 2027.",
            "Will the new ferries sail before 3 May 2027?",
        ),
        # A plural's possessive and an apostrophe inside a word stay.
        (
            "The islands' ferries won't sail before 3 May 2027.",
            "Will the islands' ferries sail before 3 May 2027?",
        ),
    ],
)
def test_titles_drop_single_quotation_marks_but_keep_apostrophes(quotation, title) -> None:
    text = f'The harbour master, Ines Okafor, said: "{quotation}" {PROSE}'
    candidates = extract_claims(check_article(text), published_on=dt.date(2027, 1, 10))
    assert candidates[0].question_title == title


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("Too short to be an article.", "does not look like an article"),
        ("12 34 56 ; 78 90 {} [] " * 40, "does not look like an article"),
        (
            "Die Fähre nach Veyra fährt wieder. Nach neun Tagen Pause verkehrt die Fähre zwischen "
            "Port Callis und der Insel seit Dienstag wieder, sagte die Hafenmeisterin. Ein Sturm "
            "hatte den Anleger schwer beschädigt und die Reparatur kostete drei Millionen Kronen.",
            "does not look like English",
        ),
    ],
)
def test_text_that_is_not_an_english_article_is_refused(text: str, message: str) -> None:
    with pytest.raises(NotAnArticle, match=message) as caught:
        check_article(text)
    assert caught.value.status == 422


def test_huge_text_is_refused_with_413() -> None:
    with pytest.raises(InputTooLarge) as caught:
        check_article(PROSE * (MAX_TEXT_CHARS // len(PROSE) + 1))
    assert caught.value.status == 413


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Café".encode("latin-1") * 20]
)
def test_binary_and_non_utf8_uploads_are_refused_with_415(data: bytes) -> None:
    with pytest.raises(UnsupportedInput) as caught:
        decode_upload(data)
    assert caught.value.status == 415


def test_html_main_text_title_and_date_come_from_the_page() -> None:
    html = (
        "<html><head><title>Ferry news</title>"
        '<meta property="article:published_time" content="2026-03-05"></head><body>'
        "<nav>Home | Sport | Weather</nav><article><h1>Ferry returns</h1>"
        f"<p>{PROSE}</p><p>{PROSE}</p></article><footer>© Harbour Press</footer></body></html>"
    )
    article = html_to_article(html)
    assert PROSE in article.text
    assert "Sport | Weather" not in article.text
    assert article.published_on == dt.date(2026, 3, 5)


def test_a_quotation_spanning_sentences_is_one_quote_with_its_attribution_after() -> None:
    document = parse_document(
        "Headline Without a Full Stop\n"
        "‘The plan has failed. Prices will rise next year,’ Megrabyan said. "
        "Baku’s reply came later."
    )
    paragraph = document.paragraphs[0]
    assert document.headline == "Headline Without a Full Stop"
    assert [q.content for q in paragraph.quotes] == [
        "The plan has failed. Prices will rise next year,"
    ]
    assert [s.quote for s in paragraph.sentences] == [0, 0, None]


def test_apostrophes_and_short_scare_quotes_are_not_quotations() -> None:
    assert find_quotes("Baku’s policy is ‘logical’ and Russia's too, said Dr. Lenz.") == ()


def test_abbreviations_do_not_end_sentences() -> None:
    document = parse_document("Mr. Lenz met Dr. Holm in the U.S. capital. They talked for hours.")
    assert len(document.sentences) == 2


@pytest.mark.parametrize(
    ("claim", "deadline"),
    [
        ("rates will fall by the end of 2027", dt.date(2027, 12, 31)),
        ("the line will open before March 2026", dt.date(2026, 2, 28)),
        ("the bank will cut rates before the end of 2026", dt.date(2026, 12, 31)),
        ("prices will rise next year", dt.date(2026, 12, 31)),
        ("the plant will close by 1 July 2026", dt.date(2026, 7, 1)),
        ("the plant will close by July 1, 2026", dt.date(2026, 7, 1)),
        ("a deal will come within two years", dt.date(2027, 6, 1)),
        ("a deal will be reached within the next two days", dt.date(2025, 6, 3)),
        ("the ferry will sail in ten days", dt.date(2025, 6, 11)),
        ("the strike will end by August 20", dt.date(2025, 8, 20)),
        # No number: as "in the coming weeks" (30 days, 90 days, 180 days, three years).
        ("the pump should be working within weeks", dt.date(2025, 8, 30)),
        ("an order may come within a few days", dt.date(2025, 7, 1)),
        ("the fire will be out within hours", dt.date(2025, 6, 2)),
        ("the pier will reopen before 3 March", dt.date(2026, 3, 2)),
        ("a storm may hit in the week from August 14 to August 20", dt.date(2025, 8, 20)),
        ("the tram will run by the summer of 2027", dt.date(2027, 8, 31)),
        ("talks will fail by the end of November", dt.date(2025, 11, 30)),
    ],
)
def test_a_date_named_in_the_claim_is_the_suggested_deadline(claim: str, deadline: dt.date) -> None:
    suggested, why = suggest_deadline(claim, dt.date(2025, 6, 1), 365)
    assert suggested == deadline
    assert why.startswith("named in the claim")


def test_without_a_date_the_deadline_is_the_horizon_after_publication() -> None:
    suggested, why = suggest_deadline("the standoff will deepen", dt.date(2025, 6, 1), 365)
    assert suggested == dt.date(2026, 6, 1)
    assert why == "default: 365 days after publication"


def test_a_past_date_in_the_claim_is_ignored() -> None:
    assert suggest_deadline("as in 2024, it will", dt.date(2025, 6, 1), 30) == (
        dt.date(2025, 7, 1),
        "default: 30 days after publication",
    )


def test_a_deadline_before_the_article_is_kept_in_the_title_and_needs_editing() -> None:
    # A claim's own deadline that is not after the article's date (a wrong or missing date on
    # the source): the title keeps it, gets no second deadline, and must be edited.
    text = (
        "Harbour Notes\nPort analyst Mara Voss said on Monday that the northern quay will "
        "probably close by June 2026.\n"
    )
    [found] = extract_claims(text, published_on=dt.date(2026, 12, 6), horizon_days=365)
    assert found.question_title == "Will the northern quay close by June 2026?"
    assert found.needs_editing
    assert "the date it names is not after the article's date: check both" in (
        found.editing_reasons
    )
    [dated] = extract_claims(text, published_on=dt.date(2026, 3, 2), horizon_days=365)
    assert dated.suggested_deadline == "2026-06-30"
    assert not dated.needs_editing


TITLES = [
    ("Moscow will continue to press Baku", "", "Will Moscow continue to press Baku?"),
    ("the reservoirs will not refill this winter", "", "Will the reservoirs refill this winter?"),
    ("Russia is unable to turn Armenia", "", "Will Russia be able to turn Armenia?"),
    ("I expect water prices to rise by a third", "", "Will water prices rise by a third?"),
    ("the bank to cut its key rate", "expects", "Will the bank cut its key rate?"),
    ("I doubt it will cover the demand", "", "Will it cover the demand?"),
    ("a snap election is a real possibility", "warned", "Will there be a snap election?"),
    ("He will resign before the vote", "", "Will he resign before the vote?"),
    ("Both parties will lose seats", "", "Will both parties lose seats?"),
]


@pytest.mark.parametrize(("clause", "verb", "title"), TITLES)
def test_question_titles_ask_about_the_event_without_its_negation(
    clause: str, verb: str, title: str
) -> None:
    assert question_title(clause, verb, "Vera Ostrova") == title


def test_a_paragraph_of_many_quotations_finds_each_with_its_own_closer() -> None:
    # Each opener takes the first closer after it, and a single mark after punctuation before
    # one after a word; the closers are indexed once per paragraph (this used to be quadratic).
    text = " ".join(
        f"“Pier {n} will flood,” she said, and ‘the crane on dock {n}’s pier will tip,’ too."
        for n in range(400)
    )
    quotes = find_quotes(text)
    assert [q.content for q in quotes[:2]] == [
        "Pier 0 will flood,",
        "the crane on dock 0’s pier will tip,",
    ]
    assert len(quotes) == 800
    assert all(text[q.start] in "“‘" and text[q.end - 1] in "”’" for q in quotes)
