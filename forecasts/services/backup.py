"""Whole-service backup as JSON: everything needed to rebuild the record elsewhere.

Primary keys of the record are kept, so the ledger's hashes (which name row ids) verify after
a round trip. Users and groups travel by natural key; content types and permissions are
recreated by migrate on the receiving side.
"""

from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from forecasts.services.ledger import LedgerProblem, verify_ledger

BACKUP_LABELS = ["auth.group", "auth.user", "authtoken.token", "forecasts"]


def export_all(path: Path) -> None:
    call_command(
        "dumpdata",
        *BACKUP_LABELS,
        natural_foreign=True,
        natural_primary=True,
        output=str(path),
        verbosity=0,
    )


def record_is_empty() -> bool:
    """True when no domain row exists yet (groups from migrations do not count)."""
    return not any(
        model.objects.exists() for model in apps.get_app_config("forecasts").get_models()
    )


class NotEmpty(Exception):
    pass


def import_all(path: Path) -> tuple[int, LedgerProblem | None]:
    """Load a backup into an empty database, then verify the ledger; returns verify's result."""
    if not record_is_empty():
        raise NotEmpty("The database already holds a record; import_all only fills an empty one.")
    with transaction.atomic():
        call_command("loaddata", str(path), verbosity=0)
    return verify_ledger()
