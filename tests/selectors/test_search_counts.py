"""A prediction search counts what it finds up to a cap, and past it reads the list in its own
order and stops counting (selectors.search). The cap is lowered here so a handful of rows
crosses it; both ways must find the same predictions in the same order."""

import datetime as dt

import pytest
from django.urls import reverse

from forecasts.models import Expert
from forecasts.selectors import search
from forecasts.services import create_expert, record_prediction
from tests.builders import forecast, make_question

pytestmark = pytest.mark.django_db

API = "/api/predictions/"


@pytest.fixture
def ledger(today):
    """Seven predictions that "harbour" finds (one by its question's title and its quote both,
    one by its expert's name) and one it does not find."""
    deadline = today + dt.timedelta(days=90)
    harbour = make_question("Will the harbour bridge reopen?", deadline=deadline)
    tram = make_question("Will the tram line open?", deadline=deadline)
    made = []
    for i in range(5):
        who = create_expert(name=f"Analyst Number{i}")
        made.append(forecast(who, harbour, 0.1 + i / 10, made_on=today - dt.timedelta(days=i)))
    harbourmaster = create_expert(name="Ines Harbourmaster")
    made.append(forecast(harbourmaster, tram, 0.4, made_on=today - dt.timedelta(days=7)))
    made.append(
        record_prediction(
            expert=create_expert(name="Oleg Quoted"),
            question=harbour,
            probability=0.3,
            made_on=today,
            quote="The harbour bridge will carry traffic again.",
        )
    )
    forecast(create_expert(name="Nobody Here"), tram, 0.5, made_on=today)
    return made


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize("cap", [100, 3])
def test_both_ways_find_the_same_predictions_in_the_same_order(cap, ledger, api_as, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", cap)
    found = api_as().get(API, {"search": "harbour", "page_size": 200})
    assert found.status_code == 200
    newest_first = sorted(ledger, key=lambda p: (p.made_on, p.pk), reverse=True)
    assert _ids(found) == [p.pk for p in newest_first][:cap]


def test_under_the_cap_the_count_is_exact_and_counts_a_prediction_found_twice_once(ledger, api_as):
    body = api_as().get(API, {"search": "harbour"}).json()
    assert body["count"] == 7
    assert body["count_capped"] is False


def test_the_count_follows_the_other_filters(ledger, api_as):
    body = api_as().get(API, {"search": "harbour", "expert": "ines-harbourmaster"}).json()
    assert body["count"] == 1


def test_past_the_cap_the_count_is_the_cap_and_pages_stop_there(ledger, api_as, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 4)
    client = api_as()
    first = client.get(API, {"search": "harbour", "page_size": 2}).json()
    assert (first["count"], first["count_capped"]) == (4, True)
    assert first["next"] is not None
    second = client.get(API, {"search": "harbour", "page_size": 2, "page": 2}).json()
    assert second["next"] is None
    beyond = client.get(API, {"search": "harbour", "page_size": 2, "page": 3})
    assert beyond.status_code == 404
    assert "narrow it" in beyond.json()["detail"]


def test_a_page_past_the_end_of_an_ordinary_list_keeps_its_message(ledger, api_as):
    response = api_as().get(API, {"page": 99})
    assert response.status_code == 404
    assert "narrow it" not in response.json()["detail"]


def test_the_admin_says_when_a_search_is_past_the_cap_and_drops_the_date_drill(
    client, alice, ledger, monkeypatch
):
    client.force_login(alice)
    url = reverse("admin:forecasts_prediction_changelist")
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 3)
    capped = client.get(url, {"q": "harbour"})
    assert "More than 3 match this search" in capped.content.decode()
    assert capped.context["cl"].date_hierarchy is None

    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 100)
    counted = client.get(url, {"q": "harbour"})
    assert "match this search" not in counted.content.decode()
    assert counted.context["cl"].result_count == 7
    assert counted.context["cl"].date_hierarchy == "made_on"


