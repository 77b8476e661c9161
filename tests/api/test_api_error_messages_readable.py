"""API error messages are sentences, never Python reprs such as [ErrorDetail(string=...)],
whatever the shape of the errors: a service's message without a field, several messages,
nested serializers, list fields, one dict per item, Django's __all__, a database rule."""

import datetime as dt
import re

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions
from rest_framework.test import APIClient

from forecasts.api.errors import json_exception_handler
from forecasts.services import record_prediction

REPR = re.compile(r"ErrorDetail|string=|code=|\['|\{'|\[\"|\{\"|__all__")


def assert_readable(body: dict) -> str:
    detail = body["detail"]
    assert isinstance(detail, str)
    assert detail
    assert not REPR.search(detail), detail
    return detail


@pytest.fixture
def admin_client(carol) -> APIClient:
    client = APIClient()
    client.force_authenticate(carol)
    return client


def test_a_service_message_without_a_field_reads_as_itself(admin_client, expert, question, today):
    prediction = record_prediction(
        expert=expert, question=question, probability=0.6, made_on=today - dt.timedelta(days=1)
    )
    response = admin_client.post(
        f"/api/predictions/{prediction.pk}/corrections/", {"reason": "A typo."}, format="json"
    )
    assert response.status_code == 400
    assert assert_readable(response.json()) == (
        "Nothing changed: a correction must change something."
    )


def test_errors_of_a_nested_serializer_name_the_path(admin_client, expert, today):
    body = {
        "expert": expert.slug,
        "probability": 0.5,
        "made_on": str(today),
        "new_question": {"title": "", "deadline": "soon", "topics": ["", "t" * 200]},
    }
    response = admin_client.post("/api/predictions/", body, format="json")
    assert response.status_code == 400
    detail = assert_readable(response.json())
    assert "new_question: title: This field may not be blank." in detail
    assert "deadline: Date has wrong format." in detail
    assert "topics: 0: This field may not be blank.; 1: Ensure this field has no more" in detail
    assert response.json()["errors"]["new_question"]["topics"]["1"]


def test_errors_of_a_list_field_name_each_item(admin_client):
    body = {"name": "Nadia Varga", "links": ["https://example.org/a", "javascript:alert(1)"]}
    response = admin_client.post("/api/experts/", body, format="json")
    assert response.status_code == 400
    assert assert_readable(response.json()) == "links: 1: Enter a valid URL."


def test_a_body_that_is_not_an_object_says_so(admin_client):
    response = admin_client.post("/api/experts/", [{"name": "A"}, {}], format="json")
    assert response.status_code == 400
    assert assert_readable(response.json()) == (
        "Invalid data. Expected a dictionary, but got list."
    )


def _handled(exc: Exception) -> dict:
    response = json_exception_handler(exc, {"view": None, "request": None})
    assert response is not None
    assert response.status_code == 400
    return response.data


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            DjangoValidationError(["Too early.", "Too vague."]),
            "Too early. Too vague.",
        ),
        (
            DjangoValidationError({NON_FIELD_ERRORS: ["Two rows clash."], "title": ["Blank."]}),
            "Two rows clash.; title: Blank.",
        ),
        (
            exceptions.ValidationError([{}, {"name": ["Blank."]}, {}, {"slug": ["Taken."]}]),
            "1: name: Blank.; 3: slug: Taken.",
        ),
        (
            exceptions.ValidationError({"detail": {"deadline": ["Too late."]}}),
            "deadline: Too late.",
        ),
        (
            IntegrityError("duplicate key value violates unique constraint"),
            "This would break a rule of the record (a duplicate or a bad value); check the "
            "fields and try again.",
        ),
    ],
    ids=["several messages", "__all__", "one dict per item", "dict under detail", "database"],
)
def test_every_shape_of_errors_reads_as_sentences(exc: Exception, expected: str) -> None:
    assert assert_readable(_handled(exc)) == expected
