"""/experts/: every expert A to Z with their counts, and a search by name, other spelling or
affiliation. The leaderboard lists only experts with resolved forecasts, so a pundit just
logged was reachable from no public page."""

import datetime as dt

import pytest

from forecasts.services import create_expert, record_prediction
from forecasts.services.records.merges import merge_experts
from tests.builders import make_question

pytestmark = pytest.mark.django_db


def _listed(client, **params) -> list[tuple[str, int, int]]:
    response = client.get("/experts/", params)
    assert response.status_code == 200
    return [(e.name, recorded, resolved) for e, recorded, resolved in response.context["rows"]]


def test_a_new_expert_with_nothing_resolved_is_listed_with_counts(client, today):
    ruben = create_expert(name="Рубен Меграбян", aliases=["Ruben Mehrabyan"])
    create_expert(name="Ada Brook", affiliation="Vell Institute")
    question = make_question("Will the Vell ferry run?", deadline=today + dt.timedelta(days=30))
    record_prediction(expert=ruben, question=question, probability=0.6, made_on=today)
    assert _listed(client) == [("Ada Brook", 0, 0), ("Рубен Меграбян", 1, 0)]
    page = client.get("/experts/").content.decode()
    assert f'href="/experts/{ruben.slug}/"' in page


@pytest.mark.parametrize("text", ["mehrabyan", "Меграбян", "megrabyan", "RUBEN"])
def test_search_finds_names_other_spellings_and_scripts(client, text):
    create_expert(name="Рубен Меграбян", aliases=["Ruben Mehrabyan"])
    create_expert(name="Ada Brook", affiliation="Vell Institute")
    assert [name for name, _, _ in _listed(client, q=text)] == ["Рубен Меграбян"]


def test_search_finds_an_affiliation_and_says_when_nothing_matches(client):
    create_expert(name="Ada Brook", affiliation="Vell Institute")
    assert [name for name, _, _ in _listed(client, q="vell inst")] == ["Ada Brook"]
    empty = client.get("/experts/", {"q": "nobody here"}).content.decode()
    assert "No expert’s name, other spelling or affiliation holds “nobody here”." in empty


def test_a_merged_expert_is_not_listed_apart(client, carol):
    kept = create_expert(name="Ana Li")
    merge_experts(merged=create_expert(name="Ana-Li"), into=kept, merged_by=carol, reason="Same.")
    assert [name for name, _, _ in _listed(client)] == ["Ana Li"]


def test_the_header_and_the_404_page_lead_to_it(client):
    assert 'href="/experts/"' in client.get("/").content.decode()
    missing = client.get("/experts/no-such-person/")
    assert missing.status_code == 404
    assert 'href="/experts/"' in missing.content.decode()
