"""Schemathesis against the live schema, anonymous and with an editor's token.

Every generated request must answer without a 5xx, with a status the operation lists, with a
content type it lists and with a body the schema describes.
The examples per operation are bounded (API_FUZZ_EXAMPLES, default 15) to keep this quick.
"""

import os

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, so Django's end-of-request hook would close
    the connection that holds the test's transaction (it does on PostgreSQL). Django's own
    test client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeds(db) -> None:
    call_command("load_seeds", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def editor_token(alice) -> str:
    return Token.objects.create(user=alice).key


# Loaded from the running app's /api/schema/ at collection. (schemathesis.pytest.from_fixture
# would load it per test, but schemathesis 4.32 breaks on pytest 9's node ids.)
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@schema.parametrize()
@FUZZ
def test_api_anonymous(case, seeds):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_api_with_an_editor_token(case, seeds, editor_token):
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, checks=CHECKS)
