"""The public pages: leaderboard, expert track record, question; escaping and query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forecasts.models import PredictionScore
from forecasts.services import (
    correct_prediction,
    create_expert,
    get_or_create_source,
    get_or_create_topic,
    record_prediction,
)
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.templatetags import ledger_format
from tests.builders import forecast, late_corrector, make_question, resolve

pytestmark = pytest.mark.django_db(transaction=True)


def _expert_with_calls(name: str, calls: list[tuple[float, str]], by, *, topics=()):
    """An expert with one resolved question per (probability, outcome)."""
    expert = create_expert(name=name, affiliation="Test Institute")
    for i, (p, outcome) in enumerate(calls):
        question = make_question(f"{name}: question {i}?", topics=topics)
        forecast(expert, question, p)
        resolve(question, outcome, by)
    return expert


def _ranked_names(response) -> list[str]:
    return [row.expert.name for row, _ in response.context["ranked"]]


def _provisional_names(response) -> list[str]:
    return [row.expert.name for row, _ in response.context["provisional"]]


@pytest.fixture
def board(carol):
    """Sharp: 5 confident hits. Steady: 8 middling calls. Newcomer: 1 call (provisional)."""
    topic = get_or_create_topic(name="Harbour politics")
    sharp = _expert_with_calls("Sharp Shooter", [(0.9, "yes")] * 5, carol, topics=[topic])
    steady = _expert_with_calls("Steady Eddie", [(0.7, "yes")] * 6 + [(0.7, "no")] * 2, carol)
    newcomer = _expert_with_calls("New Comer", [(0.95, "yes")], carol)
    return {"topic": topic, "sharp": sharp, "steady": steady, "newcomer": newcomer}


# --- Leaderboard ---------------------------------------------------------------------------


def test_leaderboard_ranks_experts_and_lists_provisional_ones_apart(client, board):
    response = client.get("/")
    assert response.status_code == 200
    assert _ranked_names(response) == ["Sharp Shooter", "Steady Eddie"]
    assert _provisional_names(response) == ["New Comer"]
    html = response.content.decode()
    assert html.index("Sharp Shooter") < html.index("Steady Eddie") < html.index("New Comer")
    assert "Provisional" in html
    assert "ranking score" in html.lower()  # the plain-language line on how ranking works
    assert '<caption id="ranked-caption">' in html
    assert 'aria-sort="ascending"' in html  # rank order is the default sort


def test_leaderboard_row_shows_figures_and_a_calibration_gap_in_words(client, board):
    html = client.get("/").content.decode()
    row = html[html.index("Sharp Shooter") : html.index("Steady Eddie")]
    assert "0.010" in row  # Brier of five 90% hits
    assert "100%" in row  # hit rate
    assert "+96%" in row  # skill: 1 - 0.01 / 0.25
    # Five 90% calls that all came true: 10 points off, on the cautious side.
    assert "10 pts" in row
    assert "underconfident" in row


def test_topic_filter_keeps_only_records_on_that_topic(client, board):
    response = client.get("/", {"topic": board["topic"].slug, "min_resolved": 1})
    assert _ranked_names(response) == ["Sharp Shooter"]
    assert _provisional_names(response) == []
    assert "Harbour politics" in response.content.decode()


def test_a_leaderboard_narrowed_to_a_topic_links_that_topics_feeds(client, board):
    slug = board["topic"].slug
    page = client.get("/", {"topic": slug}).content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Latest predictions on '
        f'Harbour politics" href="/api/feeds/predictions/?topic={slug}">'
    ) in page
    assert f'href="/api/feeds/resolutions/?topic={slug}">its latest resolutions</a>' in page
    feed = client.get(f"/api/feeds/predictions/?topic={slug}").content.decode()
    assert feed.count("<entry>") == 5  # Sharp Shooter's five, on Harbour politics
    assert "?topic=" not in client.get("/").content.decode()


def test_min_resolved_filter_ranks_newcomers(client, board):
    response = client.get("/", {"min_resolved": 1})
    assert set(_ranked_names(response)) == {"Sharp Shooter", "Steady Eddie", "New Comer"}
    assert _provisional_names(response) == []
    response = client.get("/", {"min_resolved": 6})
    assert _ranked_names(response) == ["Steady Eddie"]
    assert set(_provisional_names(response)) == {"Sharp Shooter", "New Comer"}


def test_period_filter_counts_predictions_by_resolution_date(client, board, today):
    PredictionScore.objects.filter(expert=board["steady"]).update(
        resolved_on=today - dt.timedelta(days=500)
    )
    assert _ranked_names(client.get("/", {"period": "12m"})) == ["Sharp Shooter"]
    assert _ranked_names(client.get("/", {"period": "24m"})) == ["Sharp Shooter", "Steady Eddie"]
    old = {"from": str(today - dt.timedelta(days=600)), "to": str(today - dt.timedelta(days=400))}
    assert _ranked_names(client.get("/", old)) == ["Steady Eddie"]


def test_sorting_reorders_rows_but_keeps_rank_numbers(client, board):
    response = client.get("/", {"sort": "n"})
    rows = [row for row, _ in response.context["ranked"]]
    assert [(r.expert.name, r.rank) for r in rows] == [("Steady Eddie", 2), ("Sharp Shooter", 1)]
    html = response.content.decode()
    assert re.search(r'aria-sort="descending"><a class="sort-link" href="[^"]*">Resolved', html)
    reversed_rows = client.get("/", {"sort": "-n"}).context["ranked"]
    assert [row.expert.name for row, _ in reversed_rows] == ["Sharp Shooter", "Steady Eddie"]
    brier_rows = client.get("/", {"sort": "brier"}).context["ranked"]
    assert [row.expert.name for row, _ in brier_rows] == ["Sharp Shooter", "Steady Eddie"]


def test_bad_filters_are_reported_and_ignored(client, board):
    response = client.get("/", {"topic": "no-such-topic", "min_resolved": "many", "sort": "x"})
    assert response.status_code == 200
    assert _ranked_names(response) == ["Sharp Shooter", "Steady Eddie"]
    assert "could not be used" in response.content.decode()


def test_an_empty_prospective_board_says_why(client, board):
    """The board's forecasts were logged after their deadlines (hindsight): ranked on the
    prospective record, nobody is, and the page says that is the reason."""
    assert _ranked_names(client.get("/")) == ["Sharp Shooter", "Steady Eddie"]
    response = client.get("/", {"record": "prospective"})
    assert _ranked_names(response) == []
    text = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "once 5 of their prospective predictions have resolved." in text  # no topic named
    assert "is hindsight and counts only under “All scored”" in text
    # The experts listed below the board with nothing prospective: no prior-only score (0.250)
    # beside n = 0, and their hindsight share said to be left out.
    provisional = response.context["provisional"]
    assert provisional
    assert all(row.resolved_count == 0 for row, _ in provisional)
    assert "0.250" not in text
    assert "100% hindsight, left out" in text
    page = client.get(f"/experts/{provisional[0][0].expert.slug}/").content.decode()
    assert "Brier over the 0 forecasts" not in page
    assert "None yet: no scored forecast of this expert was recorded before" in page


# --- Expert page ---------------------------------------------------------------------------


def test_expert_page_shows_figures_and_resolved_and_pending_predictions(client, carol, today):
    expert = _expert_with_calls(
        "Ivo Example", [(0.9, "yes"), (0.8, "yes"), (0.7, "no"), (0.6, "yes"), (0.3, "no")], carol
    )
    open_question = make_question(
        "Will the ferry run by spring?", deadline=today + dt.timedelta(30)
    )
    record_prediction(
        expert=expert, question=open_question, probability="likely", made_on=today, phrase=""
    )
    response = client.get(f"/experts/{expert.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "0.158" in html  # E1 Brier
    assert "0.480" in html
    assert "nats" in html
    assert "+37%" in html  # E1 Brier skill 0.368
    assert "+34%" in html  # E1 base-rate skill 0.341667
    assert "0.25 = coin flip" in html
    assert "appears once 20 predictions have resolved" in html  # no decomposition at n = 5
    assert len(response.context["resolved"]) == 5
    assert [p.question for p in response.context["pending"]] == [open_question]
    assert "Will the ferry run by spring?" in html
    assert "“likely”" in html
    assert open_question.deadline.strftime("%-d %b %Y") in html
    assert html.count("Resolved: Yes") == 3


def test_expert_page_shows_the_murphy_decomposition_from_twenty_resolved(client, carol):
    calls = [(0.8, "yes")] * 15 + [(0.8, "no")] * 5
    expert = _expert_with_calls("Twenty Calls", calls, carol)
    html = client.get(f"/experts/{expert.slug}/").content.decode()
    assert "Murphy decomposition" in html
    assert "Reliability" in html


def test_calibration_chart_has_one_circle_per_non_empty_bin(client, carol):
    # Bins: 0.9 and 0.85 share (0.8, 0.9]; 0.8 is in (0.7, 0.8]; 0.3 in (0.2, 0.3].
    calls = [(0.9, "yes"), (0.85, "yes"), (0.8, "no"), (0.3, "no")]
    expert = _expert_with_calls("Binned Expert", calls, carol)
    html = client.get(f"/experts/{expert.slug}/").content.decode()
    chart = html[html.index('class="chart chart--calibration"') : html.index("chart--brier")]
    assert chart.count('class="chart__dot"') == 3
    assert chart.count('class="chart__band"') == 3
    assert 'class="chart__diagonal"' in chart
    assert '<title id="calibration-title">' in chart
    assert "<details" in chart
    assert '<th scope="row">80%–90%</th>' in chart
    assert 'style="' not in html  # CSP-ready: no inline styles
    assert "<script" not in html


def test_expert_without_resolved_predictions_reads_well(client, today):
    expert = create_expert(name="Fresh Voice")
    question = make_question("Will it rain gold?", deadline=today + dt.timedelta(days=3))
    forecast(expert, question, 0.1, days_before=3)  # made today
    html = client.get(f"/experts/{expert.slug}/").content.decode()
    assert "No resolved predictions yet — this expert's calls are still open." in html
    assert "Will it rain gold?" in html


# --- Question page -------------------------------------------------------------------------


def test_question_page_shows_predictions_sources_and_verdicts(client, carol):
    topic = get_or_create_topic(name="Harbour politics")
    question = make_question("Will the toll go?", topics=[topic], consensus=0.4)
    source = get_or_create_source(
        title="Morning panel", url="https://news.example.org/panel", outlet="Harbour Times"
    )
    expert = create_expert(name="Vera Ostrova")
    prediction = record_prediction(
        expert=expert,
        question=question,
        probability="highly likely",
        made_on=question.deadline - dt.timedelta(days=20),
        source=source,
        quote="The toll is on its last legs.",
    )
    correct_prediction(
        prediction=prediction,
        reason="Quote was cut short.",
        quote="Toll's done.",
        corrected_by=late_corrector(),
    )
    resolve_question(
        question=question,
        outcome="yes",
        resolved_by=carol,
        evidence_url="https://council.example.org/minutes/12",
        note="Council vote, 9 to 2.",
    )
    response = client.get(f"/questions/{question.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Will the toll go?" in html
    assert "YES if it happens by the deadline" in html
    assert "Harbour politics" in html
    assert "40%" in html  # consensus
    assert "90%" in html
    assert "“highly likely”" in html
    assert '<blockquote class="prediction__quote"><p>Toll&#x27;s done.</p></blockquote>' in html
    assert '<a href="https://news.example.org/panel" rel="nofollow noopener">Morning panel</a>' in (
        html
    )
    assert "Harbour Times" in html
    assert "Corrected (version 2): Quote was cut short." in html
    assert "version 1" in html  # the earlier version in the history
    assert "carol" in html
    assert 'href="https://council.example.org/minutes/12" rel="nofollow noopener"' in html
    assert "Council vote, 9 to 2." in html
    assert "It resolved <strong>YES</strong>" in html


@pytest.mark.parametrize("url", ["/experts/nobody-at-all/", "/questions/987654/"])
def test_unknown_expert_or_question_is_a_friendly_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_user_text_is_escaped_everywhere(client, carol):
    expert = create_expert(name="<script>alert('x')</script> Mallory", bio="<b>bold</b>")
    question = make_question("<script>alert(1)</script>?")
    forecast_ = record_prediction(
        expert=expert,
        question=question,
        probability=0.9,
        made_on=question.deadline - dt.timedelta(days=3),
        quote="<img src=x onerror=alert(2)>",
    )
    assert forecast_.pk
    resolve(question, "yes", carol)
    for url in ("/", f"/experts/{expert.slug}/", f"/questions/{question.pk}/"):
        html = client.get(url, {"min_resolved": 1} if url == "/" else {}).content.decode()
        assert "<script" not in html, url
        assert "&lt;script&gt;" in html, url
        assert "<img src=x" not in html, url
        assert "<b>bold" not in html, url


# --- Query counts --------------------------------------------------------------------------


def _grow(carol, *, experts: int, questions: int, offset: int):
    """Experts who all forecast on shared questions, half of them resolved."""
    topic = get_or_create_topic(name="Shared topic")
    people = [create_expert(name=f"Grown Expert {offset + i}") for i in range(experts)]
    shared = []
    for j in range(questions):
        question = make_question(f"Shared question {offset + j}?", topics=[topic], consensus=0.5)
        for k, person in enumerate(people):
            forecast(person, question, 0.1 + 0.8 * ((j + k) % 5) / 4)
        shared.append(question)
    for j, question in enumerate(shared):
        if j % 2 == 0:
            resolve(question, "yes" if j % 4 == 0 else "no", carol)
    return people, shared


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_pages_run_a_constant_number_of_queries(client, carol):
    people, questions = _grow(carol, experts=2, questions=4, offset=0)
    urls = [
        "/",
        "/?period=12m&sort=brier",
        f"/experts/{people[0].slug}/",
        f"/questions/{questions[0].pk}/",
    ]
    small = {url: _count_queries(client, url) for url in urls}
    _grow(carol, experts=6, questions=10, offset=100)
    more = make_question("Shared question 0 follow-up?")
    for person in people:
        forecast(person, more, 0.6)
        forecast(person, questions[0], 0.3, days_before=2)  # a repeated call
    large = {url: _count_queries(client, url) for url in urls}
    assert large == small
    assert small["/"] <= 3
    # expert, details, records, Brier chart, and a count and a page for each list
    assert small[f"/experts/{people[0].slug}/"] <= 8


# --- Formatting ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.8, "80%"), (0.025, "2.5%"), (1.0, "100%"), (0.0, "0%"), (None, "—"), (0.6667, "66.7%")],
)
def test_percent_filter(value, expected):
    assert ledger_format.percent(value) == expected


@pytest.mark.django_db(transaction=False)
def test_score_filters_use_a_real_minus_sign_and_fixed_decimals():
    assert ledger_format.decimals(0.158) == "0.158"
    assert ledger_format.decimals(-0.00001) == "0.000"
    assert ledger_format.signed(-4) == "\u22124.0"
    assert ledger_format.signed(12.34) == "+12.3"
    assert ledger_format.signed_percent(0.368) == "+37%"
    assert ledger_format.percent_range(0.581, 0.834) == "58–83%"
