"""A question's consensus figure, once its deadline (or resolution) has passed, changes the
consensus-relative and yield scores with the outcome known: only an admin may set it then, as
with a late correction of a prediction. Every revision shows the context it recorded."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from forecasts.services import update_question
from tests.builders import forecast, make_question, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(alice, bob, expert):
    question = make_question("Will the Vell ferry strike end?", deadline=dt.date(2025, 1, 1))
    forecast(expert, question, 0.7, made_on=dt.date(2024, 12, 1))
    return resolve(question, "no", bob)


def test_an_editor_cannot_set_the_consensus_of_a_settled_question(settled, alice):
    with pytest.raises(PermissionDenied, match="only an admin can change it"):
        update_question(
            question=settled, reason="Found a market.", changed_by=alice, consensus_probability=0.9
        )
    settled.refresh_from_db()
    assert settled.consensus_probability is None
    assert settled.scores.get().consensus_relative is None


def test_an_admin_can_with_a_reason_and_the_scores_follow(settled, carol):
    update_question(
        question=settled, reason="The market closed at 90%.", changed_by=carol,
        consensus_probability=0.9,
    )  # fmt: skip
    assert settled.scores.get().consensus_relative is not None
    assert settled.revisions.order_by("-version").first().consensus_probability == 0.9


def test_before_the_deadline_an_editor_sets_it(alice):
    question = make_question(
        "Will the Vell bridge open?", deadline=timezone.localdate() + dt.timedelta(days=90)
    )
    update_question(
        question=question, reason="Market price.", changed_by=alice, consensus_probability=0.4
    )
    question.refresh_from_db()
    assert question.consensus_probability == 0.4


def test_the_api_shows_the_context_each_revision_recorded(api_as, alice):
    question = make_question(
        "Will the Vell bridge open?", deadline=timezone.localdate() + dt.timedelta(days=90)
    )
    update_question(
        question=question, reason="Market price.", changed_by=alice, consensus_probability=0.4,
        consensus_source="Vell Exchange",
    )  # fmt: skip
    body = api_as(alice).get(f"/api/questions/{question.pk}/").json()
    latest = max(body["revisions"], key=lambda r: r["version"])
    assert (latest["consensus_probability"], latest["consensus_source"]) == (0.4, "Vell Exchange")


def test_the_admin_form_says_why_instead_of_a_bare_403(settled, alice, client):
    client.force_login(alice)
    url = f"/admin/forecasts/question/{settled.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data |= {"consensus_probability": "0.9", "reason": "Found a market.", "deadline": "2025-01-01"}
    data["topics"] = []
    response = client.post(url, data)
    assert response.status_code == 200
    assert "only an admin can change it" in response.content.decode()
    settled.refresh_from_db()
    assert settled.consensus_probability is None