def test_the_admin_row_checkbox_still_selects_the_row(client, carol, ledger):
    client.force_login(carol)
    page = client.get(reverse("admin:forecasts_expert_changelist"), {"q": "harbourmaster"})
    ines = Expert.objects.get(name="Ines Harbourmaster")
    assert (
        f'<input type="checkbox" name="_selected_action" value="{ines.pk}" '
        f'class="action-select" aria-label="Select this object for an action - {ines}">'
    ) in page.content.decode()


def test_a_prediction_found_two_ways_does_not_push_a_search_past_the_cap(
    ledger, api_as, monkeypatch
):
    # Seven predictions match, one of them by its title and its quote: eight rows streamed.
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 7)
    body = api_as().get(API, {"search": "harbour"}).json()
    assert (body["count"], body["count_capped"]) == (7, False)


@pytest.mark.parametrize("params", [{}, {"ordering": "probability"}, {"ordering": "-made_on"}])
def test_pages_of_a_counted_search_follow_the_list_order_from_page_to_page(ledger, api_as, params):
    # A counted search reads each page's ids first, then their rows (SearchPaginator): its
    # pages give the matches in the unsearched list's own order, ties included.
    client = api_as()
    listed = client.get(API, {"page_size": 200, **params}).json()["results"]
    matches = {p.pk for p in ledger}
    seen, page = [], 1
    while page:
        body = client.get(API, {"search": "harbour", "page_size": 2, "page": page, **params})
        body = body.json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        page = page + 1 if body["next"] else 0
    assert seen == [row["id"] for row in listed if row["id"] in matches]
    assert len(seen) == len(matches)


def test_a_counted_search_page_keeps_the_other_filters(ledger, api_as):
    body = api_as().get(API, {"search": "harbour", "expert": "oleg-quoted", "page_size": 1})
    [row] = body.json()["results"]
    assert row["quote"] == "The harbour bridge will carry traffic again."


def test_the_admin_pages_a_counted_search_newest_logged_first(client, alice, ledger):
    from forecasts.admin.predictions import PredictionAdmin

    client.force_login(alice)
    url = reverse("admin:forecasts_prediction_changelist")
    pages = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(PredictionAdmin, "list_per_page", 3)
        for number in (1, 2, 3):
            changelist = client.get(url, {"q": "harbour", "p": number}).context["cl"]
            pages.append([p.pk for p in changelist.result_list])
    assert pages == [sorted((p.pk for p in ledger), reverse=True)[i : i + 3] for i in (0, 3, 6)]


def test_a_counted_search_page_reads_its_rows_with_their_related_rows_at_once(
    client, alice, ledger
):
    # A page's rows are read again by id (SearchPaginator): with the list's related rows
    # (the admin's list_select_related), not each row's expert, question and source apart.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forecasts.admin.predictions import PredictionAdmin

    client.force_login(alice)
    url = reverse("admin:forecasts_prediction_changelist")
    counts = []
    for per_page in (2, 5):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(PredictionAdmin, "list_per_page", per_page)
            client.get(url, {"q": "harbour"})  # warm: permissions, content types
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url, {"q": "harbour"})
        assert len(page.context["cl"].result_list) == per_page
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("window", [1, 3, 100])
def test_admin_pages_past_the_cap_are_the_first_matches_whatever_the_window(
    client, alice, ledger, monkeypatch, today, window
):
    # The newest rows match nothing: the window of newest ids holds the page, or every match
    # is read and ordered; both give the list's first matches, newest logged first.
    from forecasts.admin.predictions import PredictionAdmin

    deadline = today + dt.timedelta(days=30)
    for i in range(4):
        depot = make_question(f"Will the tram depot {i} open?", deadline=deadline)
        forecast(create_expert(name=f"Unrelated Person{i}"), depot, 0.5, made_on=today)
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 5)
    monkeypatch.setattr(search, "CAPPED_WINDOW", window)
    monkeypatch.setattr(PredictionAdmin, "list_per_page", 2)
    client.force_login(alice)
    url = reverse("admin:forecasts_prediction_changelist")
    seen = []
    for number in (1, 2, 3):
        changelist = client.get(url, {"q": "harbour", "p": number}).context["cl"]
        assert changelist.paginator.capped
        seen += [p.pk for p in changelist.result_list]
    assert seen == sorted((p.pk for p in ledger), reverse=True)[:5]
