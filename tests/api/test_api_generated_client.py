"""A typed Python client generated from the served /api/schema/ (openapi-python-client, pinned
in requirements-dev.txt) imports, and does the README's walkthrough, a resolve and a
track-record read with every response parsed into its model. The generated client talks to
the WSGI application in-process (httpx.WSGITransport): no server, no network.
"""

import datetime as dt
import importlib
import json
import pkgutil
import subprocess
import sys
import uuid
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from rest_framework.authtoken.models import Token

from config.wsgi import application
from forecasts.models import Question

PACKAGE = "ledger_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
WSGI = httpx.WSGITransport(app=application)


def generate_client(schema: dict, where: Path) -> Path:
    """Runs the generator the README shows; returns the folder to put on sys.path."""
    (where / "schema.json").write_text(json.dumps(schema))
    config = {"post_hooks": [], "project_name_override": "client", "package_name_override": PACKAGE}
    (where / "config.json").write_text(json.dumps(config))
    done = subprocess.run(
        [GENERATOR, "generate", "--path", "schema.json", "--config", "config.json"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    return where / "client"


def served(path: str) -> httpx.Response:
    with httpx.Client(transport=WSGI, base_url="http://testserver") as http:
        return http.get(path)


@pytest.fixture
def client_package(db, tmp_path) -> ModuleType:
    schema = served("/api/schema/?format=json").json()
    sys.path.insert(0, str(generate_client(schema, tmp_path)))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path / "client"))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app runs in this thread: keep Django from closing the test's connection at the
    end of each request (as tests/api/test_api_schemathesis.py does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_generated_module_imports(client_package):
    names = [m.name for m in pkgutil.walk_packages(client_package.__path__, f"{PACKAGE}.")]
    broken = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - any import failure is the finding
            broken[name] = repr(exc)
    assert len(names) > 100
    assert not broken


def _connect(package: ModuleType, user=None):
    args = {"base_url": "http://testserver", "httpx_args": {"transport": WSGI}}
    if user is None:
        return package.Client(**args)
    key = Token.objects.get_or_create(user=user)[0].key
    return package.AuthenticatedClient(token=key, prefix="Token", **args)


def _parsed(response, model: type, status: int = 200):
    assert response.status_code == status, response.content[:300]
    assert isinstance(response.parsed, model), response.parsed
    return response.parsed


def test_the_readme_walkthrough_a_resolve_and_a_track_record_through_the_client(
    client_package, alice, bob, django_capture_on_commit_callbacks
):
    api = importlib.import_module(f"{PACKAGE}.api")
    m = importlib.import_module(f"{PACKAGE}.models")
    for sub in ("sources", "experts", "predictions", "questions", "track_records"):
        importlib.import_module(f"{PACKAGE}.api.{sub}")
    for op in (
        "sources.sources_create",
        "experts.experts_create",
        "experts.experts_retrieve",
        "predictions.predictions_create",
        "predictions.predictions_list",
        "questions.questions_take_create",
        "questions.questions_resolve_create",
        "track_records.track_records_list",
    ):
        importlib.import_module(f"{PACKAGE}.api.{op}")
    editor, reviewer, anyone = (
        _connect(client_package, alice),
        _connect(client_package, bob),
        _connect(client_package),
    )

    # 1. The source, 2. the expert, 3.+4. the question and the prediction, as in README.md.
    source = api.sources.sources_create.sync_detailed(
        client=editor,
        body=m.SourceRequest(
            kind=m.SourceKind.BROADCAST,
            title="Evening panel on the South Caucasus",
            outlet="Channel 9",
            url="https://example.org/evening-panel",
        ),
    )
    assert _parsed(source, m.Source, 201).url == "https://example.org/evening-panel"
    assert source.headers["Location"].endswith(f"/api/sources/{source.parsed.id}/")
    expert = api.experts.experts_create.sync_detailed(
        client=editor,
        body=m.ExpertRequest(name="Nadia Varga", affiliation="Institute of Regional Studies"),
    )
    assert _parsed(expert, m.Expert, 201).slug == "nadia-varga"
    recorded = api.predictions.predictions_create.sync_detailed(
        client=editor,
        idempotency_key=str(uuid.uuid4()),
        body=m.PredictionCreateRequest(
            expert="nadia-varga",
            source_url="https://example.org/evening-panel",
            probability="is confident that",
            made_on=dt.date(2026, 11, 20),
            quote="I am confident that the border crossing reopens next year.",
            new_question=m.QuestionCreateRequest(
                title="Will the northern border crossing reopen to passenger traffic by 31 "
                "December 2027?",
                resolution_criteria="YES if scheduled passenger traffic crosses before the "
                "deadline; NO otherwise.",
                deadline=dt.date(2027, 12, 31),
                topics=["South Caucasus"],
            ),
        ),
    )
    assert _parsed(recorded, m.PredictionDetail, 201).probability == 0.8

    # 5. The expert's predictions and their record, read anonymously.
    listed = api.predictions.predictions_list.sync_detailed(client=anyone, expert="nadia-varga")
    assert [p.id for p in _parsed(listed, m.PaginatedPredictionList).results] == [
        recorded.parsed.id
    ]
    detail = api.experts.experts_retrieve.sync_detailed(client=anyone, slug="nadia-varga")
    assert _parsed(detail, m.ExpertDetail).track_record.resolved_count == 0

    # A resolve: the question falls due (the sweep's work), a reviewer takes it and says YES.
    question_id = recorded.parsed.question.id
    Question.objects.filter(pk=question_id).update(
        status=Question.Status.DUE, due_at=timezone.now(), deadline=dt.date(2026, 11, 30)
    )
    taken = api.questions.questions_take_create.sync_detailed(id=question_id, client=reviewer)
    _parsed(taken, m.Assignment, 201)
    with django_capture_on_commit_callbacks(execute=True):
        resolved = api.questions.questions_resolve_create.sync_detailed(
            id=question_id,
            client=reviewer,
            body=m.ResolveRequest(
                outcome=m.Outcome.YES, evidence_url="https://example.org/crossing-reopens"
            ),
        )
    assert _parsed(resolved, m.QuestionDetail, 201).outcome == m.OutcomeOrBlank.YES

    records = api.track_records.track_records_list.sync_detailed(
        client=anyone, expert="nadia-varga", topic="overall"
    )
    (overall,) = _parsed(records, m.PaginatedExpertTrackRecordList).results
    assert overall.resolved_count == 1
    assert overall.record == m.TrackRecordScope.ALL
