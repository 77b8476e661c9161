"""Open questions like a new one, most similar first (selectors.similar), on PostgreSQL
(pg_trgm, full text) and SQLite (the same measure in Python), and over the API."""

import datetime as dt

import pytest

from forecasts.models import Question
from forecasts.selectors.similar import similar_questions, trigram_similarity
from forecasts.services import get_or_create_topic
from tests.builders import make_question

pytestmark = pytest.mark.django_db


def test_trigram_similarity_is_pg_trgm_measure():
    assert trigram_similarity("word", "word") == 1.0
    assert trigram_similarity("word", "two words") == pytest.approx(4 / 11)  # as pg_trgm says
    assert trigram_similarity("", "word") == 0.0


@pytest.fixture
def ferry(today):
    return make_question(
        "Will the Port Elmore ferry restart before March?", deadline=today + dt.timedelta(days=90)
    )


def test_most_similar_open_questions_come_first(ferry, today):
    later = today + dt.timedelta(days=90)
    near = make_question("Will the Port Elmore ferry restart by April?", deadline=later)
    make_question("Will the tram open this summer?", deadline=later)
    closed = make_question(  # the same title a day later: a twin would be refused
        "Will the Port Elmore ferry restart before March?", deadline=later + dt.timedelta(days=1)
    )
    Question.objects.filter(pk=closed.pk).update(status=Question.Status.DUE)
    found = similar_questions("Will the Port Elmore ferry restart before March?")
    assert [s.question for s in found] == [ferry, near]
    assert found[0].score > found[1].score


def test_deadline_and_topic_break_ties_of_title(today):
    transport = get_or_create_topic(name="Transport")
    far = make_question("Will the ferry strike end?", deadline=today + dt.timedelta(days=400))
    close = make_question("Will the ferry strike end?", deadline=today + dt.timedelta(days=30))
    tagged = make_question(
        "Will the ferry strike end?", deadline=today + dt.timedelta(days=500), topics=[transport]
    )
    by_deadline = similar_questions(
        "Will the ferry strike end?", deadline=today + dt.timedelta(days=35)
    )
    assert by_deadline[0].question == close
    by_topic = similar_questions("Will the ferry strike end?", topic_ids=[transport.pk])
    assert by_topic[0].question == tagged
    assert {s.question for s in by_topic} == {far, close, tagged}


def test_a_few_words_of_a_title_find_it_on_every_database(ferry, today):
    """A short query (what an editor types) is far from a long title by trigrams alone, but
    holds all of its own words: both backends offer the question. SQLite used to find nothing
    (its fallback knew only the trigram threshold)."""
    treaty = make_question(
        "Will the coastal states of Norland and Southmark finally sign their long-delayed "
        "fisheries treaty by 30 June 2027?",
        deadline=today + dt.timedelta(days=400),
    )
    assert trigram_similarity("fisheries treaty Norland", treaty.title) < 0.3
    assert [s.question for s in similar_questions("fisheries treaty Norland")] == [treaty]
    assert [s.question for s in similar_questions("Norland treaties")] == [treaty]  # a plural
    assert similar_questions("fisheries treaty Eastvale") == []  # a word no title holds
    # Short words are not folded ("news" is not "new"), and words full text ignores do not
    # count on their own.
    make_question("Will the new coastal ferry sail by 2027?", deadline=treaty.deadline)
    assert similar_questions("news") == []
    assert similar_questions("its") == []


def test_nothing_alike_finds_nothing(ferry):
    assert similar_questions("Who wins the chess olympiad?") == []
    assert similar_questions("   ") == []


def test_api_similar_to_lists_most_similar_first(ferry, api_as, today):
    make_question("Will the Port Elmore ferry restart by April?", deadline=ferry.deadline)
    response = api_as().get(
        "/api/questions/",
        {"similar_to": "Will the Port Elmore ferry restart before March?", "limit": 1},
    )
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [r["id"] for r in results] == [ferry.pk]
    assert results[0]["similarity"] == pytest.approx(1.0)


def test_api_similar_to_says_what_to_fix(api_as):
    response = api_as().get("/api/questions/", {"similar_to": "x", "near_deadline": "soon"})
    assert response.status_code == 400
    assert "near_deadline" in response.json()["detail"]


def test_api_similar_to_refuses_a_lists_parameters_it_would_ignore(api_as):
    # ?similar_to=…&status=resolved&page=2 answered open questions, page 1, without a word.
    response = api_as().get(
        "/api/questions/", {"similar_to": "ferry", "status": "resolved", "page": 2}
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["page", "status"]
    assert "takes limit, near_deadline, similar_to, topic" in errors["status"][0]


def test_titles_alike_only_in_their_boilerplate_are_not_offered(today):
    # QA: "Will the bank cut rates by 31 December 2027?" was offered for a question about a
    # port, on the strength of "Will the … by 31 December 2027?" alone.
    deadline = dt.date(2027, 12, 31)
    make_question("Will the central bank cut rates by 31 December 2027?", deadline=deadline)
    port = make_question("Will the Port Elmore quay reopen by 31 December 2027?", deadline=deadline)
    found = similar_questions("Will the Elmore quay reopen by 31 December 2027?", deadline=deadline)
    assert [s.question for s in found] == [port]
