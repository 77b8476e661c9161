"""export_all then import_all into an empty database loses nothing and the ledger verifies."""

import hashlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from forecasts.models import Expert, LedgerHead, ScoreSums
from forecasts.services import edit_expert
from forecasts.services.roles import ensure_roles
from seeds.loader import load_seeds

pytestmark = pytest.mark.django_db(transaction=True)


def _fingerprint() -> dict[str, str]:
    """A digest of every row of every forecasts model, plus users and groups by name."""
    digests = {}
    for model in apps.get_app_config("forecasts").get_models():
        rows = serializers.serialize("json", model.objects.order_by("pk"))
        digests[model.__name__] = hashlib.sha256(rows.encode()).hexdigest()
    digests["users"] = repr(sorted(User.objects.values_list("username", "email", "is_staff")))
    digests["groups"] = repr(sorted(Group.objects.values_list("name", "user__username")))
    return digests


def _as_migrate_leaves_it() -> None:
    """After a flush, what `migrate` gives a new database: the roles and the ledger's head at
    its start (a backup could not be restored into a freshly migrated database before)."""
    ensure_roles()
    LedgerHead.objects.create(pk=1, seq=0, hash="0" * 64)


def test_round_trip_into_an_empty_database_loses_nothing(tmp_path, bob):
    load_seeds()
    expert = Expert.objects.order_by("pk").first()
    edit_expert(expert, changed_by=bob, reason="A new post.", affiliation="Harbour U")
    call_command("verify_ledger")
    before = _fingerprint()
    backup = tmp_path / "ledger.json"
    call_command("export_all", str(backup))

    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists()
    _as_migrate_leaves_it()
    call_command("import_all", str(backup))

    assert _fingerprint() == before
    call_command("verify_ledger")


def test_import_all_refuses_a_database_that_already_holds_a_record(tmp_path, expert):
    backup = tmp_path / "ledger.json"
    call_command("export_all", str(backup))
    with pytest.raises(CommandError, match="already holds a record"):
        call_command("import_all", str(backup))


def test_exact_sums_past_fifteen_digits_survive_a_read_and_a_round_trip(tmp_path, expert):
    # 16 digits in 1e-12 units (a log-score sum of -1076.16): as numeric columns, Django's
    # SQLite backend read these back rounded to 15 significant digits, and a backup kept
    # the rounded value.
    big = -1_076_164_356_788_186
    ScoreSums.objects.create(expert=expert, calibration_bin=9, n=200, sum_log=big, dirty=False)
    assert ScoreSums.objects.get().sum_log == big
    backup = tmp_path / "ledger.json"
    call_command("export_all", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    _as_migrate_leaves_it()
    call_command("import_all", str(backup))
    assert ScoreSums.objects.get().sum_log == big
