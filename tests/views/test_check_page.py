"""The "Check our numbers" page: the three commands, the latest dump, the heads, and links to
it from every page's header and from "How scores work"."""

import pytest

from forecasts.services.audit.publish import publish_audit_dump
from forecasts.services.ledger.chain import write_head_file
from tests.audit_support import VERIFIER
from tests.builders import make_question, predict

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LEDGER_HEAD_FILE = str(tmp_path / "heads.txt")


def test_the_page_gives_the_commands_the_latest_head_and_every_published_head(
    client, settings, tmp_path, expert
):
    (tmp_path / "heads.txt").write_text("2026-01-01 1 " + "a" * 64 + "\n")
    predict(make_question("Will it rain?"), p=0.6, expert=expert)
    latest = write_head_file().split()
    dump = publish_audit_dump()
    page = client.get("/check/").content.decode()
    assert "http://testserver/api/audit/dump/" in page
    assert "python3 verify_audit.py forecast-ledger-audit.jsonl.gz --head " + latest[2] in page
    assert f"Latest: <strong>{latest[0]}</strong>" in page
    assert "a" * 64 in page  # the older head, in the history
    assert dump.sha256 in page
    assert "user-17" in page  # says how people appear


def test_before_anything_is_published_the_page_says_so(client):
    page = client.get("/check/").content.decode()
    assert "No dump has been built yet" in page
    assert "No head has been published yet" in page


def test_every_page_links_to_it_and_how_scores_work_offers_the_verifier(client):
    page = client.get("/").content.decode()
    assert '<a href="/check/"' in page
    assert 'href="/check/verify_audit.py"' in page


def test_the_verifier_downloads_as_the_file_in_the_repository(client):
    response = client.get("/check/verify_audit.py")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == VERIFIER.read_bytes()
