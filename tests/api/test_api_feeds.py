"""Atom feeds and the CSV export under /api/."""

import csv
import datetime as dt
import io
from xml.etree import ElementTree

from rest_framework.test import APIClient

from forecasts.services import create_expert, record_prediction
from forecasts.services.reviews.verdicts import resolve_question
from forecasts.services.transfer.csv_io import COLUMNS

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(path: str) -> list[str]:
    response = APIClient().get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 (our own test response)
    return [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]


def test_feeds_list_latest_predictions_resolutions_and_per_expert(carol, expert, question, today):
    other = create_expert(name="Someone Else")
    record_prediction(expert=expert, question=question, probability="70%", made_on=today)
    record_prediction(expert=other, question=question, probability=0.2, made_on=today)
    resolve_question(
        question=question, outcome="no", resolved_by=carol, evidence_url="https://e.org/ev"
    )
    assert len(_entries("/api/feeds/predictions/")) == 2
    assert _entries(f"/api/feeds/experts/{expert.slug}/") == [
        f"Vera Ostrova: 70% on “{question.title}”"
    ]
    assert _entries("/api/feeds/resolutions/") == [f"Resolved NO: {question.title}"]
    assert APIClient().get("/api/feeds/experts/nobody/").status_code == 404


def test_csv_export_has_the_import_columns_and_honours_the_filters(db, expert, question, today):
    other = create_expert(name="Someone Else")
    record_prediction(expert=expert, question=question, probability=0.7, made_on=today)
    record_prediction(
        expert=other, question=question, probability=0.2, made_on=today - dt.timedelta(days=9)
    )
    response = APIClient().get("/api/predictions.csv", {"expert": expert.slug})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[: len(COLUMNS)] == list(COLUMNS)
    assert [(r["expert"], r["probability"], r["question"]) for r in rows] == [
        ("Vera Ostrova", "0.7", question.title)
    ]
    everyone = APIClient().get("/api/predictions.csv", HTTP_ACCEPT="text/csv")
    assert len(list(csv.DictReader(io.StringIO(b"".join(everyone).decode())))) == 2
    bad = APIClient().get("/api/predictions.csv", {"made_on_after": "someday"})
    assert bad.status_code == 400
    assert "made_on" in bad.json()["detail"]


def test_entries_link_to_the_public_pages_and_keep_their_ids(expert, question, today, client):
    record_prediction(expert=expert, question=question, probability=0.2, made_on=today)
    feed = ElementTree.fromstring(client.get("/api/feeds/predictions/").content)  # noqa: S314
    (entry,) = feed.iter(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/questions/{question.pk}/")
    prediction = question.predictions.get()
    assert entry.findtext(f"{ATOM}id").endswith(f"/api/predictions/{prediction.pk}/")
    page = client.get(f"/experts/{expert.slug}/").content.decode()
    assert 'type="application/atom+xml"' in page
    assert f'href="/api/feeds/experts/{expert.slug}/"' in page


def _feed(path: str) -> ElementTree.Element:
    response = APIClient().get(path)
    assert response.status_code == 200
    return ElementTree.fromstring(response.content)  # noqa: S314 (our own test response)


def test_a_topic_narrows_the_predictions_and_resolutions_feeds(carol, expert, question, today):
    from forecasts.services import create_question, get_or_create_topic

    transport = get_or_create_topic(name="Urban transport")
    question.topics.add(transport)
    other = create_question(
        title="Will the river ferry run at night by the deadline?",
        resolution_criteria="YES if the night timetable is published; NO otherwise.",
        deadline=today + dt.timedelta(days=40),
    )
    record_prediction(expert=expert, question=question, probability="70%", made_on=today)
    record_prediction(expert=expert, question=other, probability=0.4, made_on=today)
    for settled in (question, other):
        resolve_question(
            question=settled, outcome="no", resolved_by=carol, evidence_url="https://e.org/ev"
        )
    assert len(_entries("/api/feeds/predictions/")) == 2
    on_topic = f"/api/feeds/predictions/?topic={transport.slug}"
    assert _entries(on_topic) == [f"Vera Ostrova: 70% on “{question.title}”"]
    assert _feed(on_topic).findtext(f"{ATOM}title") == (
        "Forecast Ledger: latest predictions on Urban transport"
    )
    assert _entries(f"/api/feeds/resolutions/?topic={transport.slug}") == [
        f"Resolved NO: {question.title}"
    ]
    assert len(_entries("/api/feeds/resolutions/")) == 2


def test_an_unknown_topic_is_a_json_404_that_says_where_the_topics_are(db):
    for feed in ("predictions", "resolutions"):
        response = APIClient().get(f"/api/feeds/{feed}/?topic=no-such-topic")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "No topic “no-such-topic”: GET /api/topics/ lists the topics and slugs."
        }
