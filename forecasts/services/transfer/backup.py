"""Whole-service backup as JSON: everything needed to rebuild the record elsewhere.

Row ids are kept (users included), so the ledger's payloads, which name ids, verify after a
round trip. Datetimes keep their microseconds: Django's own JSON fixtures round them to
milliseconds, which would make every ledger entry look altered. Groups and permissions come
from migrations on the receiving side; memberships travel by group name.

Secrets stay out unless asked for: API tokens are left out and password hashes replaced by
Django's unusable-password marker, so a copy of the file gives nobody a login. After a
restore from such a file nobody can log in until a password is set (manage.py
changepassword), and every API client needs a new token. The file is written mode 0600.
"""

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

from forecasts.services.ledger.chain import GENESIS
from forecasts.services.ledger.verify import LedgerProblem, verify_ledger
from forecasts.services.track_records.sums import suspend_sums_trigger


def backup_models(*, include_secrets: bool = True) -> list[type[Model]]:
    """Users and tokens first, then the record in dependency order (the order models
    register in: see forecasts/models/__init__.py). Tokens only with `include_secrets`."""
    token = [apps.get_model("authtoken", "Token")] if include_secrets else []
    return [
        apps.get_model("auth", "User"),
        *token,
        *apps.get_app_config("forecasts").get_models(),
    ]


def _encode(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()  # full precision, unlike DjangoJSONEncoder
    return str(value)


def _objects(include_secrets: bool) -> Iterator[dict]:
    for model in backup_models(include_secrets=include_secrets):
        rows = model._default_manager.order_by("pk").iterator(chunk_size=2000)
        for obj in serializers.serialize("python", rows, use_natural_foreign_keys=True):
            if not include_secrets and obj["model"] == "auth.user":
                obj["fields"]["password"] = make_password(None)  # unusable: set one to log in
            yield obj


def _private_file(path: Path) -> int:
    """A file descriptor for writing `path` from scratch, readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
    return fd


def export_all(path: Path, *, include_secrets: bool = False) -> int:
    """Stream every object to `path` as a JSON list, mode 0600; returns how many were
    written. Without `include_secrets`, no API token and no password hash (module docstring)."""
    count = 0
    with open(_private_file(path), "w", encoding="utf-8") as out:
        out.write("[\n")
        for obj in _objects(include_secrets):
            out.write(",\n" if count else "")
            out.write(json.dumps(obj, default=_encode, ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    return count


def users_without_password() -> int:
    """Active users who cannot log in until a password is set, as after a restore from a
    backup made without secrets."""
    User = apps.get_model("auth", "User")
    return User.objects.filter(
        is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
    ).count()


def record_is_empty() -> bool:
    """True when no domain row exists yet: what `migrate` leaves (groups, and the ledger's
    head at its start, seq 0) does not count."""
    LedgerHead = apps.get_model("forecasts", "LedgerHead")
    for model in apps.get_app_config("forecasts").get_models():
        rows = model.objects.all()
        if model is LedgerHead:
            rows = rows.exclude(seq=0, hash=GENESIS)
        if rows.exists():
            return False
    return True


class NotEmpty(Exception):
    pass


def import_all(path: Path) -> tuple[int, LedgerProblem | None]:
    """Load a backup into an empty database, then verify the ledger; returns verify's result."""
    if not record_is_empty():
        raise NotEmpty("The database already holds a record; import_all only fills an empty one.")
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    with transaction.atomic():
        suspend_sums_trigger()  # the backup holds the sums of its scores already
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", data, handle_forward_references=True):
                obj.save()
        connection.check_constraints()
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), backup_models()):
                cursor.execute(statement)
    return verify_ledger()
