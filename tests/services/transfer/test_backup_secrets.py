"""export_all writes a file only its owner can read, without API tokens or password hashes
unless --include-secrets; a restore without them keeps every record and user, and says
that nobody can log in until a password is set."""

import json
import stat
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from forecasts.models import Expert
from forecasts.services.ledger.verify import verify_ledger
from forecasts.services.roles import ensure_roles
from seeds.loader import load_seeds

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secrets(alice, carol) -> dict[str, str]:
    """An API key and a password hash, as a backup must not spill them."""
    key = Token.objects.create(user=carol).key
    return {"key": key, "hash": User.objects.get(pk=alice.pk).password}


def _export(path, *options: str) -> str:
    out = StringIO()
    call_command("export_all", str(path), *options, stdout=out)
    return out.getvalue()


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_backup_is_readable_by_its_owner_only(tmp_path, secrets):
    backup = tmp_path / "ledger.json"
    backup.write_text("an older file")
    backup.chmod(0o644)
    output = _export(backup)
    assert _mode(backup) == 0o600
    assert "mode 0600" in output


def test_tokens_and_password_hashes_stay_out_by_default(tmp_path, secrets):
    backup = tmp_path / "ledger.json"
    output = _export(backup)
    text = backup.read_text()
    assert secrets["key"] not in text
    assert secrets["hash"] not in text
    objects = json.loads(text)
    assert not [o for o in objects if o["model"] == "authtoken.token"]
    passwords = [o["fields"]["password"] for o in objects if o["model"] == "auth.user"]
    assert len(passwords) == 2
    assert all(p.startswith("!") for p in passwords)  # Django's unusable password
    assert "nobody can log in until a password is set" in output
    assert "--include-secrets" in output


def test_include_secrets_keeps_them_in_a_0600_file(tmp_path, secrets):
    backup = tmp_path / "ledger.json"
    output = _export(backup, "--include-secrets")
    text = backup.read_text()
    assert secrets["key"] in text
    assert secrets["hash"] in text
    assert _mode(backup) == 0o600
    assert "keep it private" in output


def test_a_restore_without_secrets_keeps_the_record_and_asks_for_passwords(tmp_path, secrets):
    load_seeds()
    experts = list(Expert.objects.order_by("pk").values_list("slug", "name"))
    backup = tmp_path / "ledger.json"
    _export(backup)

    call_command("flush", interactive=False, verbosity=0)
    ensure_roles()
    out = StringIO()
    call_command("import_all", str(backup), stdout=out)

    assert list(Expert.objects.order_by("pk").values_list("slug", "name")) == experts
    assert verify_ledger()[1] is None
    alice = User.objects.get(username="alice")
    assert alice.groups.filter(name="Editors").exists()
    assert not alice.has_usable_password()
    assert not alice.check_password("pw-alice")
    assert not Token.objects.exists()
    assert "2 active users have no password" in out.getvalue()
    assert "changepassword" in out.getvalue()


def test_a_restore_with_secrets_keeps_logins_and_says_nothing_of_passwords(tmp_path, secrets):
    backup = tmp_path / "ledger.json"
    _export(backup, "--include-secrets")
    call_command("flush", interactive=False, verbosity=0)
    ensure_roles()
    out = StringIO()
    call_command("import_all", str(backup), stdout=out)
    assert User.objects.get(username="alice").check_password("pw-alice")
    assert Token.objects.get(user__username="carol").key == secrets["key"]
    assert "no password" not in out.getvalue()
