"""GET /api/audit/dump/: anonymous, the published file as it was built, never a rebuild."""

import gzip
import json

import pytest
from django.core.files.storage import default_storage

from forecasts.services.audit import publish
from forecasts.services.audit.publish import publish_audit_dump
from tests.builders import make_question, predict, resolve

pytestmark = pytest.mark.django_db
URL = "/api/audit/dump/"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LEDGER_HEAD_FILE = str(tmp_path / "heads.txt")


def test_before_any_build_it_is_a_404_that_says_how_to_get_one(api_as):
    response = api_as().get(URL)
    assert response.status_code == 404
    assert "export_audit --publish" in response.json()["detail"]


def test_anyone_downloads_the_published_file_unchanged(api_as, alice, bob, expert, monkeypatch):
    question = make_question("Will the dam open?")
    predict(question, recorded_by=alice, p=0.8, expert=expert)
    resolve(question, "yes", bob)
    dump = publish_audit_dump()

    def no_rebuild(*args, **kwargs):
        raise AssertionError("a request must never build the dump")

    monkeypatch.setattr(publish, "build_dump_file", no_rebuild)
    response = api_as().get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert 'filename="forecast-ledger-audit.jsonl.gz"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    with default_storage.open(dump.path, "rb") as stored:
        assert body == stored.read()
    assert response["ETag"] == f'"{dump.sha256}"'
    assert response["X-Ledger-Head"] == f"{dump.head_seq} {dump.head_hash}"
    manifest = json.loads(gzip.decompress(body).split(b"\n", 1)[0])
    assert manifest["head"] == {"seq": dump.head_seq, "hash": dump.head_hash}
    again = api_as().get(URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # A proxy's weakened tag, a list of tags, or "*": the same file, so 304 again.
    for held in (f"W/{response['ETag']}", f'"other", {response["ETag"]}', "*"):
        assert api_as().get(URL, HTTP_IF_NONE_MATCH=held).status_code == 304, held
    assert api_as().get(URL, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_other_methods_are_refused(api_as, carol):
    assert api_as(carol).post(URL).status_code == 405
