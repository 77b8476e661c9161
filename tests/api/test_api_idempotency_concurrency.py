"""Two retries of one create with the same Idempotency-Key at the same moment (PostgreSQL):
the second waits on the key's unique index, then answers the first's response."""

import pytest
from rest_framework.test import APIClient

from forecasts.models import Prediction
from forecasts.services.records.catalogue import create_expert
from forecasts.services.roles import ensure_roles
from tests.builders import make_question, make_user, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post_together(user, body: dict, copies: int) -> list:
    def post(i: int):
        client = APIClient()
        client.force_authenticate(user)
        return client.post("/api/predictions/", body, HTTP_IDEMPOTENCY_KEY="race")

    answers = run_at_once(post, copies)
    return answers


def test_simultaneous_retries_record_one_prediction_and_answer_alike(transactional_db):
    ensure_roles()
    editor = make_user("erin", "Editors")
    create_expert(name="Nadia Varga")
    question = make_question("Will the crossing reopen?")
    body = {
        "expert": "nadia-varga",
        "question": question.pk,
        "probability": 0.7,
        "made_on": "2024-06-05",
    }
    answers = _post_together(editor, body, copies=3)
    assert [a.status_code for a in answers] == [201, 201, 201], [a.content for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Prediction.objects.count() == 1
