"""Aliases: other spellings and scripts of an expert's name, written and searched."""

import string

import pytest

from forecasts.models import Expert
from forecasts.naming import name_key
from forecasts.services import create_expert, edit_expert

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ana-Li", "ana li"),
        ("  ANA   li ", "ana li"),
        ("Aná Lì", "ana li"),
        ("Меграбян", "megrabyan"),
        ("Рубен Меграбян", "ruben megrabyan"),
        ("O'Neill", "o neill"),
    ],
)
def test_name_key_folds_case_punctuation_accents_and_cyrillic(name, key):
    assert name_key(name) == key


def test_plain_ascii_names_get_the_key_the_full_folding_gives():
    # ASCII text takes a shorter path; one accented letter sends the same text the long way.
    for text in ["Ana_Li\t2026", "O'NEILL & co.", string.printable, "x--y__z"]:
        assert name_key(text + " é") == f"{name_key(text)} e".strip()


def test_aliases_are_written_and_read_over_the_api(alice, api_as):
    response = api_as(alice).post(
        "/api/experts/",
        {
            "name": "Ruben Megrabyan",
            "aliases": ["Mehrabyan", "Меграбян", "mehrabyan", "ruben megrabyan"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["aliases"] == ["Mehrabyan", "Меграбян"]
    slug = response.json()["slug"]
    patched = api_as(alice).patch(
        f"/api/experts/{slug}/", {"aliases": ["Mehrabian"], "reason": "Spelling"}, format="json"
    )
    assert patched.json()["aliases"] == ["Mehrabian"]
    assert Expert.objects.get(slug=slug).revisions.last().details["aliases"] == ["Mehrabian"]


@pytest.mark.parametrize("query", ["Mehrabyan", "меграбян", "megrabyan", "Ruben Меграбян"])
def test_search_finds_an_expert_by_any_spelling(query, api_as):
    create_expert(name="Ruben Megrabyan", aliases=["Mehrabyan"])
    create_expert(name="Ana Li")
    response = api_as().get("/api/experts/", {"search": query})
    assert [e["name"] for e in response.json()["results"]] == ["Ruben Megrabyan"]


def test_search_ignores_hyphens_and_accents(api_as):
    create_expert(name="Ana Li", affiliation="Gazette")
    found = api_as().get("/api/experts/", {"search": "Aná-Li"}).json()["results"]
    assert [e["name"] for e in found] == ["Ana Li"]


def test_an_edited_name_is_found_by_its_new_spelling(api_as, alice):
    expert = create_expert(name="Ana Li")
    edit_expert(expert, changed_by=alice, reason="Married name", aliases=["Ana Moss"])
    found = api_as().get("/api/experts/", {"search": "moss"}).json()["results"]
    assert [e["name"] for e in found] == ["Ana Li"]


def test_aliases_must_be_a_list_of_strings(alice, api_as):
    response = api_as(alice).post(
        "/api/experts/", {"name": "Ana Li", "aliases": "Ana-Li"}, format="json"
    )
    assert response.status_code == 400
    assert "aliases" in response.json()["detail"]
