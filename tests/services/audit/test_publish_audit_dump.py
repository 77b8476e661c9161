"""Publishing the audit dump: one snapshot, no user data, the same data gives the same file
and the same row, a failed build leaves the last good dump served, and the nightly task is on
beat and safe to run twice."""

import tempfile
from io import StringIO

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command

from config.celery import app as celery_app
from forecasts import tasks
from forecasts.models import AuditDump, StaleTrackRecord
from forecasts.services.audit import publish, rows
from forecasts.services.audit.publish import (
    AuditDumpNotReady,
    latest_audit_dump,
    publish_audit_dump,
)
from tests.audit_support import read_dump
from tests.builders import make_question, predict, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LEDGER_HEAD_FILE = str(tmp_path / "heads.txt")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()


@pytest.fixture
def resolved(alice, bob, expert):
    question = make_question("Will the dam open by 2026?")
    predict(question, recorded_by=alice, p=0.8, expert=expert)
    return resolve(question, "yes", bob)


def _stored_dump(dump: AuditDump, tmp_path) -> list[dict]:
    path = tmp_path / "copy.jsonl.gz"
    with default_storage.open(dump.path, "rb") as source:
        path.write_bytes(source.read())
    return read_dump(path)


def test_the_dump_holds_pseudonyms_and_no_names_emails_or_tokens(resolved, alice, bob, tmp_path):
    lines = _stored_dump(publish_audit_dump(), tmp_path)
    text = repr(lines)
    for user in (alice, bob):
        assert user.email not in text
        assert f'"{user.username}"' not in text
    verdict = next(line for line in lines if line["type"] == "verdict")
    assert verdict["reviewer"] == f"user-{bob.pk}"
    expert_line = next(line for line in lines if line["type"] == "expert")
    assert expert_line["aliases"] == []
    assert lines[0]["type"] == "manifest"
    assert lines[-1]["type"] == "summary"


def test_publishing_the_same_data_twice_keeps_one_dump_and_one_file(resolved, tmp_path):
    first = publish_audit_dump()
    second = publish_audit_dump()
    assert second.pk == first.pk
    assert AuditDump.objects.count() == 1
    assert default_storage.listdir("audit")[1] == [first.path.split("/")[-1]]
    assert list((tmp_path / "tmp").iterdir()) == []  # no temporary file left behind


def test_new_data_gives_a_new_dump_and_a_failed_build_leaves_the_last_good_one(
    resolved, alice, expert, tmp_path, monkeypatch
):
    good = publish_audit_dump()
    predict(make_question("Will the bridge reopen?"), recorded_by=alice, p=0.4, expert=expert)

    def broken_board(*args):
        raise RuntimeError("disk full")
        yield  # pragma: no cover

    monkeypatch.setattr(rows, "leaderboard_lines", broken_board)
    with pytest.raises(RuntimeError):
        publish_audit_dump()
    assert latest_audit_dump() == good
    assert default_storage.exists(good.path)
    assert list((tmp_path / "tmp").iterdir()) == []
    monkeypatch.undo()
    settings_tmp = tmp_path / "tmp"
    settings_tmp.mkdir(exist_ok=True)
    monkeypatch.setattr(tempfile, "tempdir", str(settings_tmp))
    newer = publish_audit_dump()
    assert newer != good
    assert latest_audit_dump() == newer
    assert newer.head_seq > good.head_seq


def test_a_dump_is_not_built_while_track_records_are_stale(resolved, expert, tmp_path):
    StaleTrackRecord.objects.get_or_create(expert=expert)
    with pytest.raises(AuditDumpNotReady), (tmp_path / "x.gz").open("wb") as handle:
        publish.write_dump(handle)


def test_old_dumps_are_pruned_with_their_files(resolved, alice, expert):
    made = []
    for n in range(publish.KEEP + 1):
        predict(make_question(f"Question {n}?"), recorded_by=alice, p=0.3, expert=expert)
        made.append(publish_audit_dump())
    assert AuditDump.objects.count() == publish.KEEP
    assert not default_storage.exists(made[0].path)
    assert latest_audit_dump() == made[-1]


def test_the_nightly_task_is_on_beat_and_safe_to_run_twice(resolved):
    schedule = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert "forecasts.tasks.publish_audit_dump" in schedule
    first = tasks.publish_audit_dump.delay().get()
    second = tasks.publish_audit_dump.delay().get()
    assert first == second == latest_audit_dump().path
    assert AuditDump.objects.count() == 1


def test_the_export_command_writes_the_same_bytes_as_the_published_dump(resolved, tmp_path):
    target = tmp_path / "out.jsonl.gz"
    call_command("export_audit", str(target), stdout=StringIO())
    dump = publish_audit_dump()
    with default_storage.open(dump.path, "rb") as stored:
        assert stored.read() == target.read_bytes()
    assert settings.MEDIA_ROOT in default_storage.path(dump.path)


def test_people_are_recorded_only_as_pseudonyms():
    assert rows.pseudonym(17) == "user-17"
    assert rows.pseudonym(None) is None
