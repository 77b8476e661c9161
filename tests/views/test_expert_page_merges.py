"""A merge shows on the surviving expert's public page: the other spellings ("Also written
as") and which records were merged into it, when, by whom and why."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forecasts.services import create_expert
from forecasts.services.records.merges import merge_experts
from tests.builders import forecast, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(carol):
    """Ana Li, with Ana-Li's forecast merged in (and an alias of her own)."""
    survivor = create_expert(name="Ana Li", aliases=["Ана Ли"])
    look_alike = create_expert(name="Ana-Li")
    forecast(look_alike, make_question("Will the ferry run?"), 0.3)
    merge_experts(
        merged=look_alike,
        into=survivor,
        reason="Same person: one outlet hyphenates <her> name",
        merged_by=carol,
    )
    return survivor


def page(client, expert) -> str:
    response = client.get(reverse("expert-detail", args=[expert.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_survivor_page_lists_the_other_spellings(client, ana):
    html = page(client, ana)
    assert "Also written as “Ана Ли”, “Ana-Li”." in html


def test_survivor_page_says_who_was_merged_when_by_whom_and_why(client, ana, today):
    html = page(client, ana)
    merged_on = today.strftime("%-d %b %Y")
    assert "Ana-Li's record was merged into this one on <time datetime=\"" in html
    assert f">{merged_on}</time> by carol: 1 prediction moved here" in html
    # The reason is the editor's text, shown escaped.
    assert "Reason: Same person: one outlet hyphenates &lt;her&gt; name" in html
    assert "Will the ferry run?" in html


def test_an_expert_never_merged_shows_neither(client, expert):
    html = page(client, expert)
    assert "Also written as" not in html
    assert "was merged into this one" not in html


def test_merges_cost_one_query_however_many(client, carol, ana):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page(client, ana)
        return len(captured)

    one = queries()
    for name in ("A. Li", "Ana Lee"):
        merge_experts(merged=create_expert(name=name), into=ana, reason="Same", merged_by=carol)
    assert queries() == one
    assert page(client, ana).count("was merged into this one") == 3
